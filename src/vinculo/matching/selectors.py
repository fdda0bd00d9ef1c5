"""Reads of matching: a caseworker's ranking, what the employer sees of the shortlist, a
worker's recommendations, the fairness audit of an order, and the batch matching runs.

A ranking shows the workers of the order's authority only; the employer sees shortlisted
candidates only, with what the matching consent lets them see; a worker sees only their own."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from vinculo.core.access import user_can_in
from vinculo.core.errors import NotAllowed
from vinculo.core.lifecycle import Lifecycle
from vinculo.core.models import Actor
from vinculo.core.permissions import Perm
from vinculo.core.selectors import jurisdictions_for
from vinculo.jobs.domain import FILER, MATCHED_STATES
from vinculo.jobs.models import JobOrder, JobOrderState
from vinculo.jobs.selectors import order_get, order_sides
from vinculo.matching import domain as d
from vinculo.matching import index as ix
from vinculo.matching import ranking
from vinculo.matching.models import (
    Candidacy,
    CandidacyEvent,
    CandidacyStatus,
    MatchRun,
    Recommendation,
)
from vinculo.registry.models import Worker

S = CandidacyStatus
MOVE_NOT_PERMITTED = _("You may not make this change.")


def shortlist_allowed(actor: Actor, order: JobOrder) -> None:
    """Refuse (403) an actor who sees the order but may not rank or shortlist for it: the
    permission is checked in the order's jurisdiction."""
    if not user_can_in(actor, Perm.SHORTLIST_CANDIDATES, order.jurisdiction_id):
        raise NotAllowed(MOVE_NOT_PERMITTED, code="not_allowed")


def candidacy_sides(actor: Actor, candidacy: Candidacy) -> frozenset[str]:
    """The sides of a candidacy the actor stands on: the employer's (the order's filer) and the
    worker's own."""
    sides = set(order_sides(actor, candidacy.order))
    if candidacy.worker.user_id is not None and candidacy.worker.user_id == getattr(
        actor, "pk", None
    ):
        sides |= d.WORKER
    return frozenset(sides)


CANDIDACY = Lifecycle(
    Candidacy,
    d.CANDIDACY_MOVES,
    "candidacy",
    state_field="status",
    events=CandidacyEvent,
    subject="candidacy",
    sides=candidacy_sides,
    jurisdiction=lambda candidacy: candidacy.order.jurisdiction_id,
)


def ranking_for(
    *, actor: Actor, order_id: Any, k: int = 50, equity: bool = False
) -> tuple[JobOrder, ranking.Ranking]:
    """The ranking a caseworker or official shortlists from (404 when the order is not
    visible, 403 when the actor may see it but not rank)."""
    order = order_get(actor=actor, order_id=order_id)
    shortlist_allowed(actor, order)
    return order, ranking.rank_order(order, k=k, equity=equity)


def shortlisted_for(*, actor: Actor, order_id: Any) -> tuple[JobOrder, list[Candidacy]]:
    """What the employer sees: shortlisted and decided candidacies, never the ranking."""
    order = order_get(actor=actor, order_id=order_id)
    roles = order_sides(actor, order)
    if FILER not in roles and not user_can_in(
        actor, Perm.SHORTLIST_CANDIDATES, order.jurisdiction_id
    ):
        raise NotAllowed(MOVE_NOT_PERMITTED, code="not_allowed")
    return order, _shortlisted(order)


@dataclass(frozen=True)
class OrderCandidates:
    """The job order page's section of matching: its candidates, each with the moves the actor
    may make on it now (`moves`), and whether the actor ranks for the order (and so sees the
    fairness audit and the stored recommendations)."""

    order: JobOrder
    candidacies: list[Candidacy]
    can_rank: bool


def order_candidates(*, actor: Actor, order_id: Any) -> OrderCandidates:
    """The section for the order's filer and for whoever ranks for it, once the order has been
    matched; a 404 for anyone else and before."""
    order = order_get(actor=actor, order_id=order_id)
    can_rank = user_can_in(actor, Perm.SHORTLIST_CANDIDATES, order.jurisdiction_id)
    if order.state not in MATCHED_STATES or not (can_rank or FILER in order_sides(actor, order)):
        raise Http404
    candidacies = _shortlisted(order)
    for candidacy in candidacies:
        candidacy.moves = (
            CANDIDACY.available(actor=actor, record=candidacy)
            if order.state == JobOrderState.PUBLISHED
            else {}
        )
    return OrderCandidates(order, candidacies, can_rank)


def _shortlisted(order: JobOrder) -> list[Candidacy]:
    return list(
        order.candidacies.filter(status__in=(S.SHORTLISTED, S.SELECTED, S.NOT_SELECTED))
        .select_related("worker")
        .prefetch_related(
            "worker__occupations__occupation",
            "worker__occupations__isco_group",
            "worker__languages",
        )
        .order_by("-score", "pk")
    )


@dataclass
class Recommended:
    order: JobOrder
    score: float
    reasons: list[dict]
    candidacy: Candidacy | None
    batch_on: Any = None  # when a batch matching put the worker in this order's top 50


@dataclass(frozen=True)
class StoredRecommendations:
    """An order's top from the latest batch matching that ranked it, and when that was."""

    on: Any
    rows: list[Recommendation]


def stored_recommendations(order: JobOrder, *, limit: int = 10) -> StoredRecommendations:
    rows = list(
        order.recommendations.filter(worker__merged_into__isnull=True)
        .select_related("worker", "run")
        .order_by("rank")[:limit]
    )
    run = rows[0].run if rows else None
    return StoredRecommendations(run.finished_at if run else None, rows)


def recommended_for(*, worker: Worker, limit: int = 20) -> list[Recommended]:
    """The published or filled vacancies of the worker's authority the worker is eligible for
    (or was selected for), best score first, each with its reasons (computed now, from the
    worker's own record)."""
    if worker.merged_into_id:
        return []
    c = ix.columns_for([worker.pk])
    if not len(c["worker_id"]):
        return []
    mine = {x.order_id: x for x in worker.candidacies.all()}
    batch = {
        r.order_id: r.run.finished_at if r.run else None
        for r in worker.recommendations.select_related("run")
    }
    found = []
    for order in (
        JobOrder.objects.filter(
            Q(state=JobOrderState.PUBLISHED)
            | Q(state=JobOrderState.FILLED, candidacies__worker=worker),
            jurisdiction_id=worker.jurisdiction_id,
        )
        .distinct()
        .select_related("employer", "occupation")
        .prefetch_related("named_workers")
    ):
        needs = ranking.needs_for(order)
        if d.closeness_level(c["occupations"], needs.unit)[0] == 0:
            continue
        failed = {name for name, ok in d.eligibility(c, needs).items() if not ok[0]}
        # Selected for this very order: the placement is this job, not another one.
        own = mine.get(order.pk)
        if own is not None and own.status == S.SELECTED:
            failed.discard("not_placed")
        if failed:
            continue
        parts = d.score(c, needs)
        found.append(
            Recommended(
                order,
                float(parts["total"][0]),
                ranking.reasons(parts, 0, c, needs),
                mine.get(order.pk),
                batch.get(order.pk),
            )
        )
    found.sort(key=lambda r: (-r.score, r.order.pk))
    return found[:limit]


# --- fairness ----------------------------------------------------------------------------------

FOUR_FIFTHS = 0.8
SEX_LABELS = {1: _("Women"), 2: _("Men"), 3: _("Another sex")}


@dataclass
class FairnessRow:
    sex: int
    label: Any
    pool: int
    shortlisted: int
    selected: int
    rate: float | None  # selected ÷ pool
    ratio: float | None  # rate ÷ the highest rate
    flagged: bool


def fairness_audit(order: JobOrder) -> list[FairnessRow]:
    """Selection rates by sex on this order against its eligible pool, with the four-fifths
    ratio (a group's rate under 80% of the highest group's is flagged for a look)."""
    pool = ranking.pool_by_sex(order)
    counts: dict[tuple[int, str], int] = {}
    for sex, status in order.candidacies.values_list("worker__sex", "status"):
        code = d.SEX_CODES.get(sex, 0)
        counts[(code, status)] = counts.get((code, status), 0) + 1
    rows = []
    for code in sorted(set(pool) | {k[0] for k in counts}):
        if code == 0:
            continue
        selected = counts.get((code, S.SELECTED), 0)
        shortlisted = (
            selected + counts.get((code, S.SHORTLISTED), 0) + counts.get((code, S.NOT_SELECTED), 0)
        )
        n = pool.get(code, 0)
        rows.append(
            FairnessRow(
                code,
                SEX_LABELS.get(code, code),
                n,
                shortlisted,
                selected,
                selected / n if n else None,
                None,
                False,
            )
        )
    rates = [r.rate for r in rows if r.rate is not None]
    top = max(rates) if rates else 0
    for r in rows:
        if r.rate is not None and top > 0:
            r.ratio = r.rate / top
            r.flagged = r.ratio < FOUR_FIFTHS
    return rows


# --- batch matching ---------------------------------------------------------------------------


def match_runs(*, actor: Actor) -> QuerySet[MatchRun]:
    """The batch matchings of the jurisdictions where the actor may shortlist, newest first."""
    jurisdictions = jurisdictions_for(actor=actor, perm=Perm.SHORTLIST_CANDIDATES)
    return (
        MatchRun.objects.filter(jurisdiction__in=jurisdictions)
        .select_related("jurisdiction")
        .order_by("-created_at")
    )


def match_run_get(*, actor: Actor, run_id: Any) -> MatchRun:
    """One batch matching, or 404 outside the actor's jurisdictions."""
    run = match_runs(actor=actor).filter(pk=run_id).first()
    if run is None:
        raise Http404
    return run
