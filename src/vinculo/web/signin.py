"""Signing in: by user name or by phone number as people type it, throttled and locked out.

Workers' accounts are named by their phone number in E.164 (`+50499117788`), but nobody types
that: `9911-7788`, `99117788` and `+504 9911 7788` are the same account. The typed text is
turned into the account's name before anything else sees it, so that the password check, the
lockout and the audit log all speak of the one account however it was written.

Guessing is stopped twice (django-axes and django-ratelimit, both made for this):

- per account: after `AXES_FAILURE_LIMIT` wrong passwords the account is locked for
  `AXES_COOLOFF_TIME` (or until an official or an administrator unlocks it);
- per address: more than `SIGNIN_ADDRESS_RATE` sign-in attempts from one address are refused for
  the rest of the window, whichever accounts they name.

Both answer 429 with a page in the user's language saying when to try again.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable
from typing import Any

import phonenumbers
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django_ratelimit.core import is_ratelimited

from vinculo.core.audit import AuditVerb
from vinculo.core.services import audit_record, primary_jurisdiction_id
from vinculo.reference.countries import REGION


def phone_candidates(typed: str) -> list[str]:
    """The E.164 numbers a typed text can be: itself when written with its +code, else one per
    country of the region in which it is a valid number."""
    text = typed.strip()
    if not any(ch.isdigit() for ch in text):
        return []
    countries = (None,) if text.startswith(("+", "00")) else REGION
    found = []
    for country in countries:
        try:
            parsed = phonenumbers.parse("+" + text[2:] if text.startswith("00") else text, country)
        except phonenumbers.NumberParseException:
            continue
        if phonenumbers.is_valid_number(parsed):
            number = phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
            if number not in found:
                found.append(number)
    return found


def account_username(typed: str) -> str:
    """The name of the account a typed user name or phone number means: the user name itself
    when an account has it, else the one account among the phone numbers it can be. When it
    means no account, or more than one, the typed text is returned as it is (and fails)."""
    text = typed.strip()
    users = get_user_model().objects
    if not text or users.filter(username=text).exists():
        return text
    existing = list(
        users.filter(username__in=phone_candidates(text)).values_list("username", flat=True)[:2]
    )
    return existing[0] if len(existing) == 1 else text


class UsernameOrPhoneBackend(ModelBackend):
    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> Any:
        if username is not None:
            username = account_username(username)
        return super().authenticate(request, username=username, password=password, **kwargs)


def axes_username(request: HttpRequest, credentials: dict | None) -> str:
    """The account axes counts a failure against: the same one the backend would check, so
    writing a phone number in another form does not start a new count."""
    typed = (credentials or {}).get("username") or request.POST.get("username", "")
    return account_username(str(typed))[:150]


def _try_again_at(minutes: int) -> str:
    at = timezone.localtime(timezone.now() + dt.timedelta(minutes=minutes))
    return at.strftime("%H:%M")


def locked_out(request: HttpRequest, original_response: Any = None, credentials: Any = None):
    """Axes' answer for a locked account: a page in the user's language, 429."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return render(
        request,
        "web/locked_out.html",
        {
            "message": _(
                "Too many wrong passwords for this account. It is locked for %(minutes)s "
                "minutes: try again after %(time)s, or ask an official to unlock it."
            )
            % {"minutes": minutes, "time": _try_again_at(minutes)},
        },
        status=429,
    )


def audit_locked_out(sender: Any, request: Any, username: str, ip_address: str, **kwargs: Any):
    """Connected to axes' user_locked_out in apps.py: the lockout is a fact the audit keeps."""
    known = get_user_model().objects.filter(username=username).first()
    audit_record(
        verb=AuditVerb.LOGIN_LOCKED_OUT,
        obj=known,
        jurisdiction=primary_jurisdiction_id(known) if known else None,
        actor_label=username[:150],
    )


class SignInThrottleMiddleware:
    """The per-address limit, in front of every sign-in form (ours and the Django admin's)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method == "POST" and request.path in _signin_paths():
            limited = is_ratelimited(
                request,
                group="signin",
                key="ip",
                rate=settings.SIGNIN_ADDRESS_RATE,
                method="POST",
                increment=True,
            )
            if limited:
                audit_record(
                    verb=AuditVerb.LOGIN_THROTTLED,
                    actor_label=str(request.POST.get("username", ""))[:150],
                )
                minutes = settings.SIGNIN_ADDRESS_WINDOW_MINUTES
                return render(
                    request,
                    "web/locked_out.html",
                    {
                        "message": _(
                            "Too many sign-in attempts from this connection. Try again after "
                            "%(time)s."
                        )
                        % {"time": _try_again_at(minutes)},
                    },
                    status=429,
                )
        return self.get_response(request)


@functools.cache
def _signin_paths() -> frozenset[str]:
    return frozenset({reverse("login"), reverse("admin:login")})
