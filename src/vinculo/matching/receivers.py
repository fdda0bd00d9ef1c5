"""Every change that moves a worker's matching columns writes an IndexChange in the same
transaction, so rankings read that worker from the database until the index absorbs it."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from vinculo.linkage.models import FraudFlag
from vinculo.matching.models import Candidacy, IndexChange
from vinculo.registry.models import (
    Consent,
    IdentityDocument,
    Worker,
    WorkerLanguage,
    WorkerOccupation,
)

WATCHED = (
    Worker,
    WorkerOccupation,
    WorkerLanguage,
    IdentityDocument,
    Consent,
    FraudFlag,
    Candidacy,
)


def _changed(sender: Any, instance: Any, **kwargs: Any) -> None:
    if kwargs.get("raw"):
        return
    worker_id = instance.pk if sender is Worker else getattr(instance, "worker_id", None)
    if worker_id:
        IndexChange.objects.create(worker_id=worker_id)


for model in WATCHED:
    receiver(post_save, sender=model, dispatch_uid=f"matching-{model.__name__}-save")(_changed)
    receiver(post_delete, sender=model, dispatch_uid=f"matching-{model.__name__}-delete")(_changed)
