"""What linkage does when the registry says a worker was registered (registry/changes.py)."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from vinculo.linkage.models import PairOrigin
from vinculo.linkage.services import registration_check
from vinculo.registry.changes import worker_registered
from vinculo.registry.models import RegistrationChannel, Worker


@receiver(worker_registered, dispatch_uid="linkage-registration-check")
def _registration_checked(sender: Any, worker: Worker, channel: str, **_: Any) -> None:
    # An official at a desk or a fair sees the probable matches before saving (and the API
    # refuses them until confirmed). A worker registering themselves must not see them, nor may
    # an employer naming the foreign national of a permit application (nor the official at a
    # border kiosk, who decides permits and does not keep the registry): theirs go to the
    # officials' review queue.
    if channel == RegistrationChannel.SELF:
        registration_check(worker=worker)
    elif channel == RegistrationChannel.PERMIT:
        registration_check(worker=worker, origin=PairOrigin.PERMIT)
