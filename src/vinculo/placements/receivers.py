"""A selection opens a placement (matching/events.py), in the selection's transaction."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from vinculo.matching.events import candidacy_selected
from vinculo.matching.models import Candidacy
from vinculo.placements.services import placement_open


@receiver(candidacy_selected, dispatch_uid="placements-open-on-selection")
def _placement_opened(sender: Any, candidacy: Candidacy, actor: Any, **_: Any) -> None:
    placement_open(candidacy=candidacy, actor=actor)
