"""The matching index: every worker's matching columns (domain.COLUMNS) as numpy arrays in files
under the data folder, memory-mapped by every process that ranks. The operating system's page
cache holds them once for all the web and task workers: nothing is copied per process.

Kept current without rebuilding on every change: a worker created since the build (a higher id)
or changed since (a registry WorkerChange row, registry/changes.py) is read from the database at
ranking time, and the index's own row for them is left out. A build (`index_build`, a task)
absorbs them; it runs after imports of workers, before batch matching, after the demo loads,
and when a ranking finds DELTA_REBUILD_AT or more workers to read from the database.

Works the same on SQLite and PostgreSQL: it reads the database through the ORM only.
"""

from __future__ import annotations

import json
import os
import shutil
import threading
import time
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from django.conf import settings
from django.db import connection, transaction
from django.db.models import Max
from django_tasks import task

from vinculo.linkage.models import FraudFlag
from vinculo.matching import domain as d
from vinculo.matching.models import Candidacy, CandidacyStatus
from vinculo.registry.models import (
    Consent,
    ConsentPurpose,
    IdentityDocument,
    Worker,
    WorkerChange,
    WorkerLanguage,
    WorkerOccupation,
)

CHUNK = 50_000  # workers read from the database at a time while building


def index_root() -> Path:
    return Path(settings.DATA_DIR) / "matching"


# --- reading workers from the database --------------------------------------------------------


def _columns_for(
    worker_ids: list[int] | None, *, above: int = 0, upto: int | None = None
) -> dict[str, np.ndarray]:
    """The matching columns of the given workers (or of every worker with above < id <= upto),
    in id order. Merged records are left out."""
    workers = Worker.objects.filter(merged_into__isnull=True)
    if worker_ids is not None:
        workers = workers.filter(pk__in=worker_ids)
    else:
        workers = workers.filter(pk__gt=above)
        if upto is not None:
            workers = workers.filter(pk__lte=upto)
    rows = list(
        workers.order_by("pk").values_list(
            "pk",
            "jurisdiction_id",
            "birth_date",
            "available_from",
            "available_to",
            "work_abroad",
            "relocate_within_country",
            "nationality",
            "residence_country",
            "subdivision",
            "municipality",
            "sex",
        )
    )
    c = d.empty_columns(len(rows))
    if not rows:
        return c
    ids = [r[0] for r in rows]
    lo, hi = ids[0], ids[-1]
    position = {pk: i for i, pk in enumerate(ids)}
    c["worker_id"][:] = ids
    c["jurisdiction"][:] = [r[1] for r in rows]
    c["birth"][:] = [d.day(r[2], 0) for r in rows]
    c["available_from"][:] = [d.day(r[3], d.ALWAYS) for r in rows]
    c["available_to"][:] = [d.day(r[4], d.NEVER) for r in rows]
    c["work_abroad"][:] = [r[5] for r in rows]
    c["relocate"][:] = [r[6] for r in rows]
    c["nationality"][:] = [d.country_code(r[7]) for r in rows]
    c["residence"][:] = [d.country_code(r[8] or r[7]) for r in rows]
    c["region"][:] = [d.place_key(r[9]) for r in rows]
    c["municipality"][:] = [d.place_key(r[9], r[10]) for r in rows]
    c["sex"][:] = [d.SEX_CODES.get(r[11], 0) for r in rows]

    def related(queryset: Any) -> Any:
        queryset = queryset.filter(worker_id__gte=lo, worker_id__lte=hi)
        return queryset.filter(worker_id__in=ids) if worker_ids is not None else queryset

    slots: dict[int, int] = defaultdict(int)
    for worker_id, unit, years in (
        related(WorkerOccupation.objects)
        .order_by("worker_id", "-years_experience", "pk")
        .values_list("worker_id", "isco_group_id", "years_experience")
    ):
        i = position.get(worker_id)
        if i is None or slots[worker_id] >= d.OCCUPATION_SLOTS:
            continue
        c["occupations"][i, slots[worker_id]] = int(unit)
        c["years"][i, slots[worker_id]] = min(int(years), 60)
        slots[worker_id] += 1
    slots.clear()
    for worker_id, code, level in related(WorkerLanguage.objects).values_list(
        "worker_id", "language", "level"
    ):
        i = position.get(worker_id)
        if i is None or slots[worker_id] >= d.LANGUAGE_SLOTS:
            continue
        c["languages"][i, slots[worker_id]] = d.language_code(code)
        c["levels"][i, slots[worker_id]] = d.LEVELS.get(level, 0)
        slots[worker_id] += 1
    c["document_valid_to"][:] = d.ALWAYS
    c["passport_valid_to"][:] = d.ALWAYS
    for worker_id, kind, expires in related(IdentityDocument.objects).values_list(
        "worker_id", "kind", "expires_on"
    ):
        i = position.get(worker_id)
        if i is None:
            continue
        valid_to = d.day(expires, d.NEVER)
        c["document_valid_to"][i] = max(c["document_valid_to"][i], valid_to)
        if kind == "passport":
            c["passport_valid_to"][i] = max(c["passport_valid_to"][i], valid_to)
    for (worker_id,) in related(
        Consent.objects.filter(purpose=ConsentPurpose.MATCHING, withdrawn_at__isnull=True)
    ).values_list("worker_id"):
        if worker_id in position:
            c["consent"][position[worker_id]] = True
    for (worker_id,) in related(FraudFlag.objects.filter(cleared_at__isnull=True)).values_list(
        "worker_id"
    ):
        if worker_id in position:
            c["fraud"][position[worker_id]] = True
    c["placed_from"][:] = d.NEVER
    c["placed_to"][:] = d.ALWAYS
    for worker_id, start, end in related(
        Candidacy.objects.filter(status=CandidacyStatus.SELECTED)
    ).values_list("worker_id", "order__start_date", "order__end_date"):
        i = position.get(worker_id)
        if i is not None:
            c["placed_from"][i] = min(c["placed_from"][i], d.day(start, d.NEVER))
            c["placed_to"][i] = max(c["placed_to"][i], d.day(end, d.ALWAYS))
    return c


def columns_for(worker_ids: Iterable[int]) -> dict[str, np.ndarray]:
    ids = sorted(set(worker_ids))
    return _columns_for(ids) if ids else d.empty_columns(0)


# --- postings: rows by jurisdiction and ISCO unit ---------------------------------------------


WIDTHS = {4: 1, 3: 10, 2: 100}  # how many unit codes an ISCO level spans
_LEVEL = 10**9  # keys: level * _LEVEL + jurisdiction * 10,000 + the group's first unit code


def _key(level: int, jurisdiction: Any, unit: Any) -> Any:
    width = WIDTHS[level]
    return level * _LEVEL + jurisdiction * 10_000 + unit // width * width


def postings(c: dict[str, np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """For each ISCO level (unit, minor, sub-major group), one entry per rankable worker and
    group of theirs, keyed by (level, jurisdiction, group) and sorted: a tier is one contiguous
    slice of rows, each row once and in order."""
    n = len(c["worker_id"])
    units = c["occupations"]
    rows = np.repeat(np.arange(n, dtype=np.int64), units.shape[1])
    flat = units.reshape(-1).astype(np.int64)
    # A worker without the matching consent, or flagged for fraud, is never ranked: left out
    # of the postings (a change of either is a delta, read from the database, until the next
    # build).
    keep = (flat > 0) & np.repeat(c["consent"] & ~c["fraud"], units.shape[1])
    rows, flat = rows[keep], flat[keep]
    jurisdiction = c["jurisdiction"].astype(np.int64)[rows]
    keys = np.concatenate([_key(level, jurisdiction, flat) for level in WIDTHS])
    rows = np.tile(rows, len(WIDTHS))
    order = np.lexsort((rows, keys))
    keys, rows = keys[order], rows[order]
    first = np.ones(len(keys), dtype=bool)
    first[1:] = (keys[1:] != keys[:-1]) | (rows[1:] != rows[:-1])
    return keys[first], rows[first]


def tier_rows(
    keys: np.ndarray, rows: np.ndarray, jurisdiction: int, unit: int, level: int
) -> np.ndarray:
    """The rows of a jurisdiction sharing `level` ISCO digits with `unit`, each once."""
    key = _key(level, jurisdiction, unit)
    a, b = np.searchsorted(keys, [key, key + 1])
    return rows[a:b]


def tiers_for(
    keys: np.ndarray, rows: np.ndarray, jurisdiction: int, unit: int
) -> dict[int, np.ndarray]:
    return {level: tier_rows(keys, rows, jurisdiction, unit, level) for level in WIDTHS}


# --- the stored index ---------------------------------------------------------------------------


@dataclass
class Index:
    """The columns of a build, its postings, and what it has absorbed."""

    generation: str
    columns: dict[str, np.ndarray]
    keys: np.ndarray
    rows: np.ndarray
    max_worker_id: int
    change_mark: int  # the last WorkerChange id absorbed

    @property
    def size(self) -> int:
        return len(self.columns["worker_id"])

    def rows_of(self, worker_ids: Iterable[int]) -> np.ndarray:
        ids = np.fromiter(worker_ids, dtype=np.int64)
        if not len(ids):
            return np.empty(0, dtype=np.int64)
        found = np.searchsorted(self.columns["worker_id"], ids)
        found = np.clip(found, 0, max(self.size - 1, 0))
        hit = self.size > 0
        return found[hit & (self.columns["worker_id"][found] == ids)] if hit else found[:0]


def _current_file() -> Path:
    return index_root() / "CURRENT"


def index_build(progress: Any = None) -> str:
    """Build a new generation from the database and make it current; returns its name. Older
    generations but the previous one are removed (a process may still be reading it)."""
    root = index_root()
    root.mkdir(parents=True, exist_ok=True)
    mark = WorkerChange.objects.aggregate(m=Max("pk"))["m"] or 0
    top = Worker.objects.aggregate(m=Max("pk"))["m"] or 0
    parts: list[dict[str, np.ndarray]] = []
    done = 0
    while done < top:
        parts.append(_columns_for(None, above=done, upto=done + CHUNK))
        done += CHUNK
        if progress:
            progress(min(done, top), top)
    columns = {
        name: np.concatenate([p[name] for p in parts]) if parts else d.empty_columns(0)[name]
        for name in d.COLUMNS
    }
    keys, rows = postings(columns)
    generation = f"g{time.time_ns()}"
    folder = root / generation
    folder.mkdir()
    for name, array in {**columns, "_keys": keys, "_rows": rows}.items():
        np.save(folder / f"{name}.npy", array)
    (folder / "meta.json").write_text(
        json.dumps({"max_worker_id": top, "worker_change_mark": mark})
    )
    pointer = root / f".CURRENT.{generation}"
    pointer.write_text(generation)
    os.replace(pointer, _current_file())  # atomic: readers see the old one or the new one
    for old in sorted(p for p in root.iterdir() if p.is_dir() and p.name != generation)[:-1]:
        shutil.rmtree(old, ignore_errors=True)
    return generation


_loaded: dict[str, Index] = {}
_lock = threading.Lock()


def index_current() -> Index | None:
    """The current generation, memory-mapped (opened once per process and generation)."""
    try:
        generation = _current_file().read_text().strip()
    except FileNotFoundError:
        return None
    found = _loaded.get(generation)
    if found is not None:
        return found
    with _lock:
        folder = index_root() / generation
        try:
            meta = json.loads((folder / "meta.json").read_text())
            # Plain ndarray views of the memory maps (still the shared pages, no copy): the
            # memmap subclass costs a Python call on every slice.
            columns = {
                name: np.asarray(np.load(folder / f"{name}.npy", mmap_mode="r"))
                for name in d.COLUMNS
            }
            keys = np.asarray(np.load(folder / "_keys.npy", mmap_mode="r"))
            rows = np.asarray(np.load(folder / "_rows.npy", mmap_mode="r"))
        except FileNotFoundError:  # replaced while we looked: read the pointer again next time
            return None
        if "worker_change_mark" not in meta:
            return None  # built before the registry kept the changes: as if there were none yet
        index = Index(
            generation, columns, keys, rows, meta["max_worker_id"], meta["worker_change_mark"]
        )
        _loaded.clear()
        _loaded[generation] = index
        return index


@dataclass
class Delta:
    """The workers the index does not hold as they are now: their fresh columns, and the
    index's rows to leave out."""

    columns: dict[str, np.ndarray]
    stale_rows: np.ndarray
    changes: int


def _ids_above(model: Any, column: str, above: int, select: str) -> set[int]:
    """`select` of the rows whose `column` is above a mark, in plain SQL (asked at every
    ranking; the ORM's compiling would cost more than the query)."""
    q = connection.ops.quote_name
    sql = f"SELECT {q(select)} FROM {q(model._meta.db_table)} WHERE {q(column)} > %s"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, [above])
        return {row[0] for row in cursor.fetchall()}


def delta_for(index: Index | None) -> Delta:
    if index is None:
        columns = _columns_for(None)
        return Delta(columns, np.empty(0, dtype=np.int64), len(columns["worker_id"]))
    changed = _ids_above(WorkerChange, "id", index.change_mark, "worker_id")
    ids = changed | _ids_above(Worker, "id", index.max_worker_id, "id")
    return Delta(columns_for(ids), index.rows_of(changed), len(ids))


DELTA_REBUILD_AT = 1_000  # workers read from the database at each ranking: time for a new build
REBUILD_ASK_EVERY = 600  # seconds: at most one such request in this while, across processes


def rebuild_wanted(delta: Delta) -> bool:
    """Whether so many workers changed since the build that a new one should be asked for:
    every ranking reads them from the database until it runs. Edits at desks and by workers
    pile up between imports; this keeps rankings fast without a rebuild on every change. Asked
    at most once every REBUILD_ASK_EVERY seconds, whichever process ranks (a marker file's
    time)."""
    if delta.changes < DELTA_REBUILD_AT:
        return False
    marker = index_root() / "REBUILD_ASKED"
    try:
        if time.time() - marker.stat().st_mtime < REBUILD_ASK_EVERY:
            return False
    except FileNotFoundError:
        pass
    marker.parent.mkdir(parents=True, exist_ok=True)
    marker.touch()
    return True


@task()
def index_rebuild() -> str:
    """A build in the background: the task queue runs it."""
    return index_build()


def index_rebuild_soon() -> None:
    """Ask for a new build in the background, once the caller's transaction commits (after an
    import of workers, or when rankings find many workers to read from the database)."""
    transaction.on_commit(lambda: index_rebuild.enqueue())
