"""Writes of placements: one opens with the employer's selection (receivers.py), and moves step
by step, or out by an exit, under the lifecycle of selectors.PLACEMENT."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from vinculo.core.audit import AuditVerb
from vinculo.core.errors import Conflict
from vinculo.core.lifecycle import begin, transition
from vinculo.core.models import Actor
from vinculo.matching.models import Candidacy
from vinculo.placements.domain import Step, journey_for, off_its_journey
from vinculo.placements.models import Placement
from vinculo.placements.selectors import PLACEMENT, placement_get

ALREADY_PLACED = _(
    "This worker is already on another placement: one journey at a time. End that one first."
)
NOT_ON_ITS_JOURNEY = _("This step is not the next one on this placement's journey.")


def placement_open(*, candidacy: Candidacy, actor: Actor) -> Placement:
    """The placement of a selected candidacy, in the selection's transaction. A worker already
    on a journey is refused, whatever else is happening at the same moment: the database holds
    one active placement per worker."""
    order, worker = candidacy.order, candidacy.worker
    placement = Placement(
        candidacy=candidacy,
        worker=worker,
        order=order,
        jurisdiction_id=order.jurisdiction_id,
        state=Step.SELECTED,
        steps=list(
            journey_for(
                worksite_country=order.worksite_country,
                home_country=worker.residence_country or worker.nationality,
            )
        ),
    )
    try:
        with transaction.atomic():  # a savepoint: the clash is a clean answer
            placement.save(force_insert=True)
    except IntegrityError:
        raise Conflict(ALREADY_PLACED, code="worker_already_placed") from None
    begin(
        PLACEMENT,
        placement,
        actor=actor,
        verb=AuditVerb.PLACEMENT_OPENED,
        audit={"order": order.pk, "worker": worker.pk},
    )
    return placement


def placement_move(
    *, actor: Actor, placement_id: Any, to: str, reason: str = "", expected: str | None = None
) -> Placement:
    """Move a placement to the next step of its journey, or out by an exit open where it is
    (with a reason), for a caseworker or official of the placement's authority."""
    placement = placement_get(actor=actor, placement_id=placement_id)

    def on_its_journey(record: Placement) -> None:
        if off_its_journey(record, to):
            raise Conflict(NOT_ON_ITS_JOURNEY, code="placement_step_not_next", field="to")

    return transition(
        PLACEMENT,
        pk=placement.pk,
        to=to,
        actor=actor,
        reason=reason,
        expected=expected,
        guard=on_its_journey,
    )
