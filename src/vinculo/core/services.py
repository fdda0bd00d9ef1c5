"""Writes of the core app: the audit log and background exports."""

from __future__ import annotations

import csv
import glob
import logging
import os
from datetime import date
from decimal import Decimal
from typing import Any
from uuid import UUID

from django.conf import settings
from django.db import models, transaction
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _
from django_tasks import task

from vinculo.core.access import acting_user
from vinculo.core.audit import AuditVerb
from vinculo.core.cells import csv_row
from vinculo.core.context import current_request
from vinculo.core.models import AuditEvent, Export, Jurisdiction, User
from vinculo.core.runs import RunLost, run_claim, run_fail, run_finish, run_progress, run_retry

logger = logging.getLogger(__name__)

EXPORT_PROGRESS_EVERY = 500
EXPORT_NOT_FAILED = _("Only a failed export can be run again.")


def audit_record(
    *,
    verb: str,
    actor: Any = None,
    obj: models.Model | None = None,
    jurisdiction: Jurisdiction | int | None = None,
    before: dict | None = None,
    after: dict | None = None,
    reason: str = "",
    actor_label: str = "",
) -> AuditEvent:
    """Append one event. Call it inside the transaction of the write it records, so that the
    write and its audit line are committed together or not at all."""
    live_actor = acting_user(actor)
    if jurisdiction is None and obj is not None:
        jurisdiction = getattr(obj, "jurisdiction_id", None)
    context = current_request.get()
    return AuditEvent.objects.create(
        actor=live_actor,
        actor_label=actor_label or (live_actor.get_username() if live_actor else ""),
        verb=verb,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        jurisdiction_id=jurisdiction.pk if isinstance(jurisdiction, Jurisdiction) else jurisdiction,
        ip=context.ip if context else None,
        user_agent=context.user_agent if context else "",
        request_id=context.request_id if context else "",
        before=before,
        after=after,
        reason=reason,
    )


def audit_value(value: Any) -> Any:
    """A field's value as an audit event's before or after keeps it (dates as ISO text, decimal
    amounts and UUIDs as text)."""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal | UUID):
        return str(value)
    return value


def primary_jurisdiction_id(user: User) -> int | None:
    """The jurisdiction a user's own events (sign-ins) are filed under."""
    for membership in user.active_memberships:
        if membership.jurisdiction_id:
            return membership.jurisdiction_id
        if membership.organisation_id:
            return membership.organisation.jurisdiction_id
    return None


# --- exports ----------------------------------------------------------------------------------

EXPORT_KINDS: dict[str, str] = {"audit_log": "vinculo.core.selectors.audit_export_rows"}


@transaction.atomic
def export_request(*, kind: str, params: dict, actor: User) -> Export:
    export = Export.objects.create(kind=kind, params=params, requested_by=actor)
    audit_record(
        verb=AuditVerb.EXPORT_REQUESTED,
        actor=actor,
        obj=export,
        jurisdiction=primary_jurisdiction_id(actor),
        after={"kind": kind, "params": params},
    )
    transaction.on_commit(lambda: export_run.enqueue(export_id=str(export.pk)))
    return export


@transaction.atomic
def export_retry(*, export: Export, actor: User) -> Export:
    export = run_retry(
        export,
        enqueue=lambda run: export_run.enqueue(export_id=str(run.pk)),
        refused=EXPORT_NOT_FAILED,
        code="export_not_failed",
    )
    audit_record(
        verb=AuditVerb.EXPORT_RETRIED,
        actor=actor,
        obj=export,
        jurisdiction=primary_jurisdiction_id(actor),
        after={"attempt": export.attempt + 1},
    )
    return export


def export_path(export: Export) -> str:
    return os.path.join(settings.EXPORTS_DIR, f"{export.pk}.csv")


def export_build(*, export_id: str) -> Export | None:
    """Build the file of one export. Safe to run twice and to retry after a crash: only a queued
    export is claimed, the file is written to a temporary name and moved into place only when
    complete, so a half-written file is never offered for download."""
    export = run_claim(Export, run_id=export_id, file_name="")
    if export is None:
        return Export.objects.filter(pk=export_id).first()

    final = export_path(export)
    # One name per attempt: a worker that lost its run never touches the new attempt's file.
    partial = f"{final}.{export.attempt}.partial"
    try:
        header, total, rows = import_string(EXPORT_KINDS[export.kind])(
            actor=export.requested_by, params=export.params
        )
        run_progress(export, total=total)
        os.makedirs(settings.EXPORTS_DIR, exist_ok=True)
        with open(partial, "w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(csv_row(header))
            done = 0
            for row in rows:
                # Audit rows carry what people typed (names, reasons): never a formula.
                writer.writerow(csv_row(row))
                done += 1
                if done % EXPORT_PROGRESS_EVERY == 0:
                    run_progress(export, done=done)
        os.replace(partial, final)
        for left in glob.glob(f"{glob.escape(final)}.*.partial"):
            os.remove(left)  # what a killed attempt left behind
    except RunLost:
        # Retried meanwhile: the new attempt writes the file; this one leaves it alone.
        logger.warning("export %s was taken over by a retry", export.pk)
        if os.path.exists(partial):
            os.remove(partial)
        return Export.objects.get(pk=export.pk)
    except Exception as error:
        logger.exception("export %s failed", export.pk)
        if os.path.exists(partial):
            os.remove(partial)
        run_fail(export, error=error)
        raise
    return run_finish(export, done=done, file_name=os.path.basename(final))


def export_downloaded(*, export: Export, actor: User) -> None:
    audit_record(
        verb=AuditVerb.EXPORT_DOWNLOADED,
        actor=actor,
        obj=export,
        jurisdiction=primary_jurisdiction_id(actor),
        after={"kind": export.kind},
    )


@task()
def export_run(export_id: str) -> str | None:
    """An export's background half: the task queue runs it."""
    export = export_build(export_id=export_id)
    return export.status if export else None
