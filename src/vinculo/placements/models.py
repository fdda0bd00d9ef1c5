"""A placement: one worker's journey on one job order, opened by the employer's selection."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from vinculo.core.models import Jurisdiction, StateEvent, TimeStamped
from vinculo.placements.domain import ACTIVE, STATES


class Placement(TimeStamped):
    candidacy = models.OneToOneField(
        "matching.Candidacy", on_delete=models.PROTECT, related_name="placement"
    )
    worker = models.ForeignKey(
        "registry.Worker", on_delete=models.PROTECT, related_name="placements"
    )
    order = models.ForeignKey("jobs.JobOrder", on_delete=models.PROTECT, related_name="placements")
    # The authority that approved the order: its officials and caseworkers follow the placement.
    jurisdiction = models.ForeignKey(
        Jurisdiction, verbose_name=_("authority"), on_delete=models.PROTECT, related_name="+"
    )
    state = models.CharField(_("step"), max_length=20, choices=STATES, default="selected")
    # The journey's steps as the programme's pack had them when the placement opened: a later
    # change of the pack does not reshape a journey under way.
    steps = models.JSONField(_("steps"), default=list)

    class Meta:
        verbose_name = _("placement")
        verbose_name_plural = _("placements")
        constraints = [
            # One journey at a time: two selections of one worker at once cannot both open one.
            models.UniqueConstraint(
                fields=["worker"],
                condition=models.Q(state__in=sorted(ACTIVE)),
                name="one_active_placement_per_worker",
            )
        ]

    def __str__(self) -> str:
        return f"{self.worker_id} · {self.order_id} ({self.state})"


class PlacementEvent(StateEvent):
    placement = models.ForeignKey(Placement, on_delete=models.CASCADE, related_name="events")
    from_state = models.CharField(_("from"), max_length=20, choices=STATES, blank=True)
    to_state = models.CharField(_("to"), max_length=20, choices=STATES)

    class Meta(StateEvent.Meta):
        verbose_name = _("placement step")
        verbose_name_plural = _("placement steps")
