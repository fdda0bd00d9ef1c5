"""Writes of the duplicate review: the batch check of a jurisdiction's registry, the pairs it
proposes, and what officials decide about them (merge, undo a merge, not the same person), plus
fraud flags. Every decision locks what it changes, checks its state, writes and audits in one
transaction, so two officials deciding the same pair get one success and one clean refusal."""

from __future__ import annotations

import csv
import logging
import tempfile
import time
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_tasks import task

from vinculo.core.access import user_can_in
from vinculo.core.audit import AuditVerb
from vinculo.core.errors import Conflict, NotAllowed, ValidationFailed
from vinculo.core.lifecycle import Lifecycle, transition
from vinculo.core.models import Actor, Jurisdiction
from vinculo.core.permissions import Perm
from vinculo.core.runs import (
    RunLost,
    run_claim,
    run_fail,
    run_finish,
    run_progress,
    runs_fail_stale,
)
from vinculo.core.selectors import jurisdiction_pick
from vinculo.core.services import audit_record, audit_value
from vinculo.linkage import engine
from vinculo.linkage.domain import PAIR_MOVES
from vinculo.linkage.models import (
    CandidatePair,
    FraudFlag,
    LinkageRun,
    Merge,
    PairEvent,
    PairOrigin,
    PairStatus,
    RunStage,
)
from vinculo.registry.changes import workers_changed
from vinculo.registry.identity import Person
from vinculo.registry.models import (
    IdentityDocument,
    NotTheSame,
    Worker,
    WorkerLanguage,
    WorkerOccupation,
)
from vinculo.registry.selectors import DocumentGiven, matches_within
from vinculo.registry.services import workers_not_the_same

logger = logging.getLogger(__name__)

MEMORY_LIMIT = "4GB"  # what DuckDB may hold in memory before it spills to disk
SAVE_CHUNK = 5_000
# Profile fields a merge copies onto the record kept when it has none and the other one has.
# Identity fields are never copied: they are what the official compared.
FILLABLE = (
    "phone",
    "residence_country",
    "subdivision",
    "municipality",
    "education_level",
    "available_from",
    "available_to",
)

CHECK_RUNNING = _("A duplicate check of this jurisdiction is already running.")
WHICH_JURISDICTION = _("Say which jurisdiction's registry to check.")
PAIR_DECIDED = _("Someone has already decided about this pair. Reload the page to see what.")
RECORD_MERGED = _("One of these records has been merged into another since. Reload the page.")
NOT_IN_PAIR = _("Choose one of the two records of this pair to keep.")
ALREADY_UNDONE = _("This merge has already been undone.")
UNDO_LATER_FIRST = _(
    "The record kept has itself been merged into another since. Undo that merge first."
)
ALREADY_FLAGGED = _("This record is already flagged for fraud.")
NOT_FLAGGED = _("This record is not flagged for fraud.")
REASON_NEEDED = _("Say why, for whoever reviews this later.")


def _ordered(a: int, b: int) -> tuple[int, int]:
    return (a, b) if a < b else (b, a)


def _reason(text: str) -> str:
    text = (text or "").strip()
    if not text:
        raise ValidationFailed(REASON_NEEDED, code="reason_required", field="reason")
    return text


# --- proposing pairs -----------------------------------------------------------------------------


def pairs_propose(
    *,
    jurisdiction_id: int,
    found: Iterable[tuple[int, int, float]],
    origin: str,
    run: LinkageRun | None = None,
) -> int:
    """Put pairs (id, id, probability) in the review queue and say how many are new. A pair
    already there keeps its decision: one marked "not the same person" (here, or by an official
    at the desk: registry.NotTheSame) or merged is never proposed again; an open one takes the
    newer probability."""
    best: dict[tuple[int, int], float] = {}
    for a, b, probability in found:
        if a != b:
            key = _ordered(a, b)
            best[key] = max(probability, best.get(key, 0.0))
    keys = sorted(best)
    new = 0
    for start in range(0, len(keys), SAVE_CHUNK):
        chunk = keys[start : start + SAVE_CHUNK]
        known = {
            (p.worker_a_id, p.worker_b_id): p
            for p in CandidatePair.objects.filter(
                worker_a_id__in={a for a, _b in chunk}, worker_b_id__in={b for _a, b in chunk}
            )
        }
        confirmed = set(
            NotTheSame.objects.filter(
                worker_a_id__in={a for a, _b in chunk}, worker_b_id__in={b for _a, b in chunk}
            ).values_list("worker_a_id", "worker_b_id")
        )
        fresh = [
            CandidatePair(
                jurisdiction_id=jurisdiction_id,
                worker_a_id=a,
                worker_b_id=b,
                probability=best[(a, b)],
                origin=origin,
                run=run,
            )
            for a, b in chunk
            if (a, b) not in known and (a, b) not in confirmed
        ]
        CandidatePair.objects.bulk_create(fresh, ignore_conflicts=True)
        new += len(fresh)
        reopened = [p for k, p in known.items() if k in best and p.status == PairStatus.OPEN]
        for pair in reopened:
            pair.probability, pair.run = best[(pair.worker_a_id, pair.worker_b_id)], run
        CandidatePair.objects.bulk_update(reopened, ["probability", "run"])
    return new


def registration_check(*, worker: Worker, origin: str = PairOrigin.REGISTRATION) -> int:
    """The check at a registration by someone who must never see other people's records (the
    worker themself, or an employer naming the foreign national of a permit application): the
    probable matches go to the review queue of the worker's jurisdiction for an official."""
    numbers = [(d.kind, d.issuing_country, d.number) for d in worker.documents.all()]
    matches = matches_within(
        frozenset({worker.jurisdiction_id}),
        person=Person.of(worker, (n for _k, _c, n in numbers)),
        documents=[DocumentGiven(*n) for n in numbers],
        exclude_worker_id=worker.pk,
    )
    return pairs_propose(
        jurisdiction_id=worker.jurisdiction_id,
        found=[(worker.pk, m.worker.pk, m.probability) for m in matches],
        origin=origin,
    )


# --- the batch check -----------------------------------------------------------------------------


@transaction.atomic
def linkage_run_request(*, actor: Actor, jurisdiction: Any = None) -> LinkageRun:
    """Start a batch check of one jurisdiction's registry (id or code; the actor's only one
    when not given) in the background."""
    chosen = jurisdiction_pick(
        actor=actor, perm=Perm.REVIEW_DUPLICATES, value=jurisdiction, message=WHICH_JURISDICTION
    )
    jurisdiction = Jurisdiction.objects.select_for_update().get(pk=chosen.pk)
    # A check whose worker died blocks nothing: it is marked failed, and a new one starts.
    runs_fail_stale(LinkageRun, jurisdiction=jurisdiction)
    if LinkageRun.objects.filter(jurisdiction=jurisdiction).busy().exists():
        raise Conflict(CHECK_RUNNING, code="linkage_running")
    run = LinkageRun.objects.create(jurisdiction=jurisdiction, requested_by=actor)
    audit_record(verb=AuditVerb.LINKAGE_STARTED, actor=actor, obj=run)
    transaction.on_commit(lambda: linkage_run.enqueue(run_id=str(run.pk)))
    return run


def _registry_records(jurisdiction_id: int) -> engine.Records:
    """The jurisdiction's workers as the batch model reads them (merged records left out), with
    one document number each, a national identity document before a passport."""
    workers = Worker.objects.filter(jurisdiction_id=jurisdiction_id, merged_into__isnull=True)
    total = workers.count()

    def rows() -> Iterator[tuple]:
        documents = (
            IdentityDocument.objects.filter(
                worker__jurisdiction_id=jurisdiction_id, worker__merged_into__isnull=True
            )
            .order_by("worker_id", "kind", "pk")
            .values_list("worker_id", "number")
            .iterator(chunk_size=5_000)
        )
        document = next(documents, None)
        fields = (
            "pk",
            "given_names",
            "first_surname",
            "second_surname",
            "birth_date",
            "sex",
            "phone",
            "municipality",
        )
        for pk, given, first, second, birth, sex, phone, municipality in (
            workers.order_by("pk").values_list(*fields).iterator(chunk_size=5_000)
        ):
            number = ""
            while document is not None and document[0] <= pk:
                if document[0] == pk and not number:
                    number = document[1]
                document = next(documents, None)
            yield engine.prepare(
                str(pk),
                "a",
                {
                    "given_name": given,
                    "family_name": first,
                    "second_family_name": second,
                    "birth_date": birth.isoformat() if birth else "",
                    "sex": sex,
                    "document_number": number,
                    "phone": phone,
                    "locality": municipality,
                },
            )

    return engine.Records(rows(), total)


class _Progress:
    """Writes the engine's progress on the run, at most twice a second unless the stage moves."""

    def __init__(self, run: LinkageRun) -> None:
        self.run, self.stage, self.at = run, "", 0.0

    def __call__(self, stage: str, done: int, total: int) -> None:
        now = time.monotonic()
        if stage == self.stage and now - self.at < 0.5 and done < total:
            return
        self.stage, self.at = stage, now
        run_progress(self.run, stage=stage, done=done, total=total)


@task()
def linkage_run(run_id: str) -> str | None:
    """A batch check's background half: the task queue runs it."""
    run = linkage_run_process(run_id=run_id)
    return run.status if run else None


def linkage_run_process(*, run_id: str) -> LinkageRun | None:
    """Compare every record of the run's jurisdiction with the batch model and put the pairs it
    finds in the review queue. Only a queued run is claimed, so running it twice is harmless; the
    pairs are saved in one transaction at the end, so a check that dies leaves none behind."""
    run = run_claim(LinkageRun, run_id=run_id)
    if run is None:
        return LinkageRun.objects.filter(pk=run_id).first()
    progress = _Progress(run)
    try:
        records = _registry_records(run.jurisdiction_id)
        found: list[tuple[int, int, float]] = []
        if records.total >= 2:
            with tempfile.TemporaryDirectory(prefix="vinculo-linkage-run-") as out:
                result = engine.link(
                    [records],
                    Path(out),
                    threshold=run.threshold,
                    progress=progress,
                    memory_limit=MEMORY_LIMIT,
                )
                with result.pairs_path.open(newline="") as handle:
                    found = [
                        (int(row["id_a"]), int(row["id_b"]), float(row["probability"]))
                        for row in csv.DictReader(handle)
                    ]
        progress(RunStage.SAVE, 0, 1)
        with transaction.atomic():
            new = pairs_propose(
                jurisdiction_id=run.jurisdiction_id, found=found, origin=PairOrigin.BATCH, run=run
            )
            # Fenced: a check taken over by a retry rolls its pairs back here.
            run = run_finish(
                run,
                stage=RunStage.SAVE,
                done=1,
                total=1,
                records=records.total,
                pairs_found=len(found),
                pairs_new=new,
            )
            audit_record(
                verb=AuditVerb.LINKAGE_FINISHED,
                actor=run.requested_by,
                obj=run,
                after={"records": run.records, "pairs": run.pairs_found, "new": run.pairs_new},
            )
    except RunLost:
        logger.warning("duplicate check %s was taken over by a retry", run.pk)
        return LinkageRun.objects.get(pk=run.pk)
    except Exception as error:
        logger.exception("duplicate check %s failed", run.pk)
        run_fail(run, error=error)
        raise
    return run


# --- decisions -----------------------------------------------------------------------------------


def _locked(*ids: int) -> list[Worker]:
    """Workers locked in the order of their ids (so two decisions never wait on each other),
    returned in the order asked."""
    workers = Worker.objects.select_for_update().filter(pk__in=ids).order_by("pk")
    by_id = {w.pk: w for w in workers}
    return [by_id[i] for i in ids]


def _open_pair(pair: CandidatePair) -> tuple[CandidatePair, Worker, Worker]:
    """The pair, still to decide, and its two records, all locked (the records lower id first,
    as every path locks them), neither merged into another since the pair was proposed."""
    locked = CandidatePair.objects.select_for_update().get(pk=pair.pk)
    if locked.status != PairStatus.OPEN:
        raise Conflict(PAIR_DECIDED, code="pair_decided")
    a, b = _locked(locked.worker_a_id, locked.worker_b_id)
    if a.merged_into_id or b.merged_into_id:
        raise Conflict(RECORD_MERGED, code="record_merged")
    return locked, a, b


def _occupations_missing(kept: Worker, merged: Worker) -> list[int]:
    """The merged record's occupations the kept one lacks: an ESCO occupation it does not have,
    or a unit group named on its own that it does not have on its own. Compared in Python, not
    with NOT IN: the ESCO column is empty for a bare unit group, and NOT IN over a list holding
    an empty value matches nothing at all."""
    have = set(kept.occupations.values_list("occupation_id", "isco_group_id"))
    esco = {o for o, _unit in have if o is not None}
    units = {unit for o, unit in have if o is None}
    return [
        pk
        for pk, o, unit in merged.occupations.values_list("pk", "occupation_id", "isco_group_id")
        if (o not in esco if o is not None else unit not in units)
    ]


def _decided(actor: Actor) -> Any:
    """The `changes` of a decision: who decided it, when, and why."""

    def decided(pair: CandidatePair, _move: Any, reason: str, now: Any) -> list[str]:
        pair.decided_by, pair.decided_at, pair.reason = actor, now, reason
        return ["decided_by", "decided_at", "reason"]

    return decided


PAIR = Lifecycle(
    CandidatePair,
    PAIR_MOVES,
    "pair",
    state_field="status",
    events=PairEvent,
    subject="pair",
)


@transaction.atomic
def pair_merge(*, pair: CandidatePair, keep_id: int, actor: Actor) -> Merge:
    """Merge the other record of the pair into the one kept. The merged record stays, marked as
    merged, so that the merge can be undone; its documents, occupations and languages the kept
    record lacks move over, its sign-in moves if the kept record has none, and profile fields the
    kept record leaves blank are filled from it. Consents stay with the record that gave them."""
    _reviewable(actor, pair.jurisdiction_id)
    if keep_id not in (pair.worker_a_id, pair.worker_b_id):
        raise ValidationFailed(NOT_IN_PAIR, code="not_in_pair", field="keep")
    locked, a, b = _open_pair(pair)
    kept, merged = (a, b) if keep_id == a.pk else (b, a)
    moved: dict[str, Any] = {
        "documents": list(merged.documents.values_list("pk", flat=True)),
        "occupations": _occupations_missing(kept, merged),
        "languages": list(
            merged.languages.exclude(language__in=kept.languages.values("language")).values_list(
                "pk", flat=True
            )
        ),
        "user": None,
        "filled": {},
    }
    IdentityDocument.objects.filter(pk__in=moved["documents"]).update(worker=kept)
    WorkerOccupation.objects.filter(pk__in=moved["occupations"]).update(worker=kept)
    WorkerLanguage.objects.filter(pk__in=moved["languages"]).update(worker=kept)
    if merged.user_id and not kept.user_id:
        moved["user"], kept.user_id = merged.user_id, merged.user_id
        merged.user = None
        merged.save(update_fields=["user"])
    for name in FILLABLE:
        if getattr(kept, name) in ("", None) and getattr(merged, name) not in ("", None):
            setattr(kept, name, getattr(merged, name))
            moved["filled"][name] = audit_value(getattr(merged, name))
    kept.version += 1
    kept.save(update_fields=["user", *FILLABLE, "version", "updated_at"])
    merged.merged_into, merged.version = kept, merged.version + 1
    merged.save(update_fields=["merged_into", "version", "updated_at"])
    workers_changed([kept.pk, merged.pk])
    transition(
        PAIR,
        pk=locked.pk,
        to=PairStatus.MERGED,
        actor=actor,
        expected=PairStatus.OPEN,
        changes=_decided(actor),
        audit_on=merged,
        audit={
            "merged_into": kept.registration_number,
            "documents": len(moved["documents"]),
            "occupations": len(moved["occupations"]),
            "languages": len(moved["languages"]),
            "sign_in_moved": moved["user"] is not None,
            "filled": moved["filled"],
        },
    )
    return Merge.objects.create(
        pair=locked, survivor=kept, merged=merged, moved=moved, merged_by=actor
    )


@transaction.atomic
def merge_undo(*, merge: Merge, actor: Actor) -> Merge:
    """Put back what a merge moved and make the merged record a record of its own again. The
    pair returns to the review queue."""
    _reviewable(actor, merge.pair.jurisdiction_id)
    locked = Merge.objects.select_for_update().get(pk=merge.pk)
    if locked.undone_at is not None:
        raise Conflict(ALREADY_UNDONE, code="merge_undone")
    kept, merged = _locked(locked.survivor_id, locked.merged_id)
    if kept.merged_into_id is not None:
        raise Conflict(UNDO_LATER_FIRST, code="undo_later_merge_first")
    moved = locked.moved
    IdentityDocument.objects.filter(pk__in=moved["documents"], worker=kept).update(worker=merged)
    WorkerOccupation.objects.filter(pk__in=moved["occupations"], worker=kept).update(worker=merged)
    WorkerLanguage.objects.filter(pk__in=moved["languages"], worker=kept).update(worker=merged)
    restored: dict[str, Any] = {}
    for name, value in moved["filled"].items():
        if audit_value(getattr(kept, name)) == value:  # unless someone corrected it since
            setattr(kept, name, "" if isinstance(getattr(kept, name), str) else None)
            restored[name] = value
    user_back = moved["user"] is not None and kept.user_id == moved["user"]
    if user_back:
        kept.user = None
    kept.version += 1
    kept.save(update_fields=["user", *FILLABLE, "version", "updated_at"])
    merged.merged_into = None
    if user_back:
        merged.user_id = moved["user"]
    merged.version += 1
    merged.save(update_fields=["merged_into", "user", "version", "updated_at"])
    workers_changed([kept.pk, merged.pk])
    locked.undone_by, locked.undone_at = actor, timezone.now()
    locked.save(update_fields=["undone_by", "undone_at"])

    def reopened(pair: CandidatePair, _move: Any, _reason: str, _now: Any) -> list[str]:
        pair.decided_by, pair.decided_at, pair.reason = None, None, ""
        return ["decided_by", "decided_at", "reason"]

    transition(
        PAIR,
        pk=locked.pair_id,
        to=PairStatus.OPEN,
        actor=actor,
        changes=reopened,
        audit_on=merged,
        audit={"merged_into": None, "cleared": restored, "sign_in_moved_back": user_back},
    )
    return locked


@transaction.atomic
def pair_distinct(*, pair: CandidatePair, reason: str, actor: Actor) -> CandidatePair:
    """Two records of different people: the pair is never proposed again."""
    _reviewable(actor, pair.jurisdiction_id)
    reason = _reason(reason)
    locked, a, b = _open_pair(pair)
    workers_not_the_same(pairs=[(a.pk, b.pk)], actor=actor, reason=reason)
    return transition(
        PAIR,
        pk=locked.pk,
        to=PairStatus.DISTINCT,
        actor=actor,
        reason=reason,
        changes=_decided(actor),
        audit={"records": [a.registration_number, b.registration_number]},
    )


def _reviewable(actor: Actor, jurisdiction_id: int | None) -> None:
    """Deciding pairs, merging, undoing and flagging need the permission in the records' own
    jurisdiction, whatever the actor may do elsewhere."""
    if not user_can_in(actor, Perm.REVIEW_DUPLICATES, jurisdiction_id):
        raise NotAllowed(_("You may not review this record."), code="not_allowed")


@transaction.atomic
def fraud_flag_raise(*, worker: Worker, reason: str, actor: Actor) -> FraudFlag:
    """Flag a record for suspected fraud, until an official clears it (issue 5's matching is to
    leave flagged workers out: `FraudFlag` rows with no `cleared_at`)."""
    _reviewable(actor, worker.jurisdiction_id)
    reason = _reason(reason)
    Worker.objects.select_for_update().get(pk=worker.pk)
    if FraudFlag.objects.filter(worker=worker, cleared_at__isnull=True).exists():
        raise Conflict(ALREADY_FLAGGED, code="already_flagged")
    flag = FraudFlag.objects.create(worker=worker, reason=reason, raised_by=actor)
    workers_changed([worker.pk])
    audit_record(verb=AuditVerb.FRAUD_FLAGGED, actor=actor, obj=worker, reason=reason)
    return flag


@transaction.atomic
def fraud_flag_clear(*, worker: Worker, reason: str, actor: Actor) -> FraudFlag:
    _reviewable(actor, worker.jurisdiction_id)
    reason = _reason(reason)
    flag = FraudFlag.objects.select_for_update().filter(worker=worker, cleared_at=None).first()
    if flag is None:
        raise Conflict(NOT_FLAGGED, code="not_flagged")
    flag.cleared_by, flag.cleared_at, flag.clear_reason = actor, timezone.now(), reason
    flag.save(update_fields=["cleared_by", "cleared_at", "clear_reason"])
    workers_changed([worker.pk])
    audit_record(verb=AuditVerb.FRAUD_CLEARED, actor=actor, obj=worker, reason=reason)
    return flag
