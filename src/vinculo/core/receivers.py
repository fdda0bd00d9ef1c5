"""Sign-ins, sign-outs and failed sign-ins go to the audit log (connected in apps.py)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from vinculo.core.audit import AuditVerb
from vinculo.core.services import audit_record, primary_jurisdiction_id


@receiver(user_logged_in)
def audit_login(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    audit_record(
        verb=AuditVerb.LOGIN, actor=user, obj=user, jurisdiction=primary_jurisdiction_id(user)
    )


@receiver(user_logged_out)
def audit_logout(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if user is not None:
        audit_record(
            verb=AuditVerb.LOGOUT, actor=user, obj=user, jurisdiction=primary_jurisdiction_id(user)
        )


@receiver(user_login_failed)
def audit_login_failed(sender: Any, credentials: dict, request: Any = None, **kwargs: Any) -> None:
    username = str(credentials.get("username", ""))[:150]
    known = get_user_model().objects.filter(username=username).first()
    audit_record(
        verb=AuditVerb.LOGIN_FAILED,
        obj=known,
        jurisdiction=primary_jurisdiction_id(known) if known else None,
        actor_label=username,
    )
