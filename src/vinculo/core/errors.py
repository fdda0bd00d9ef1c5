"""Typed errors with stable machine codes. Services raise them; the API turns them into
application/problem+json and pages show their message next to the field."""

from __future__ import annotations

from django.utils.functional import Promise


class DomainError(Exception):
    status = 400
    code = "invalid"

    def __init__(
        self,
        message: str | Promise,
        *,
        code: str | None = None,
        field: str | None = None,
        details: dict | None = None,
        errors: list[tuple[str, str, str | Promise]] | None = None,
    ) -> None:
        super().__init__(str(message))
        self.message = message
        self.code = code or self.code
        self.field = field
        self.details = details or {}
        # Every field that failed, as (field, code, message), when a check reports them all at
        # once (a registration names each wrong field, as its form does).
        self.errors = errors or [(field or "", self.code, message)]


class ValidationFailed(DomainError):
    status = 400
    code = "validation_failed"


class Conflict(DomainError):
    """Someone else changed the thing first, or it is in a state that forbids the move."""

    status = 409
    code = "conflict"


class NotAllowed(DomainError):
    """The actor sees the object but may not do this to it."""

    status = 403
    code = "not_allowed"
