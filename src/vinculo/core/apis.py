"""API plumbing shared by every app: problem+json errors, pagination, the current user."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, JsonResponse
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from vinculo.core.access import user_can
from vinculo.core.converters import MAX_ID
from vinculo.core.errors import DomainError
from vinculo.core.permissions import Perm

PROBLEM_CONTENT_TYPE = "application/problem+json"
# What the schema says of an error answer, and the errors an action on an object can meet.
PROBLEM = OpenApiResponse(description="application/problem+json (RFC 9457)")
ERRORS = {400: PROBLEM, 403: PROBLEM, 404: PROBLEM, 409: PROBLEM}
MAX_INT = 2**31 - 1  # an IntegerField column on PostgreSQL


class IdField(serializers.IntegerField):
    """The id of an object, sent in a body: a whole number a database id can be, so a bigger one
    is a field error here rather than an OverflowError in the database (a 500)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(**kwargs)


class VersionField(serializers.IntegerField):
    """The version of an object the client read (optimistic locking), bounded like its column."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("min_value", 0)
        kwargs.setdefault("max_value", MAX_INT)
        super().__init__(**kwargs)


class RunSerializer(serializers.Serializer):
    """What every background run (vinculo.core.runs) answers when it is polled; a run's own
    serializer adds what it is about and what it counted."""

    id = serializers.UUIDField()
    status = serializers.CharField()
    status_label = serializers.CharField()
    stage = serializers.CharField()
    done = serializers.IntegerField()
    total = serializers.IntegerField()
    percent = serializers.IntegerField()
    stale = serializers.BooleanField(
        source="is_stale", help_text="Queued or running, but its worker stopped answering."
    )
    error = serializers.CharField(source="failure")
    attempt = serializers.IntegerField()
    created_at = serializers.DateTimeField()
    started_at = serializers.DateTimeField(allow_null=True)
    finished_at = serializers.DateTimeField(allow_null=True)


def problem_type(code: str) -> str:
    # Tag URIs name the problem without promising a page at that address (RFC 9457 §3.1.1).
    return f"tag:vinculo.dev,2026:problem:{code}"


def problem(
    *,
    status: int,
    code: str,
    title: str,
    detail: str = "",
    errors: list[dict] | None = None,
    **extra: Any,
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "type": problem_type(code),
        "title": title,
        "status": status,
        "code": code,
    }
    if detail:
        body["detail"] = detail
    if errors:
        body["errors"] = errors
    body.update(extra)
    return body


def _field_errors(detail: Any, prefix: str = "") -> list[dict]:
    """Flatten DRF's nested error detail into [{field, code, message}]."""
    out: list[dict] = []
    if isinstance(detail, dict):
        for key, value in detail.items():
            # str(): a list's errors come keyed by index, and index 0 must not read as no name
            name = str(key) if key != "non_field_errors" else ""
            out += _field_errors(value, f"{prefix}.{name}" if prefix and name else prefix or name)
    elif isinstance(detail, list):
        for index, value in enumerate(detail):
            if isinstance(value, dict | list) and not isinstance(value, exceptions.ErrorDetail):
                out += _field_errors(value, f"{prefix}[{index}]")
            else:
                out += _field_errors(value, prefix)
    else:
        out.append(
            {
                "field": prefix or None,
                "code": getattr(detail, "code", "invalid"),
                "message": str(detail),
            }
        )
    return out


def problem_exception_handler(exc: Exception, context: dict) -> Response | None:
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    if isinstance(exc, DomainError):
        errors = [
            {"field": field or None, "code": code, "message": str(message)}
            for field, code, message in exc.errors
        ]
        body = problem(
            status=exc.status,
            code=exc.code,
            title=str(exc.message),
            errors=errors,
            **({"details": exc.details} if exc.details else {}),
        )
        return Response(body, status=exc.status, content_type=PROBLEM_CONTENT_TYPE)
    if not isinstance(exc, exceptions.APIException):
        return None  # a bug: let Django's 500 handler answer (as problem+json, see handler500)
    if isinstance(exc, exceptions.ValidationError):
        body = problem(
            status=400,
            code="validation_failed",
            title=_("Some fields are not valid."),
            errors=_field_errors(exc.detail),
        )
    else:
        detail = exc.detail if isinstance(exc.detail, str) else str(exc.detail)
        body = problem(
            status=exc.status_code,
            code=exc.get_codes() if isinstance(exc.get_codes(), str) else "error",
            title=str(detail),
        )
    response = Response(body, status=exc.status_code, content_type=PROBLEM_CONTENT_TYPE)
    if isinstance(exc, exceptions.Throttled) and exc.wait:
        response["Retry-After"] = str(int(exc.wait))
    auth_header = getattr(exc, "auth_header", None)
    if auth_header:
        response["WWW-Authenticate"] = auth_header
    return response


def problem_response(request: HttpRequest, status: int, code: str, title: str) -> JsonResponse:
    return JsonResponse(
        problem(status=status, code=code, title=title),
        status=status,
        content_type=PROBLEM_CONTENT_TYPE,
    )


class MeApi(APIView):
    class OutputSerializer(serializers.Serializer):
        class MembershipSerializer(serializers.Serializer):
            role = serializers.CharField()
            role_label = serializers.CharField(source="get_role_display")
            jurisdiction = serializers.CharField(
                source="jurisdiction.code", allow_null=True, default=None
            )
            organisation = serializers.CharField(
                source="organisation.name", allow_null=True, default=None
            )

        id = serializers.IntegerField()
        username = serializers.CharField()
        first_name = serializers.CharField()
        last_name = serializers.CharField()
        preferred_language = serializers.CharField()
        memberships = MembershipSerializer(many=True, source="active_memberships")
        permissions = serializers.ListField(child=serializers.CharField())

    @extend_schema(responses=OutputSerializer, summary="The signed-in user")
    def get(self, request: Request) -> Response:

        user = request.user
        user.permissions = sorted(p.value for p in Perm if user_can(user, p))
        return Response(self.OutputSerializer(user).data)


class PublicVerificationThrottle(ScopedRateThrottle):
    """A throttle of a public check, scoped, whose rate lives with the check (a subclass's
    RATES), not in settings: a REST_FRAMEWORK DEFAULT_THROTTLE_RATES entry for the same scope,
    when a deployment adds one, wins."""

    RATES: dict[str, str] = {}

    def get_rate(self) -> str:
        return self.THROTTLE_RATES.get(self.scope) or self.RATES[self.scope]
