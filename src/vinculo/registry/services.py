"""Writes of the registry. Issue-3 work (registration, import, licences) lands here."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from vinculo.core.audit import AuditVerb
from vinculo.core.services import audit_record
from vinculo.registry.models import Worker
from vinculo.registry.selectors import worker_get


@transaction.atomic
def worker_profile_view(*, actor: Any, worker_id: Any) -> Worker:
    """Open a worker's full profile. Seeing a whole personal record is itself audited: who looked,
    at whom, when and from where."""
    worker = worker_get(actor=actor, worker_id=worker_id)
    audit_record(verb=AuditVerb.PROFILE_VIEWED, actor=actor, obj=worker)
    return worker
