"""Rate limits of the public pages (the offer, agency and job-order checks, the registration
forms) and the page a visitor gets when over one."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import translation
from django.utils.translation import gettext as _

# Public pages are rate-limited per IP address; a function so that tests can lower the rate and a
# deployment (or the load benchmark) can set it (VINCULO_PUBLIC_PAGE_RATE).
PUBLIC_PAGE_RATE = "30/m"


def public_page_rate(group: str, request: HttpRequest) -> str:
    return settings.PUBLIC_PAGE_RATE or PUBLIC_PAGE_RATE


def too_many_requests(request: HttpRequest) -> HttpResponse:
    """A 429 that says, in both languages whatever the visitor's choice, to wait a moment."""
    texts = []
    current = translation.get_language() or "es"
    for language in sorted(("es", "en"), key=lambda code: not current.startswith(code)):
        with translation.override(language):
            texts.append(
                {
                    "language": language,
                    "title": _("Too many requests"),
                    "message": _(
                        "You have made many searches in a short time. Wait a minute and try again."
                    ),
                }
            )
    response = render(request, "web/too_many_requests.html", {"texts": texts}, status=429)
    response["Retry-After"] = "60"
    return response
