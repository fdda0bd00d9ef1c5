"""Writes of imports: take a file, then read it in the background and write its valid rows in
batches.

Each batch is one transaction: its workers (with their document, occupations, languages and
consent) or organisations (with their establishment or licence), the keys that make a second
import of the same file a no-op, its row errors and the progress counters. A crash loses at most
the batch in flight, never half of a row; running the import again finishes the job, counting
what the first run wrote as "already registered".
"""

from __future__ import annotations

import gc
import logging
import multiprocessing
import os
from abc import ABC, abstractmethod
from collections import deque
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import DEFAULT_DB_ALIAS, IntegrityError, connection, connections, transaction
from django.db.models import F, Model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from vinculo.core.access import scope_for
from vinculo.core.audit import AuditVerb
from vinculo.core.crypto import EncryptedTextField, seal
from vinculo.core.errors import NotAllowed, ValidationFailed
from vinculo.core.models import Organisation, OrganisationKind, User
from vinculo.core.permissions import Perm
from vinculo.core.runs import RunLost, run_claim, run_fail, run_finish, run_progress, run_retry
from vinculo.core.selectors import jurisdiction_pick
from vinculo.core.services import audit_record
from vinculo.imports import helper, readers
from vinculo.imports.domain import (
    AgencyRecord,
    EmployerRecord,
    Kind,
    WorkerRecord,
    error_message,
    header_check,
    rows_parse,
)
from vinculo.imports.models import Import, ImportKey, ImportKind, ImportRowError
from vinculo.linkage.domain import match_keys
from vinculo.reference.models import IscoGroup, Occupation
from vinculo.registry.domain import OccupationReference, name_folded
from vinculo.registry.models import (
    AgencyLicence,
    Consent,
    ConsentPurpose,
    Establishment,
    IdentityDocument,
    LicenceEvent,
    RegistrationChannel,
    Worker,
    WorkerLanguage,
    WorkerOccupation,
    new_registration_number,
)

logger = logging.getLogger(__name__)

BATCH_SIZE = 5000
# Files from this size on (about 2,500 worker rows) are checked in helper processes; below it,
# starting them costs more than it saves.
PARALLEL_MIN_BYTES = 512 * 1024
PARALLEL_HELPERS = 1  # on two cores a second helper only competes with the writer (measured)
PARALLEL_AHEAD = 3
IMPORT_CACHE_KIB = 128 * 1024  # SQLite's page cache while a large file is written
WAL_CHECKPOINT_PAGES = 25_000  # about 100 MB of write-ahead log between checkpoints
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
    from vinculo.imports.tasks import import_run

    run.save(force_insert=True)
    audit_record(
        verb=AuditVerb.IMPORT_STARTED,
        actor=actor,
        obj=run,
        after={"kind": run.kind, "file": run.file_name, "size": run.file_size},
    )
    transaction.on_commit(lambda: import_run.enqueue(import_id=str(run.pk)))
    return run


def import_retry(*, run: Import, actor: User) -> Import:
    from vinculo.imports.tasks import import_run

    return run_retry(
        run,
        enqueue=lambda queued: import_run.enqueue(import_id=str(queued.pk)),
        refused=NOT_FAILED,
        code="import_not_failed",
    )


# --- the background part ----------------------------------------------------------------------


@dataclass
class Item:
    """One parsed row of a batch: its number, its record (None if bad), its problems, the
    natural keys it is identified by, as (label, key), and column values worked out beside them
    (a worker's sealed document number)."""

    row: int
    record: Any
    errors: list[tuple[str, str, dict]]
    keys: list[tuple[str, str]] = field(default_factory=list)
    prepared: dict[str, Any] = field(default_factory=dict)


def occupation_reference() -> OccupationReference:
    return OccupationReference(
        esco_units={
            str(esco_id): unit
            for esco_id, unit in Occupation.objects.values_list("esco_id", "isco_group_id")
        },
        isco_units=frozenset(
            IscoGroup.objects.filter(code__regex=r"^[0-9]{4}$").values_list("code", flat=True)
        ),
    )


@transaction.atomic
def _claim(import_id: str) -> Import | None:
    run = run_claim(Import, run_id=import_id, rows_created=0, rows_existing=0, rows_failed=0)
    if run is not None:
        # A retry starts over: what the failed run committed is now "already registered".
        ImportRowError.objects.filter(run=run).delete()
        ImportKey.objects.filter(run=run).delete()
    return run


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
        from vinculo.matching.services import index_rebuild_soon

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
        chunks = _chunks(rows, BATCH_SIZE)
        parallel = os.path.getsize(path) >= PARALLEL_MIN_BYTES and (os.cpu_count() or 1) > 1
        with _sqlite_page_cache(IMPORT_CACHE_KIB if parallel else 0), gc_paused():
            checked = _checked(run.kind, names, chunks, writer.context, writer.shared, parallel)
            for batch, blank in checked:
                batch_write(run, writer, batch, blank)
                del batch
                # The young objects only, each looked at once: whatever cycle a batch's queries
                # left is freed now, so a file of millions of rows does not pile them up.
                gc.collect(0)
    return ""


@contextmanager
def gc_paused() -> Iterator[None]:
    """Python's cycle collector off while batches are read, checked and written. A batch is
    tens of thousands of young objects that all stay alive until it is written, and with the
    collector on, every few hundred allocations re-scan them: measured, that took seven times as
    long as unpickling a checked batch itself. The rows hold no reference cycles (reference
    counting frees them); whatever cycles other code makes meanwhile are collected once it is
    back on."""
    if not gc.isenabled():
        yield
        return
    gc.freeze()  # what was alive before (Django, the reference data) is not scanned again either
    gc.disable()
    try:
        yield
    finally:
        gc.enable()
        gc.unfreeze()


@contextmanager
def _sqlite_page_cache(kib: int) -> Iterator[None]:
    """A larger SQLite page cache while a large file is written: the unique indexes on document
    hashes and registration numbers take their keys in random order, and with SQLite's 2 MB
    default most of those inserts would read pages back from the file. Checkpoints of the
    write-ahead log are spaced out as well (every WAL_CHECKPOINT_PAGES instead of 1,000): an index
    page that batch after batch changes is then copied to the database file once, not at every
    checkpoint, and the log stays bounded whatever the file's size."""
    if not kib or connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        before = cursor.execute("PRAGMA cache_size").fetchone()[0]
        checkpoint = cursor.execute("PRAGMA wal_autocheckpoint").fetchone()[0]
        cursor.execute(f"PRAGMA cache_size = {-int(kib)}")
        cursor.execute(f"PRAGMA wal_autocheckpoint = {WAL_CHECKPOINT_PAGES}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = {int(before)}")
            cursor.execute(f"PRAGMA wal_autocheckpoint = {int(checkpoint)}")


def _chunks(rows: Iterator[tuple[int, list]], size: int) -> Iterator[list[tuple[int, list]]]:
    chunk: list[tuple[int, list]] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def rows_check(
    kind: str,
    names: list[str],
    chunk: list[tuple[int, list]],
    context: dict[str, Any],
    shared: dict[str, Any],
) -> tuple[list[Item], int]:
    """One batch of rows checked, each valid row with its keys and prepared values, and how many
    rows were blank. Needs no database, so it runs in a helper process as well as here."""
    parsed, blank = rows_parse(kind, names, chunk, context)
    writer = WRITERS[kind]
    items = [
        Item(number, record, errors, writer.keys(record) if record is not None else [])
        for number, record, errors in parsed
    ]
    writer.prepare([item for item in items if item.record is not None], shared)
    return items, blank


def _checked(
    kind: str,
    names: list[str],
    chunks: Iterator[list[tuple[int, list]]],
    context: dict[str, Any],
    shared: dict[str, Any],
    parallel: bool,
) -> Iterator[tuple[list[Item], int]]:
    """Checked and prepared batches, in file order. A large file's batches are checked and
    prepared in a helper process while this one writes the batch before: checking a row and
    preparing its values (hashing and encrypting the document number, converting dates) costs
    about as much as writing it, so the two cores of a small server share the work and this
    process only writes. At most PARALLEL_AHEAD batches wait in between, so memory stays bounded
    whatever the file's size."""
    if not parallel:
        for chunk in chunks:
            yield rows_check(kind, names, chunk, context, shared)
        return
    spawn = multiprocessing.get_context("spawn")  # no fork: the parent holds database connections
    with ProcessPoolExecutor(
        max_workers=PARALLEL_HELPERS,
        mp_context=spawn,
        initializer=helper.init,
        initargs=(kind, names, context, shared),
    ) as pool:
        pending: deque = deque()
        for chunk in chunks:
            pending.append(pool.submit(helper.check, chunk))
            if len(pending) > PARALLEL_AHEAD:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()


def batch_write(run: Import, writer: Writer, batch: list[Item], blank: int = 0) -> None:
    """Write one batch, whole or not at all. If another import committed the same keys while this
    batch was being checked, the unique constraints refuse it: check again and write once more,
    and the other import's rows are then "already registered". (So would a registration number
    drawn twice, one chance in about 10^15 a row: the second try draws new ones.)"""
    if not batch and not blank:
        return
    for attempt in (1, 2):
        try:
            with transaction.atomic():
                _batch_write(run, writer, batch, blank)
            return
        except IntegrityError:
            if attempt == 2:
                raise
            writer.prepare([item for item in batch if item.record is not None], writer.shared)


def _batch_write(run: Import, writer: Writer, batch: list[Item], blank: int) -> None:
    errors: list[ImportRowError] = []
    for item in batch:
        errors += [
            ImportRowError(run=run, row=item.row, column=c[:40], code=code, params=params)
            for c, code, params in item.errors
        ]
    valid = [item for item in batch if item.record is not None]
    all_keys = {key for item in valid for _label, key in item.keys}
    earlier = dict(_rows_where_in(ImportKey, ("key", "row"), "key", all_keys, run=run.pk))
    seen: dict[str, int] = {}
    unique: list[Item] = []
    for item in valid:
        duplicate = next(
            (
                (label, earlier.get(key) or seen.get(key))
                for label, key in item.keys
                if key in earlier or key in seen
            ),
            None,
        )
        if duplicate:
            label, first_row = duplicate
            errors.append(
                ImportRowError(
                    run=run,
                    row=item.row,
                    column=writer.key_columns[label],
                    code="duplicate_in_file",
                    params={"key": label, "row": first_row},
                )
            )
            continue
        for _label, key in item.keys:
            seen[key] = item.row
        unique.append(item)
    existing = writer.existing(unique)
    fresh: list[Item] = []
    for item in unique:
        problem = writer.conflict(item, existing)
        if problem:
            column, code, params = problem
            errors.append(
                ImportRowError(run=run, row=item.row, column=column, code=code, params=params)
            )
        elif writer.is_existing(item, existing):
            continue
        else:
            fresh.append(item)
    writer.create(fresh)
    _keys_insert(run, [(key, item.row) for item in unique for _label, key in item.keys])
    ImportRowError.objects.bulk_create(errors)
    failed_rows = len({e.row for e in errors})
    # Last, and fenced: a worker that lost this run rolls its whole batch back here.
    run_progress(
        run,
        done=F("done") + len(batch) + blank,
        rows_created=F("rows_created") + len(fresh),
        rows_existing=F("rows_existing") + (len(unique) - len(fresh) - _conflicts(errors, unique)),
        rows_failed=F("rows_failed") + failed_rows,
    )


IN_CHUNK = 900  # bound parameters per query, well under every SQLite build's limit


def _rows_where_in(
    model: type[Model], select: tuple[str, ...], field: str, values: Any, **equal: Any
) -> list[tuple]:
    """`model.objects.filter(field__in=values, **equal).values_list(*select)` in plain SQL, in
    chunks. The ORM prepares each of a batch's thousands of values in Python, one by one, which
    cost a large import more time than the queries themselves; these are text keys and ids that
    need no preparing."""
    quote = connection.ops.quote_name
    meta = model._meta
    columns = ", ".join(quote(meta.get_field(name).column) for name in select)
    where = [f"{quote(meta.get_field(name).column)} = %s" for name in equal]
    fixed = [meta.get_field(name).get_db_prep_value(v, connection) for name, v in equal.items()]
    values = list(values)
    found: list[tuple] = []
    with connection.cursor() as cursor:
        for start in range(0, len(values), IN_CHUNK):
            chunk = values[start : start + IN_CHUNK]
            marks = ", ".join(["%s"] * len(chunk))
            conditions = " AND ".join(
                [*where, f"{quote(meta.get_field(field).column)} IN ({marks})"]
            )
            cursor.execute(
                f"SELECT {columns} FROM {quote(meta.db_table)} WHERE {conditions}",  # noqa: S608
                [*fixed, *chunk],
            )
            found += cursor.fetchall()
    return found


def _keys_insert(run: Import, keys: list[tuple[str, int]]) -> None:
    """Plain executemany: ImportKey rows are as many as the file's records, and building a model
    instance for each cost as much as writing the workers."""
    if not keys:
        return
    quote = connection.ops.quote_name
    table = ImportKey._meta
    columns = ", ".join(quote(table.get_field(n).column) for n in ("run", "key", "row"))
    run_id = table.get_field("run").get_db_prep_save(run.pk, connection)
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {quote(table.db_table)} ({columns}) VALUES (%s, %s, %s)",  # noqa: S608
            [(run_id, k, r) for k, r in keys],
        )


def _conflicts(errors: list[ImportRowError], unique: list[Item]) -> int:
    rows = {item.row for item in unique}
    return len({e.row for e in errors if e.row in rows})


# --- writers: one per kind --------------------------------------------------------------------


class Writer(ABC):
    """How one kind of record is keyed, found and written; one subclass per import layout."""

    key_columns: dict[str, str] = {}

    def __init__(self, run: Import) -> None:
        self.run = run
        self.now = timezone.now()
        self.context: dict[str, Any] = {}  # what the row checks need (domain.rows_parse)
        self.shared: dict[str, Any] = {}  # what `prepare` needs: values all rows of a run share

    @classmethod
    @abstractmethod
    def keys(cls, record: Any) -> list[tuple[str, str]]: ...

    @classmethod  # noqa: B027 (a hook with nothing to do by default, not an abstract method)
    def prepare(cls, items: list[Item], shared: dict[str, Any]) -> None:
        """Set `prepared` on a batch's valid items: whatever can be worked out without the
        database, in the helper process when there is one. Organisations need nothing."""

    @abstractmethod
    def existing(self, items: list[Item]) -> set[str]: ...

    def is_existing(self, item: Item, existing: set[str]) -> bool:
        return item.keys[0][1] in existing

    def conflict(self, item: Item, existing: set[str]) -> tuple[str, str, dict] | None:
        return None

    @abstractmethod
    def create(self, items: list[Item]) -> None: ...


class WorkerWriter(Writer):
    key_columns = {"document": "document_number"}

    def __init__(self, run: Import) -> None:
        super().__init__(run)
        self.context = {"today": timezone.localdate(), "occupations": occupation_reference()}
        self.shared = {
            "now": self.now,
            "jurisdiction_id": run.jurisdiction_id,
            "registered_by_id": run.requested_by_id,
        }

    @classmethod
    def keys(cls, record: WorkerRecord) -> list[tuple[str, str]]:
        return [
            (
                "document",
                IdentityDocument.hash_for(
                    kind=record.document_kind,
                    issuing_country=record.document_country,
                    number=record.document_number,
                ),
            )
        ]

    def existing(self, items: list[Item]) -> set[str]:
        hashes = [item.keys[0][1] for item in items]
        return {
            h for (h,) in _rows_where_in(IdentityDocument, ("number_hash",), "number_hash", hashes)
        }

    def create(self, items: list[Item]) -> None:
        if not items:
            return
        if connection.vendor == "postgresql":
            workers_copy(items)
        else:
            workers_insert(items)

    @classmethod
    def prepare(cls, items: list[Item], shared: dict[str, Any]) -> None:
        """Each worker's row and its children's (document, occupations, languages, consent), the
        unit written whole or not at all, ready for the database but for their ids: values by
        column, converted as the database takes them, the document number hashed and sealed.
        No model instances: building 6,000 of them per batch cost more than checking the rows."""
        tables = {model: _Table(model) for model in WORKER_MODELS}
        now, jurisdiction_id, actor_id = (
            shared["now"],
            shared["jurisdiction_id"],
            shared["registered_by_id"],
        )
        for item in items:
            r: WorkerRecord = item.record
            worker = {
                "registration_number": new_registration_number(),
                "jurisdiction_id": jurisdiction_id,
                "user_id": None,
                "given_names": r.given_names,
                "first_surname": r.first_surname,
                "second_surname": r.second_surname,
                "sex": r.sex,
                "birth_date": r.birth_date,
                "nationality": r.nationality,
                "phone": r.phone,
                "residence_country": r.residence_country,
                "subdivision": r.subdivision,
                "municipality": r.municipality,
                "education_level": r.education_level,
                "available_from": r.available_from,
                "available_to": r.available_to,
                "relocate_within_country": r.relocate_within_country,
                "work_abroad": r.work_abroad,
                "channel": RegistrationChannel.IMPORT.value,
                "registered_by_id": actor_id,
                "version": 1,
                "created_at": now,
                "updated_at": now,
                **match_keys(
                    given_names=r.given_names,
                    first_surname=r.first_surname,
                    second_surname=r.second_surname,
                    birth_date=r.birth_date,
                    phone=r.phone,
                ),
                "name_folded": name_folded(r.given_names, r.first_surname, r.second_surname),
            }
            children: list[tuple[type[Model], dict]] = [
                (
                    IdentityDocument,
                    {
                        "kind": r.document_kind,
                        "issuing_country": r.document_country,
                        "number": seal(r.document_number),
                        "number_hash": item.keys[0][1],
                        "search_hash": IdentityDocument.search_hash_for(r.document_number),
                        "expires_on": r.document_expiry,
                        "created_at": now,
                        "updated_at": now,
                    },
                )
            ]
            children += [
                (
                    WorkerOccupation,
                    {"occupation_id": esco_id, "isco_group_id": unit, "years_experience": years},
                )
                for esco_id, unit, years in r.occupations
            ]
            children += [
                (WorkerLanguage, {"language": code, "level": level}) for code, level in r.languages
            ]
            if r.consent_matching:
                children.append(
                    (
                        Consent,
                        {
                            "purpose": ConsentPurpose.MATCHING.value,
                            "given_at": now,
                            "withdrawn_at": None,
                        },
                    )
                )
            item.prepared = {
                "worker": tables[Worker].row(worker),
                "children": [(model, tables[model].row(values)) for model, values in children],
            }


CHILD_MODELS = (IdentityDocument, WorkerOccupation, WorkerLanguage, Consent)
WORKER_MODELS = (Worker, *CHILD_MODELS)
_PLAIN_TYPES = frozenset(
    {
        "AutoField",
        "BigAutoField",
        "BigIntegerField",
        "BooleanField",
        "CharField",
        "IntegerField",
        "PositiveIntegerField",
        "PositiveSmallIntegerField",
        "SmallIntegerField",
        "TextField",
    }
)


def _converter(field: Any, db: Any) -> Any:
    """How a value of `field` goes to the database `db`: as it is for text, numbers and booleans
    (both drivers adapt them), through the field otherwise (dates, UUIDs, encryption)."""
    target = field.target_field if field.is_relation else field
    if not isinstance(field, EncryptedTextField) and target.get_internal_type() in _PLAIN_TYPES:
        return None
    # Dates, timestamps and occupation ids repeat a lot within a batch (every row has the same
    # created_at): convert each distinct value once.
    seen: dict[Any, Any] = {}

    def convert(value: Any) -> Any:
        try:
            return seen[value]
        except KeyError:
            seen[value] = prepared = field.get_db_prep_save(value, db)
            return prepared
        except TypeError:  # unhashable
            return field.get_db_prep_save(value, db)

    if isinstance(field, EncryptedTextField):  # every ciphertext is new: nothing to remember
        return lambda value: field.get_db_prep_save(value, db)
    return convert


class _Table:
    """How rows of one model go to the database: its columns in order, and a row of values from
    a dict by attname (a missing one takes the field's default), each converted as the database
    takes it. The database connection is looked up once, not per value (`connection` is a
    thread-local proxy, and a batch converts tens of thousands of values)."""

    def __init__(self, model: type[Model]) -> None:
        fields = list(model._meta.concrete_fields)
        db = connections[DEFAULT_DB_ALIAS]
        self.model = model
        self.columns = [f.column for f in fields]
        self.fields = [(f.attname, f) for f in fields]
        self.converters = [
            (i, c) for i, f in enumerate(fields) if (c := _converter(f, db)) is not None
        ]
        attnames = [f.attname for f in fields]
        self.pk = attnames.index(model._meta.pk.attname)
        self.parent = attnames.index("worker_id") if "worker_id" in attnames else None
        # A field's default is worked out once, unless it is made anew for each row (a callable).
        made = [f.has_default() and callable(f.default) for _name, f in self.fields]
        self.defaults = [
            (name, _MADE if m else f.get_default())
            for (name, f), m in zip(self.fields, made, strict=True)
        ]
        self.made = [(i, name, f) for i, (name, f) in enumerate(self.fields) if made[i]]

    def row(self, values: dict[str, Any]) -> list:
        get = values.get
        row = [get(name, default) for name, default in self.defaults]
        for i, name, f in self.made:
            if name not in values:
                row[i] = f.get_default()
        for i, convert in self.converters:
            row[i] = convert(row[i])
        return row


_MADE = object()  # stands for a default made anew for each row


def _ids(cursor: Any, model: type[Model], count: int) -> list[int]:
    if not count:
        return []
    table, pk = model._meta.db_table, model._meta.pk.column
    if connection.vendor == "postgresql":
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [table, pk, count],
        )
        return [row[0] for row in cursor.fetchall()]
    # SQLite has one writer at a time and this runs inside the batch's write transaction
    # (Vínculo opens them IMMEDIATE): nobody can insert between this read and our insert. The
    # AUTOINCREMENT counter is read too, so ids of deleted rows are never given again. Should
    # anything still collide, the primary key refuses and the batch is checked and written again.
    quote = connection.ops.quote_name
    cursor.execute(
        # Table and column names come from the models' own metadata, quoted; no input reaches them.
        f"SELECT MAX(COALESCE((SELECT MAX({quote(pk)}) FROM {quote(table)}), 0), "  # noqa: S608
        "COALESCE((SELECT seq FROM sqlite_sequence WHERE name = %s), 0))",
        [table],
    )
    start = cursor.fetchone()[0]
    return list(range(start + 1, start + 1 + count))


def _workers_tables(cursor: Any, items: list[Item]) -> list[tuple[_Table, list[list]]]:
    """The prepared rows of a batch's workers, by table, with ids taken up front so parents and
    children are linked before anything is sent."""
    tables = {model: _Table(model) for model in WORKER_MODELS}
    rows: dict[type[Model], list[list]] = {model: [] for model in WORKER_MODELS}
    worker_pk = tables[Worker].pk
    for item, pk in zip(items, _ids(cursor, Worker, len(items)), strict=True):
        worker = item.prepared["worker"]
        worker[worker_pk] = pk
        rows[Worker].append(worker)
        for model, child in item.prepared["children"]:
            child[tables[model].parent] = pk
            rows[model].append(child)
    for model in CHILD_MODELS:
        children, child_pk = rows[model], tables[model].pk
        for child, pk in zip(children, _ids(cursor, model, len(children)), strict=True):
            child[child_pk] = pk
    return [(tables[model], rows[model]) for model in WORKER_MODELS if rows[model]]


def workers_insert(items: list[Item]) -> None:
    """SQLite: one multi-row INSERT (executemany) per table per batch."""
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for table, rows in _workers_tables(cursor, items):
            cursor.executemany(
                f"INSERT INTO {quote(table.model._meta.db_table)} "  # noqa: S608 (model names)
                f"({', '.join(quote(c) for c in table.columns)}) "
                f"VALUES ({', '.join(['%s'] * len(table.columns))})",
                rows,
            )


def workers_copy(items: list[Item]) -> None:
    """PostgreSQL: one COPY ... FROM STDIN per table per batch, several times faster than
    INSERT; ids come from the tables' own sequences, so later ordinary inserts follow on."""
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for table, rows in _workers_tables(cursor, items):
            sql = (
                f"COPY {quote(table.model._meta.db_table)} "
                f"({', '.join(quote(c) for c in table.columns)}) FROM STDIN"
            )
            # The driver's own cursor, so its errors are turned into Django's here (a unique
            # key taken meanwhile must reach batch_write as an IntegrityError).
            with connection.wrap_database_errors, cursor.cursor.copy(sql) as copy:
                for row in rows:
                    copy.write_row(row)


def _tax_key(country: str, tax_id: str) -> str:
    return f"tax:{country}:{tax_id}"


class OrganisationWriter(Writer):
    kind = OrganisationKind.EMPLOYER
    key_columns = {"tax_id": "tax_id", "licence": "licence_number"}

    @classmethod
    def keys(cls, record: EmployerRecord | AgencyRecord) -> list[tuple[str, str]]:
        return [("tax_id", _tax_key(record.country, record.tax_id))]

    def existing(self, items: list[Item]) -> set[str]:
        tax_ids = {item.record.tax_id for item in items}
        return {
            _tax_key(country, tax_id)
            for country, tax_id in Organisation.objects.filter(tax_id__in=tax_ids).values_list(
                "country", "tax_id"
            )
        }

    def organisation(self, record: EmployerRecord | AgencyRecord, **extra: Any) -> Organisation:
        return Organisation(
            kind=self.kind,
            name=record.name,
            country=record.country,
            jurisdiction_id=self.run.jurisdiction_id,
            tax_id=record.tax_id,
            city=record.city,
            created_at=self.now,
            **extra,
        )


class EmployerWriter(OrganisationWriter):
    def create(self, items: list[Item]) -> None:
        # Imported employers wait for an official's verification like any other.
        organisations = Organisation.objects.bulk_create(
            [self.organisation(i.record, sector=i.record.sector) for i in items]
        )
        Establishment.objects.bulk_create(
            Establishment(
                organisation=organisation,
                name=item.record.establishment_name,
                country=item.record.country,
                subdivision=item.record.establishment_subdivision,
                municipality=item.record.establishment_municipality,
                created_at=self.now,
            )
            for organisation, item in zip(organisations, items, strict=True)
            if item.record.establishment_name
        )


class AgencyWriter(OrganisationWriter):
    kind = OrganisationKind.RECRUITMENT_AGENCY

    @classmethod
    def keys(cls, record: AgencyRecord) -> list[tuple[str, str]]:
        return [*super().keys(record), ("licence", f"lic:{record.licence_number}")]

    def existing(self, items: list[Item]) -> set[str]:
        numbers = {item.record.licence_number for item in items}
        taken = AgencyLicence.objects.filter(number__in=numbers).values_list("number", flat=True)
        return super().existing(items) | {f"lic:{n}" for n in taken}

    def conflict(self, item: Item, existing: set[str]) -> tuple[str, str, dict] | None:
        # A new agency cannot take a licence number that another agency already holds.
        tax_key, licence_key = item.keys[0][1], item.keys[1][1]
        if tax_key not in existing and licence_key in existing:
            return ("licence_number", "licence_taken", {"value": item.record.licence_number})
        return None

    def create(self, items: list[Item]) -> None:
        organisations = Organisation.objects.bulk_create(
            [self.organisation(i.record, sector=",".join(i.record.sectors)[:100]) for i in items]
        )
        licences = AgencyLicence.objects.bulk_create(
            AgencyLicence(
                agency=organisation,
                jurisdiction_id=self.run.jurisdiction_id,
                number=item.record.licence_number,
                state=item.record.licence_state,
                destination_countries=item.record.destination_countries,
                sectors=item.record.sectors,
                valid_from=item.record.valid_from,
                valid_to=item.record.valid_to,
                created_at=self.now,
            )
            for organisation, item in zip(organisations, items, strict=True)
        )
        # A licence that arrives in a state other than "applied" gets the move that put it there,
        # so its history (and the public verification page) says where the state came from.
        LicenceEvent.objects.bulk_create(
            LicenceEvent(
                licence=licence,
                from_state="applied",
                to_state=licence.state,
                reason=f"Bulk import {self.run.file_name} ({self.now.date().isoformat()})",
                actor_id=self.run.requested_by_id,
                at=self.now,
            )
            for licence in licences
            if licence.state != "applied"
        )


WRITERS: dict[str, type[Writer]] = {
    Kind.WORKERS: WorkerWriter,
    Kind.EMPLOYERS: EmployerWriter,
    Kind.AGENCIES: AgencyWriter,
}
