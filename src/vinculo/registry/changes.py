"""How a change to a worker reaches the apps above the registry, said out loud.

The registry never imports the apps that read its workers (linkage, matching). Whatever writes
what they read calls one of these, in the transaction of the write:

- `workers_changed(ids)` after changing what matching reads of existing workers (names, dates,
  availability, places, occupations, languages, documents, consents, and the facts other apps
  keep about a worker: fraud flags, candidacies). It writes WorkerChange rows, the outbox the
  matching index reads. A worker created since the index was built needs none: the index reads
  every worker above its highest id from the database.
- `worker_registered`, a signal the registration services send once a new record is written,
  with `worker` and `channel`. Linkage puts a self-registration's probable matches in the
  officials' review queue (linkage/receivers.py).

No model signal is involved, so a QuerySet.update() is no way around them: the test over every
write the suite makes (tests/conftest.py, `MatchingWatch`) fails on a write that changes
matching columns without a WorkerChange in its transaction.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.dispatch import Signal

from vinculo.registry.models import WorkerChange

worker_registered = Signal()


def workers_changed(worker_ids: Iterable[int | None]) -> None:
    """Record that these workers changed, in the caller's transaction."""
    ids = sorted({i for i in worker_ids if i})
    WorkerChange.objects.bulk_create(WorkerChange(worker_id=i) for i in ids)
