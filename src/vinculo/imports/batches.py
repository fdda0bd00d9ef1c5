"""The batch pipeline of an import: rows cut into batches, each batch checked and prepared (in a
helper process for a large file), then written in one transaction with its keys, its row errors
and the progress counters.

Apart from the services because it is the machinery under one business action, not an action of
its own: `services.import_process` claims the run, decides the batch size and whether to use a
helper, and feeds the batches through here. What each kind of record needs is asked of its writer
(`imports/writers.py`); the plain SQL is in `imports/bulk.py`.
"""

from __future__ import annotations

import multiprocessing
from collections import deque
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.db.models import F

from vinculo.core.runs import run_progress
from vinculo.imports import helper
from vinculo.imports.bulk import rows_where_in
from vinculo.imports.checking import rows_check
from vinculo.imports.domain import Item
from vinculo.imports.models import Import, ImportKey, ImportRowError
from vinculo.imports.writers import Writer

PARALLEL_HELPERS = 1  # on two cores a second helper only competes with the writer (measured)
PARALLEL_AHEAD = 3


def rows_batched(rows: Iterator[tuple[int, list]], size: int) -> Iterator[list[tuple[int, list]]]:
    chunk: list[tuple[int, list]] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def batches_checked(
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
    earlier = dict(rows_where_in(ImportKey, ("key", "row"), "key", all_keys, run=run.pk))
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
