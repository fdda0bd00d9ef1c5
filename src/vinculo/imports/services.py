"""Writes of imports: take a file, then read it in the background and write its valid rows in
batches.

Each batch is one transaction: its workers (with their document, occupations, languages and
consent) or organisations (with their establishment or licence), the keys that make a second
import of the same file a no-op, its row errors and the progress counters. A crash loses at most
the batch in flight, never half of a row; running the import again finishes the job, counting
what the first run wrote as "already registered".

Only the business actions are here (request, retry, process) and what they orchestrate. The
batch pipeline is in `batches.py`, the writer of each kind of record in `writers.py`, the plain
SQL and COPY in `bulk.py`, and the process and SQLite tuning in `tuning.py`.
"""

from __future__ import annotations

import gc
import logging
import os
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from django_tasks import task

from vinculo.core.access import scope_for
from vinculo.core.audit import AuditVerb
from vinculo.core.errors import NotAllowed, ValidationFailed
from vinculo.core.models import User
from vinculo.core.permissions import Perm
from vinculo.core.runs import RunLost, run_claim, run_fail, run_finish, run_progress, run_retry
from vinculo.core.selectors import jurisdiction_pick
from vinculo.core.services import audit_record
from vinculo.imports import readers
from vinculo.imports.batches import batch_write, batches_checked, rows_batched
from vinculo.imports.domain import error_message, header_check
from vinculo.imports.models import Import, ImportKey, ImportKind, ImportRowError
from vinculo.imports.tuning import gc_paused, sqlite_page_cache
from vinculo.imports.writers import WRITERS
from vinculo.matching.index import index_rebuild_soon

logger = logging.getLogger(__name__)

BATCH_SIZE = 5000
# Files from this size on (about 2,500 worker rows) are checked in helper processes; below it,
# starting them costs more than it saves.
PARALLEL_MIN_BYTES = 512 * 1024
IMPORT_CACHE_KIB = 128 * 1024  # SQLite's page cache while a large file is written
MAX_FILE_BYTES = 2 * 1024**3  # 2 GiB: far more than memory, streamed all the same

NOT_ALLOWED = _("You may not import registry files.")
KIND_UNKNOWN = _("Choose what the file holds: workers, employers or agencies.")
FORMAT_UNKNOWN = _("Upload a CSV (.csv) or Excel (.xlsx) file.")
FILE_EMPTY = _("The file is empty.")
FILE_TOO_BIG = _("The file is larger than 2 GB.")
FILE_UNREADABLE = _("The file cannot be read as CSV or XLSX.")
FILE_OLD_EXCEL = _(
    "This is an old Excel file (.xls): save it in Excel as .xlsx or CSV and upload it again."
)
FILE_NOT_TABLE = _(
    "This file is not a CSV or Excel file: upload a .csv or .xlsx file made from the template."
)
UNREADABLE_MESSAGES = {
    "file_unreadable": FILE_UNREADABLE,
    "file_old_excel": FILE_OLD_EXCEL,
    "file_not_table": FILE_NOT_TABLE,
}
HEADER_INVALID = _("The first row does not match the layout of this import.")
JURISDICTION_NEEDED = _("Choose the jurisdiction the records will belong to.")
NOT_FAILED = _("Only a failed import can be run again.")


def import_path(run: Import) -> str:
    return os.path.join(settings.IMPORTS_DIR, run.stored_name)


def _file_format(name: str) -> str:
    extension = os.path.splitext(name or "")[1].lower().lstrip(".")
    if extension not in readers.NAME_EXTENSIONS:
        raise ValidationFailed(FORMAT_UNKNOWN, code="file_format", field="file")
    return extension


def import_request(
    *,
    kind: str,
    upload: UploadedFile | None,
    actor: User,
    jurisdiction_id: Any = None,
) -> Import:
    """Keep the file, check its header row, and queue the import. The header is checked now so
    that a wrong layout is answered at once, next to the file field; the rows are read later."""
    if scope_for(actor, Perm.IMPORT_REGISTRY).empty:
        raise NotAllowed(NOT_ALLOWED)
    if kind not in ImportKind.values:
        raise ValidationFailed(KIND_UNKNOWN, code="kind", field="kind")
    if upload is None or not upload.size:
        raise ValidationFailed(FILE_EMPTY, code="file_empty", field="file")
    file_format = _file_format(upload.name)
    if upload.size > MAX_FILE_BYTES:
        raise ValidationFailed(FILE_TOO_BIG, code="file_too_big", field="file")
    jurisdiction = jurisdiction_pick(
        actor=actor, perm=Perm.IMPORT_REGISTRY, value=jurisdiction_id, message=JURISDICTION_NEEDED
    )

    run = Import(
        kind=kind,
        jurisdiction=jurisdiction,
        requested_by=actor,
        file_name=os.path.basename(upload.name)[:255],
        file_format=file_format,
        file_size=upload.size,
    )
    run.stored_name = f"{run.pk}.{file_format}"
    os.makedirs(settings.IMPORTS_DIR, exist_ok=True)
    path = import_path(run)
    try:
        with open(path, "wb") as handle:
            for chunk in upload.chunks():
                handle.write(chunk)
        try:
            # The content decides, not the name: an .xlsx renamed to .csv is read as Excel, and
            # a PDF or an old .xls is refused in one sentence instead of read as text.
            found = readers.format_sniff(path)
            if found != file_format:
                run.file_format = found
                run.stored_name = f"{run.pk}.{found}"
                os.replace(path, import_path(run))
                path = import_path(run)
            header = readers.header_read(path, run.file_format)
        except readers.FileUnreadable as error:
            raise ValidationFailed(
                UNREADABLE_MESSAGES.get(error.code, FILE_UNREADABLE), code=error.code, field="file"
            ) from None
        _names, problems = header_check(kind, header)
        if problems:
            raise ValidationFailed(
                HEADER_INVALID,
                code="header_invalid",
                field="file",
                details={
                    "columns": [
                        {"column": c, "code": code, "message": error_message(code, params)}
                        for c, code, params in problems
                    ]
                },
            )
        return _import_create(run=run, actor=actor)
    except BaseException:
        if os.path.exists(path):
            os.remove(path)
        raise


@transaction.atomic
def _import_create(*, run: Import, actor: User) -> Import:
    run.save(force_insert=True)
    audit_record(
        verb=AuditVerb.IMPORT_STARTED,
        actor=actor,
        obj=run,
        after={"kind": run.kind, "file": run.file_name, "size": run.file_size},
    )
    transaction.on_commit(lambda: import_run.enqueue(import_id=str(run.pk)))
    return run


@transaction.atomic
def import_retry(*, run: Import, actor: User) -> Import:
    run = run_retry(
        run,
        enqueue=lambda queued: import_run.enqueue(import_id=str(queued.pk)),
        refused=NOT_FAILED,
        code="import_not_failed",
    )
    audit_record(
        verb=AuditVerb.IMPORT_RETRIED, actor=actor, obj=run, after={"attempt": run.attempt + 1}
    )
    return run


# --- the background part ----------------------------------------------------------------------


@transaction.atomic
def _claim(import_id: str) -> Import | None:
    run = run_claim(Import, run_id=import_id, rows_created=0, rows_existing=0, rows_failed=0)
    if run is not None:
        # A retry starts over: what the failed run committed is now "already registered".
        ImportRowError.objects.filter(run=run).delete()
        ImportKey.objects.filter(run=run).delete()
    return run


@task()
def import_run(import_id: str) -> str | None:
    """An import's background half: the task queue runs it."""
    run = import_process(import_id=import_id)
    return run.status if run else None


def import_process(*, import_id: str) -> Import | None:
    """Read the file of one import and write its rows. Safe to run twice: only a queued import
    is claimed, and a worker that loses its claim (found stale, retried) stops at its next batch,
    whose transaction it rolls back."""
    run = _claim(import_id)
    if run is None:
        return Import.objects.filter(pk=import_id).first()
    try:
        problem = _process(run)
        with transaction.atomic():
            if problem:
                if not run_fail(run, error=problem):
                    raise RunLost(run.pk)
                run.refresh_from_db()
            else:
                run = run_finish(run)
            _import_finished(run)
    except RunLost:
        logger.warning("import %s was taken over by a retry", run.pk)
        return Import.objects.get(pk=run.pk)
    except Exception as error:
        logger.exception("import %s failed", run.pk)
        run_fail(run, error=error)
        raise
    return run


def _import_finished(run: Import) -> None:
    audit_record(
        verb=AuditVerb.IMPORT_FINISHED,
        actor=run.requested_by,
        obj=run,
        after={
            "status": run.status,
            "rows": run.done,
            "created": run.rows_created,
            "existing": run.rows_existing,
            "failed": run.rows_failed,
        },
    )
    if run.kind == ImportKind.WORKERS and run.rows_created:
        # Rankings read workers the matching index lacks from the database: a large import
        # would make every ranking read it, until the index is built again.
        index_rebuild_soon()


def _process(run: Import) -> str:
    """Write the file's rows; the error code that stops the import, or "" when it went through."""
    path = import_path(run)
    run_progress(run, total=readers.rows_count(path, run.file_format))
    writer = WRITERS[run.kind](run)
    with readers.rows_open(path, run.file_format) as rows:
        header = next(rows, (1, []))[1]
        names, problems = header_check(run.kind, header)
        if problems:
            ImportRowError.objects.bulk_create(
                ImportRowError(run=run, row=1, column=c[:40], code=code, params=params)
                for c, code, params in problems
            )
            return "header_invalid"
        chunks = rows_batched(rows, BATCH_SIZE)
        parallel = os.path.getsize(path) >= PARALLEL_MIN_BYTES and (os.cpu_count() or 1) > 1
        with sqlite_page_cache(IMPORT_CACHE_KIB if parallel else 0), gc_paused():
            checked = batches_checked(
                run.kind, names, chunks, writer.context, writer.shared, parallel
            )
            for batch, blank in checked:
                batch_write(run, writer, batch, blank)
                del batch
                # The young objects only, each looked at once: whatever cycle a batch's queries
                # left is freed now, so a file of millions of rows does not pile them up.
                gc.collect(0)
    return ""
