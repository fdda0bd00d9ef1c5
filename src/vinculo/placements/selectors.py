"""Reads of placements, scoped to the jurisdictions where the actor follows placements."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from vinculo.core.access import get_or_404, scope_for, user_can
from vinculo.core.lifecycle import Lifecycle, Move
from vinculo.core.models import Actor
from vinculo.core.permissions import Perm
from vinculo.jobs.models import JobOrder
from vinculo.placements.domain import PLACEMENT_MOVES, Step, off_its_journey
from vinculo.placements.models import (
    Contract,
    FeeRecord,
    Placement,
    PlacementEvent,
    TermsCheck,
)

PLACEMENT = Lifecycle(
    Placement, PLACEMENT_MOVES, "placement", events=PlacementEvent, subject="placement"
)


def placement_list(*, actor: Actor) -> QuerySet[Placement]:
    return (
        scope_for(actor, Perm.MANAGE_PLACEMENTS)
        .apply(Placement.objects.all())
        .select_related("worker", "order", "order__employer")
        .order_by("-created_at")
    )


def placement_get(*, actor: Actor, placement_id: Any) -> Placement:
    return get_or_404(placement_list(actor=actor), pk=placement_id)


def placement_journey(placement: Placement) -> list[tuple[str, Any, bool]]:
    """The placement's journey as (step, label, reached) in order: what its page draws."""
    at = placement.steps.index(placement.state) if placement.state in placement.steps else -1
    return [(step, Step(step).label, i <= at) for i, step in enumerate(placement.steps)]


def placement_moves_available(*, actor: Actor, placement: Placement) -> dict[str, Move]:
    """The moves the actor may make now: the next step of its journey and the exits open."""
    return {
        to: move
        for to, move in PLACEMENT.available(actor=actor, record=placement).items()
        if off_its_journey(placement, to) is None
    }


def placement_contract(
    placement: Placement, *, first: bool = False, lock: bool = False
) -> Contract | None:
    """The placement's contract in force (its latest version), or the first one offered, the
    frozen offer later documents are compared with."""
    contracts = placement.contracts.order_by("version" if first else "-version")
    if lock:
        contracts = contracts.select_for_update()
    return contracts.first()


def placement_checks(placement: Placement) -> QuerySet[TermsCheck]:
    return placement.checks.select_related("recorded_by", "cleared_by")


def contract_by_code(*, code: str) -> Contract | None:
    """A contract by its public code: the public check, for anyone holding the paper."""
    return (
        Contract.objects.filter(code__iexact=code.strip())
        .select_related("placement__order__employer")
        .first()
    )


def terms_check_get(*, actor: Actor, check_id: Any) -> TermsCheck:
    return get_or_404(
        TermsCheck.objects.filter(placement__in=placement_list(actor=actor)), pk=check_id
    )


def substitution_flags(*, actor: Actor, state: str = "flagged") -> QuerySet[TermsCheck]:
    """The substitution checks of the jurisdictions where the actor clears flags, open ones by
    default, oldest first: what an official reviews."""
    placements = scope_for(actor, Perm.CLEAR_SUBSTITUTION_FLAGS).apply(Placement.objects.all())
    return (
        TermsCheck.objects.filter(placement__in=placements, state=state)
        .select_related("placement__worker", "placement__order__employer", "recorded_by")
        .order_by("created_at" if state == "flagged" else "-created_at")
    )


def placement_order(*, actor: Actor, order_id: int) -> JobOrder:
    """A job order some of whose placements the actor follows (the list's filter)."""
    return get_or_404(
        JobOrder.objects.filter(placements__in=placement_list(actor=actor)).distinct(),
        pk=order_id,
    )


def placement_names(*, actor: Actor, placement_ids: list[int]) -> dict[int, str]:
    """The worker's name of each placement the actor follows, by placement id."""
    visible = placement_list(actor=actor).filter(pk__in=placement_ids)
    return {p.pk: p.worker.full_name for p in visible}


def placement_of_worker(*, actor: Actor, placement_id: Any) -> Placement:
    """A placement of the worker signed in: their own journey, and nobody else's."""
    if not user_can(actor, Perm.VIEW_OWN_WORKER_PROFILE):
        raise Http404
    return get_or_404(
        Placement.objects.filter(worker__user=actor).select_related("order__employer"),
        pk=placement_id,
    )


def placement_for_costs(*, actor: Actor, placement_id: Any) -> Placement:
    """A placement whose costs the actor may record: one they follow, or their own."""
    if user_can(actor, Perm.MANAGE_PLACEMENTS):
        return placement_get(actor=actor, placement_id=placement_id)
    return placement_of_worker(actor=actor, placement_id=placement_id)


def placement_fees(placement: Placement) -> QuerySet[FeeRecord]:
    return placement.fees.select_related("recorded_by", "refunded_by")


def fee_get(*, actor: Actor, fee_id: Any) -> FeeRecord:
    """A cost on a placement the actor follows, or on their own."""
    if user_can(actor, Perm.MANAGE_PLACEMENTS):
        placements = placement_list(actor=actor)
    elif user_can(actor, Perm.VIEW_OWN_WORKER_PROFILE):
        placements = Placement.objects.filter(worker__user=actor)
    else:
        raise Http404
    return get_or_404(
        FeeRecord.objects.filter(placement__in=placements).select_related("placement"), pk=fee_id
    )
