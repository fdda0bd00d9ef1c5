"""One shape for background work: a run is queued, claimed by one worker, reports its progress,
and ends done or failed. Exports, imports, duplicate checks and batch matchings are runs; so will
rollups, reminders and batch checks be.

How a run stays whole when its worker dies:

- **Claim.** Only a queued run is claimed, by one conditional UPDATE (queued → running). Of two
  workers handed the same run, the second updates nothing and leaves it alone. Each claim counts
  an attempt.
- **Fence.** Every later write of the worker (progress, done, failed) is an UPDATE that also
  names the run's status and its attempt. A worker whose run was taken from it (found stale,
  then retried) updates nothing and gets `RunLost`: inside a batch's transaction that rolls the
  batch back, so it never writes next to the new attempt.
- **Staleness.** A queued or running run gives a sign of life at each progress write
  (`heartbeat_at`, the creation time before the first). One with none for `STALE_AFTER` is taken
  as dead: it no longer blocks a new run, it shows as stopped, and it can be retried.
- **Retry.** A failed (or stale) run is queued again; its next claim starts it over. What each run
  writes is whole per transaction (a batch, a set of pairs, an order's recommendations, a file
  moved into place), so a retry finds no half-written rows and finishes the job.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import timedelta
from typing import Any, ClassVar, TypeVar

from django.db import models, transaction
from django.db.models import F
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from vinculo.core.errors import Conflict

# A run with no sign of life for this long is taken as dead. Progress is written at least every
# few seconds while a run works; the longest silent step (DuckDB's comparison of a large
# registry, the matching index's build) takes minutes, so six hours only ever means a dead worker.
STALE_AFTER = timedelta(hours=6)
STALE_ERROR = "stale"  # the error of a run failed because its worker stopped answering
ERROR_MAX = 2000

RUN_STALE_LABEL = _("Stopped")
RUN_STOPPED = _("The worker running this stopped answering.")


class RunStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Finished")
    FAILED = "failed", _("Failed")


ACTIVE = (RunStatus.QUEUED, RunStatus.RUNNING)


class RunLost(Exception):
    """This worker no longer holds its run: it was found stale and retried (or finished) by
    someone else. Raised inside a write's transaction, it rolls that write back."""


def _stale_cutoff() -> Any:
    return timezone.now() - STALE_AFTER


class RunQuerySet(models.QuerySet):
    def _alive_at(self) -> RunQuerySet:
        return self.alias(alive_at=Coalesce("heartbeat_at", "created_at"))

    def stale(self) -> RunQuerySet:
        """Queued or running, with no sign of life for STALE_AFTER: its worker is gone."""
        return self._alive_at().filter(status__in=ACTIVE, alive_at__lt=_stale_cutoff())

    def busy(self) -> RunQuerySet:
        """Queued or running, and alive."""
        return self._alive_at().filter(status__in=ACTIVE, alive_at__gte=_stale_cutoff())


class Run(models.Model):
    """The fields and reading of every background run. A concrete run adds what it is about
    (whose, which jurisdiction, which file) and what it counts."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    status = models.CharField(
        _("status"), max_length=10, choices=RunStatus.choices, default=RunStatus.QUEUED
    )
    stage = models.CharField(_("stage"), max_length=20, blank=True, default="")
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)
    attempt = models.PositiveIntegerField(_("attempt"), default=0)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    objects = RunQuerySet.as_manager()

    # How the count reads on the progress bar ("12 of 40 rows"); None shows no count.
    progress_unit: ClassVar[Promise | None] = None
    # Runs that move through stages of unequal length: where each stage starts and ends on the
    # progress bar, and done/total is the share of the current stage.
    stage_spans: ClassVar[dict[str, tuple[int, int]]] = {}

    class Meta:
        abstract = True
        ordering = ["-created_at"]

    @property
    def is_stale(self) -> bool:
        alive_at = self.heartbeat_at or self.created_at
        return self.status in ACTIVE and alive_at < _stale_cutoff()

    @property
    def in_progress(self) -> bool:
        """Queued or running, and alive: what a page keeps polling."""
        return self.status in ACTIVE and not self.is_stale

    @property
    def stopped(self) -> bool:
        """Failed, or dead without having said so: what can be run again."""
        return self.status == RunStatus.FAILED or self.is_stale

    @property
    def status_label(self) -> str:
        return str(RUN_STALE_LABEL) if self.is_stale else self.get_status_display()

    @property
    def failure(self) -> str:
        """Why it stopped, for the person who started it."""
        if self.is_stale or self.error == STALE_ERROR:
            return str(RUN_STOPPED)
        return self.error if self.status == RunStatus.FAILED else ""

    @property
    def percent(self) -> int:
        if self.status == RunStatus.DONE:
            return 100
        if self.status == RunStatus.QUEUED:
            return 0
        share = min(1.0, self.done / self.total) if self.total else 0.0
        if self.stage in self.stage_spans:
            start, end = self.stage_spans[self.stage]
            return int(start + (end - start) * share)
        return int(100 * share)

    @property
    def progress_text(self) -> str:
        if self.progress_unit is None or not self.total:
            return ""
        return str(self.progress_unit) % {"done": self.done, "total": self.total}


R = TypeVar("R", bound=Run)


def _fenced(run: Run) -> RunQuerySet:
    """The run, only as long as this worker's attempt holds it."""
    return type(run).objects.filter(pk=run.pk, status=RunStatus.RUNNING, attempt=run.attempt)


def run_claim(model: type[R], *, run_id: Any, **reset: Any) -> R | None:
    """Take a queued run for this worker: queued → running in one conditional UPDATE, so of two
    workers only one gets it. Progress starts over; `reset` names more fields to start over.
    Returns None when the run is gone or not queued (running elsewhere, finished, failed).
    Call it inside a transaction to clear what a retry starts over in the same commit."""
    now = timezone.now()
    stage = model._meta.get_field("stage").get_default()
    claimed = model.objects.filter(pk=run_id, status=RunStatus.QUEUED).update(
        status=RunStatus.RUNNING,
        attempt=F("attempt") + 1,
        stage=stage,
        done=0,
        total=0,
        error="",
        started_at=now,
        heartbeat_at=now,
        finished_at=None,
        **reset,
    )
    return model.objects.get(pk=run_id) if claimed else None


def run_progress(run: Run, **fields: Any) -> None:
    """Write progress (stage, done, total, a run's own counters, expressions allowed) with a sign
    of life. Raises RunLost when this worker no longer holds the run."""
    if not _fenced(run).update(heartbeat_at=timezone.now(), **fields):
        raise RunLost(run.pk)


def run_finish(run: R, **fields: Any) -> R:
    """Done: the last write of a run, with its final counts. Raises RunLost like run_progress."""
    now = timezone.now()
    if not _fenced(run).update(
        status=RunStatus.DONE, heartbeat_at=now, finished_at=now, error="", **fields
    ):
        raise RunLost(run.pk)
    run.refresh_from_db()
    return run


def run_fail(run: Run, *, error: Any, **fields: Any) -> bool:
    """Failed, with why. A worker that lost its run leaves it as the new attempt has it."""
    now = timezone.now()
    return bool(
        _fenced(run).update(
            status=RunStatus.FAILED,
            error=str(error)[:ERROR_MAX],
            heartbeat_at=now,
            finished_at=now,
            **fields,
        )
    )


def runs_fail_stale(model: type[Run], **filters: Any) -> int:
    """Mark failed the runs of `model` (among `filters`) whose worker is gone, so they show as
    failed, can be retried, and block nothing. The staleness is checked in the UPDATE itself: a
    run that gave a sign of life meanwhile is left alone."""
    return (
        model.objects.filter(**filters)
        .stale()
        .update(status=RunStatus.FAILED, error=STALE_ERROR, finished_at=timezone.now())
    )


@transaction.atomic
def run_retry(
    run: R, *, enqueue: Callable[[R], Any], refused: Promise | str, code: str, **reset: Any
) -> R:
    """Queue a failed run again (or a stale one, failing it first) and hand it to the queue once
    committed; its next claim starts it over. Anything else is refused with `refused`."""
    model = type(run)
    runs_fail_stale(model, pk=run.pk)
    locked = model.objects.select_for_update().get(pk=run.pk)
    if locked.status != RunStatus.FAILED:
        raise Conflict(refused, code=code)
    locked.status, locked.error, locked.finished_at = RunStatus.QUEUED, "", None
    locked.heartbeat_at = timezone.now()
    for name, value in reset.items():
        setattr(locked, name, value)
    locked.save(update_fields=["status", "error", "finished_at", "heartbeat_at", *reset])
    transaction.on_commit(lambda: enqueue(locked))
    return locked
