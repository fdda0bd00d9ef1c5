"""Carries who/where of the current request to the audit log without passing it around, and
ends idle staff sessions."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from vinculo.core.apis import problem_response
from vinculo.core.audit import AuditVerb
from vinculo.core.context import RequestContext, client_ip, current_request
from vinculo.core.permissions import Role
from vinculo.core.services import audit_record, primary_jurisdiction_id


class RequestContextMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        context = RequestContext(
            ip=client_ip(request),
            user_agent=request.META.get("HTTP_USER_AGENT", "")[:255],
            request_id=uuid.uuid4().hex,
        )
        token = current_request.set(context)
        try:
            response = self.get_response(request)
        finally:
            current_request.reset(token)
        response["X-Request-ID"] = context.request_id
        return response


IDLE_KEY = "vinculo_seen"  # the session's last request, as a POSIX timestamp
IDLE_WRITE_EVERY = 60  # seconds: the session is written at most once a minute for this


class IdleSessionMiddleware:
    """Staff sessions (officials, caseworkers, auditors, employers' and agencies' staff) end
    after STAFF_IDLE_MINUTES without a request: a ministry computer left open is not an open
    registry. Workers sign in from their own phones and keep Django's longer session. The next
    request is sent to sign in again, and back to where it was going."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and _is_staff(user):
            now = time.time()
            seen = request.session.get(IDLE_KEY)
            limit = settings.STAFF_IDLE_MINUTES * 60
            if seen is not None and now - seen > limit:
                return self._expired(request, user)
            if seen is None or now - seen > IDLE_WRITE_EVERY:
                request.session[IDLE_KEY] = now
        return self.get_response(request)

    def _expired(self, request: HttpRequest, user: Any) -> HttpResponse:
        audit_record(
            verb=AuditVerb.SESSION_EXPIRED,
            actor=user,
            obj=user,
            jurisdiction=primary_jurisdiction_id(user),
        )
        logout(request)
        messages.info(
            request,
            _("Your session ended after %(minutes)s minutes without use. Sign in again.")
            % {"minutes": settings.STAFF_IDLE_MINUTES},
        )
        if request.path.startswith("/api/"):
            return problem_response(
                request, 401, "session_expired", _("Your session ended. Sign in again.")
            )
        back = request.get_full_path() if request.method == "GET" else ""
        return redirect_to_login(back or "/")


def _is_staff(user: Any) -> bool:
    return any(m.role != Role.WORKER for m in user.active_memberships) or user.is_superuser
