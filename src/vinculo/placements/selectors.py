"""Reads of placements, scoped to the jurisdictions where the actor follows placements."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from vinculo.core.access import get_or_404, scope_for
from vinculo.core.lifecycle import Lifecycle, Move
from vinculo.core.models import Actor
from vinculo.core.permissions import Perm
from vinculo.placements.domain import PLACEMENT_MOVES, Step, off_its_journey
from vinculo.placements.models import Placement, PlacementEvent

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
