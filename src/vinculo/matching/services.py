"""Writes of matching: a caseworker's shortlist, the employer's selection, a worker's
application, and the batch matching. The reads (rankings, recommendations, the fairness audit)
are in `selectors`."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import Count, Q
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_tasks import task

from vinculo.core.audit import AuditVerb
from vinculo.core.errors import Conflict, ValidationFailed
from vinculo.core.lifecycle import begin, setting, transition
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
from vinculo.core.services import audit_record
from vinculo.jobs.domain import FILER
from vinculo.jobs.models import JobOrder, JobOrderState
from vinculo.jobs.selectors import order_get, order_sides
from vinculo.jobs.services import order_move
from vinculo.matching import domain as d
from vinculo.matching import index as ix
from vinculo.matching import ranking
from vinculo.matching.events import candidacy_selected
from vinculo.matching.models import (
    Candidacy,
    CandidacyStatus,
    MatchRun,
    Recommendation,
)
from vinculo.matching.selectors import CANDIDACY, shortlist_allowed
from vinculo.registry.changes import workers_changed
from vinculo.registry.models import Worker

S = CandidacyStatus
NOT_OPEN = _("This job order is not on the vacancy board: nobody can be shortlisted or apply.")
NOT_ELIGIBLE = _("This worker does not meet every condition of the job order: %(failed)s.")
ORDER_FILLED = _(
    "Every position of this job order has been filled, by a selection made while you were "
    "deciding. Nobody more can be selected."
)
STATE_CHANGED = _("Someone changed this candidacy while you were looking at it. Review it again.")
RUN_BUSY = _("A batch matching of this jurisdiction is already running.")
WHICH_JURISDICTION = _("Say which jurisdiction's job orders to match.")


def _fresh(order: JobOrder, worker_id: int) -> tuple[dict, list[str], float, list[dict]]:
    """The worker's columns now, the filters they fail, and their score with its reasons."""
    needs = ranking.needs_for(order)
    c = ix.columns_for([worker_id])
    if not len(c["worker_id"]) or c["jurisdiction"][0] != needs.jurisdiction:
        return c, ["jurisdiction"], 0.0, []
    failed = [name for name, ok in d.eligibility(c, needs).items() if not ok[0]]
    parts = d.score(c, needs)
    return c, failed, float(parts["total"][0]), ranking.reasons(parts, 0, c, needs)


def _failed_text(failed: list[str]) -> str:
    return "; ".join(str(ranking.FILTER_TEXTS.get(f, f)) for f in failed)


def _order_counts(order_id: int) -> None:
    """Count the order's shortlisted and selected candidates onto it (the order's row is locked
    by the caller), for the figures of the fairs it is part of."""
    counts = Candidacy.objects.filter(order_id=order_id).aggregate(
        shortlisted=Count("pk", filter=Q(status__in=d.SHORTLIST_REACHED)),
        selected=Count("pk", filter=Q(status=S.SELECTED)),
    )
    JobOrder.objects.filter(pk=order_id).update(
        shortlisted_count=counts["shortlisted"], selected_count=counts["selected"]
    )


def _ensure_open(order: JobOrder) -> None:
    if order.state != JobOrderState.PUBLISHED:
        raise Conflict(NOT_OPEN, code="order_not_open")


@transaction.atomic
def candidacy_shortlist(*, actor: Actor, order_id: Any, worker_id: Any) -> Candidacy:
    """Put a worker on the order's shortlist, with the score and reasons as they are now."""
    order = order_get(actor=actor, order_id=order_id)
    shortlist_allowed(actor, order)
    order = JobOrder.objects.select_for_update().get(pk=order.pk)
    _ensure_open(order)
    worker = Worker.objects.filter(
        pk=worker_id, jurisdiction_id=order.jurisdiction_id, merged_into__isnull=True
    ).first()
    if worker is None:
        raise ValidationFailed(
            _("Choose a worker from the ranking."), code="worker_unknown", field="worker"
        )
    _c, failed, score, why = _fresh(order, worker.pk)
    if failed:
        raise ValidationFailed(
            NOT_ELIGIBLE % {"failed": _failed_text(failed)},
            code="not_eligible",
            field="worker",
            details={"failed": failed},
        )
    now = timezone.now()
    shortlisted = {"score": score, "reasons": why, "shortlisted_at": now, "shortlisted_by": actor}
    candidacy, created = Candidacy.objects.select_for_update().get_or_create(
        order=order, worker=worker, defaults={"status": S.SHORTLISTED, **shortlisted}
    )
    facts = {"order": order.pk, "worker": worker.pk, "score": score}
    if created:
        begin(CANDIDACY, candidacy, actor=actor, verb=AuditVerb.CANDIDATE_SHORTLISTED, audit=facts)
        _order_counts(order.pk)
        return candidacy
    if candidacy.status == S.SELECTED:
        raise Conflict(STATE_CHANGED, code="candidacy_state_changed")
    if candidacy.status == S.SHORTLISTED:
        # Shortlisting again (a second click, a re-posted form) changes nothing, so it writes
        # nothing: no new score, no second audit event.
        return candidacy
    candidacy = transition(
        CANDIDACY,
        pk=candidacy.pk,
        to=S.SHORTLISTED,
        actor=actor,
        changes=setting(shortlisted),
        audit=facts,
    )
    _order_counts(order.pk)
    return candidacy


def _candidacy_decide(*, actor: Actor, candidacy_id: Any, to: str, reason: str = "") -> Candidacy:
    """The employer's decision on a shortlisted candidacy (CANDIDACY_MOVES). Deciding again what
    was already decided (a re-posted form) writes nothing. A selection is made under the
    order's lock; the one that reaches the positions moves the order to filled in the same
    transaction, so one made at the same time for the last position finds it filled."""
    candidacy = (
        Candidacy.objects.select_related("order")
        .filter(pk=candidacy_id, status__in=(S.SHORTLISTED, to))
        .first()
    )
    if candidacy is None or FILER not in order_sides(actor, candidacy.order):
        raise Http404
    with transaction.atomic():
        order = JobOrder.objects.select_for_update().get(pk=candidacy.order_id)
        if Candidacy.objects.select_for_update().get(pk=candidacy.pk).status == to:
            return Candidacy.objects.get(pk=candidacy.pk)

        def still_open(record: Candidacy) -> None:
            if to != S.SELECTED:
                return
            if order.state == JobOrderState.FILLED:
                raise Conflict(ORDER_FILLED, code="order_filled")
            _ensure_open(order)
            _c, failed, _s, _r = _fresh(order, record.worker_id)
            if failed:
                raise ValidationFailed(
                    NOT_ELIGIBLE % {"failed": _failed_text(failed)},
                    code="not_eligible",
                    details={"failed": failed},
                )

        def decided(record: Candidacy, _move: Any, _reason: str, now: Any) -> list[str]:
            record.decided_at, record.decided_by = now, actor
            return ["decided_at", "decided_by"]

        candidacy = transition(
            CANDIDACY,
            pk=candidacy.pk,
            to=to,
            actor=actor,
            reason=reason,
            expected=S.SHORTLISTED,
            guard=still_open,
            changes=decided,
            audit={"order": order.pk, "worker": candidacy.worker_id},
        )
        workers_changed([candidacy.worker_id])  # a selected worker is placed for the order's dates
        _order_counts(order.pk)
        if to == S.SELECTED:
            candidacy_selected.send(sender=Candidacy, candidacy=candidacy, actor=actor)
        if to == S.SELECTED and order.candidacies.filter(status=S.SELECTED).count() >= (
            order.positions
        ):
            order_move(actor=actor, order_id=order.pk, to=JobOrderState.FILLED)
    return candidacy


def candidacy_rehire(*, actor: Actor, order_id: Any, worker_id: Any) -> Candidacy:
    """The employer asks a worker back by name for a new order of theirs: the worker is named on
    the order, shortlisted by the employer (a named re-hire needs no ranking) and selected, so
    the placement opens as with any selection. The caller has checked the worker was asked back
    (placements: the employer's evaluation of the last season)."""
    with transaction.atomic():
        order = JobOrder.objects.select_for_update().filter(pk=order_id).first()
        if order is None or FILER not in order_sides(actor, order):
            raise Http404
        _ensure_open(order)
        worker = Worker.objects.get(pk=worker_id)
        _c, failed, score, why = _fresh(order, worker.pk)
        if failed:
            raise ValidationFailed(
                NOT_ELIGIBLE % {"failed": _failed_text(failed)},
                code="not_eligible",
                details={"failed": failed},
            )
        order.named_workers.add(worker)
        if not order.named_request:
            JobOrder.objects.filter(pk=order.pk).update(named_request=True)
        now = timezone.now()
        candidacy, created = Candidacy.objects.get_or_create(
            order=order,
            worker=worker,
            defaults={
                "status": S.SHORTLISTED,
                "score": score,
                "reasons": why,
                "shortlisted_at": now,
                "shortlisted_by": actor,
            },
        )
        if created:
            begin(
                CANDIDACY,
                candidacy,
                actor=actor,
                verb=AuditVerb.CANDIDATE_SHORTLISTED,
                audit={"order": order.pk, "worker": worker.pk, "named_rehire": True},
            )
        elif candidacy.status != S.SHORTLISTED:
            raise Conflict(STATE_CHANGED, code="candidacy_state_changed")
        return _candidacy_decide(actor=actor, candidacy_id=candidacy.pk, to=S.SELECTED)


def candidacy_select(*, actor: Actor, candidacy_id: Any) -> Candidacy:
    """The employer (or its agency) selects a shortlisted worker. The selection that reaches the
    positions moves the order to filled in the same transaction; one made at the same time for
    the last position is refused as a conflict."""
    return _candidacy_decide(actor=actor, candidacy_id=candidacy_id, to=S.SELECTED)


def candidacy_not_select(*, actor: Actor, candidacy_id: Any, reason: str) -> Candidacy:
    """The employer does not select a shortlisted worker, and says why."""
    return _candidacy_decide(
        actor=actor, candidacy_id=candidacy_id, to=S.NOT_SELECTED, reason=reason
    )


# --- workers ------------------------------------------------------------------------------------


@transaction.atomic
def candidacy_apply(*, worker: Worker, order_id: Any) -> Candidacy:
    order = (
        JobOrder.objects.select_for_update()
        .filter(pk=order_id, state=JobOrderState.PUBLISHED, jurisdiction_id=worker.jurisdiction_id)
        .first()
    )
    if order is None:
        raise Http404
    _c, failed, score, why = _fresh(order, worker.pk)
    if failed:
        raise ValidationFailed(
            NOT_ELIGIBLE % {"failed": _failed_text(failed)},
            code="not_eligible",
            details={"failed": failed},
        )
    applied = {"score": score, "reasons": why, "applied_at": timezone.now()}
    candidacy, created = Candidacy.objects.get_or_create(
        order=order, worker=worker, defaults={"status": S.APPLIED, **applied}
    )
    if created:
        begin(
            CANDIDACY,
            candidacy,
            actor=worker.user,
            verb=AuditVerb.CANDIDATE_APPLIED,
            audit={"order": order.pk},
        )
        return candidacy
    if candidacy.status != S.WITHDRAWN:
        # Applied (or shortlisted, or decided) already: applying again changes nothing, so it
        # writes nothing, neither the candidacy nor a second "applied" event. The order's row
        # lock above makes two posts at once take turns.
        return candidacy

    return transition(
        CANDIDACY,
        pk=candidacy.pk,
        to=S.APPLIED,
        actor=worker.user,
        changes=setting(applied),
        audit={"order": order.pk},
    )


# --- batch matching ---------------------------------------------------------------------------


def match_run_request(*, actor: Actor, jurisdiction: Any = None) -> MatchRun:
    chosen = jurisdiction_pick(
        actor=actor, perm=Perm.SHORTLIST_CANDIDATES, value=jurisdiction, message=WHICH_JURISDICTION
    )
    with transaction.atomic():
        jurisdiction = Jurisdiction.objects.select_for_update().get(pk=chosen.pk)
        # A matching whose worker died blocks nothing: it is marked failed, and a new one starts.
        runs_fail_stale(MatchRun, jurisdiction=jurisdiction)
        if MatchRun.objects.filter(jurisdiction=jurisdiction).busy().exists():
            raise Conflict(RUN_BUSY, code="matching_running")
        run = MatchRun.objects.create(jurisdiction=jurisdiction, requested_by=actor)
        audit_record(
            verb=AuditVerb.MATCHING_STARTED, actor=actor, obj=run, jurisdiction=jurisdiction
        )
        transaction.on_commit(lambda: match_run.enqueue(run_id=str(run.pk)))
    return run


@task()
def match_run(run_id: str) -> str | None:
    """A batch matching's background half: the task queue runs it."""
    run = match_run_process(run_id=run_id)
    return run.status if run else None


def match_run_process(*, run_id: str) -> MatchRun | None:
    """Rebuild the index, then rank every published order of the jurisdiction and keep each
    order's top 50 as its recommendations. Each hundred orders are saved in one transaction with
    the progress, so a matching that dies leaves every order with either its old or its new
    recommendations, and a retry ranks them all again."""
    run = run_claim(MatchRun, run_id=run_id)
    if run is None:
        return None
    try:
        ix.index_build()
        orders = list(
            JobOrder.objects.filter(
                jurisdiction_id=run.jurisdiction_id, state=JobOrderState.PUBLISHED
            )
            .select_related("employer")
            .prefetch_related("named_workers")
        )
        run_progress(run, total=len(orders))
        total = 0
        step = 100  # orders ranked between two progress updates
        for start in range(0, len(orders), step):
            chunk = orders[start : start + step]
            results = ranking.rank_orders(chunk, k=50)
            count = sum(len(r.matches) for r in results)
            with transaction.atomic():
                Recommendation.objects.filter(order__in=chunk).delete()
                Recommendation.objects.bulk_create(
                    Recommendation(
                        order=order,
                        worker_id=m.worker_id,
                        rank=i,
                        score=m.score,
                        reasons=m.reasons,
                        run=run,
                    )
                    for order, result in zip(chunk, results, strict=True)
                    for i, m in enumerate(result.matches, start=1)
                )
                # Fenced: a matching taken over by a retry rolls this chunk back.
                run_progress(run, done=start + len(chunk), recommendations=total + count)
            total += count
        with transaction.atomic():
            run = run_finish(run)
            audit_record(
                verb=AuditVerb.MATCHING_FINISHED,
                actor=run.requested_by,
                obj=run,
                jurisdiction=run.jurisdiction_id,
                after={"orders": run.total, "recommendations": run.recommendations},
            )
    except RunLost:
        return MatchRun.objects.get(pk=run.pk)
    except Exception as error:  # the run says why; the queue's log has the traceback
        run_fail(run, error=error)
        raise
    return run
