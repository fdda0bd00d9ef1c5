"""Who is asking, for the audit log: the request's address, browser and id, set by
middleware.RequestContextMiddleware for the length of each request and read by
services.audit_record."""

from __future__ import annotations

import contextvars
from dataclasses import dataclass

from django.http import HttpRequest


@dataclass(frozen=True)
class RequestContext:
    ip: str | None
    user_agent: str
    request_id: str


current_request: contextvars.ContextVar[RequestContext | None] = contextvars.ContextVar(
    "vinculo_request", default=None
)


def client_ip(request: HttpRequest) -> str | None:
    # Behind a reverse proxy, the deployment sets REMOTE_ADDR correctly (see docs/operations.md);
    # X-Forwarded-For is not trusted here because any client can send it.
    return request.META.get("REMOTE_ADDR") or None
