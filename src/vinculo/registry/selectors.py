"""Reads of the registry, scoped to the actor's jurisdictions and failing closed."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404

from vinculo.core.access import get_or_404, scope_for
from vinculo.core.models import Actor
from vinculo.core.permissions import Perm
from vinculo.registry.domain import name_words
from vinculo.registry.models import IdentityDocument, Worker


@dataclass(frozen=True)
class WorkerFilter:
    name: str = ""
    document_number: str = ""
    nationality: str = ""
    sex: str = ""
    occupation: str = ""

    def apply(self, workers: QuerySet[Worker]) -> QuerySet[Worker]:
        # Every word must start a word of the folded name ("maria jose", "lopez" and "López"
        # find the same people), or be the registration number.
        for raw, word in zip(self.name.split(), name_words(self.name), strict=False):
            workers = workers.filter(
                Q(name_folded__startswith=word)
                | Q(name_folded__contains=f" {word}")
                | Q(registration_number__iexact=raw)
            )
        if self.document_number:
            # Encrypted numbers are found through their keyed hash, never by scanning.
            workers = workers.filter(
                documents__search_hash=IdentityDocument.search_hash_for(self.document_number)
            ).distinct()
        if self.nationality:
            workers = workers.filter(nationality=self.nationality.upper())
        if self.sex:
            workers = workers.filter(sex=self.sex)
        if self.occupation:
            workers = workers.filter(occupations__occupation_id=self.occupation)
        return workers


def _visible(actor: Actor) -> QuerySet[Worker]:
    return scope_for(actor, Perm.VIEW_WORKERS).apply(
        Worker.objects.select_related("jurisdiction", "merged_into")
    )


def worker_list(*, actor: Actor, filters: WorkerFilter | None = None) -> QuerySet[Worker]:
    """The workers the actor may see, one record per person: records merged into another are
    reached through the record kept (or by their own page, which says where they went)."""
    workers = _visible(actor).filter(merged_into__isnull=True)
    return (filters or WorkerFilter()).apply(workers)


def worker_get(*, actor: Actor, worker_id: Any) -> Worker:
    return get_or_404(
        _visible(actor).prefetch_related(
            "documents",
            "occupations__occupation",
            "occupations__isco_group",
            "languages",
            "consents",
        ),
        pk=worker_id,
    )


def worker_own(*, actor: Actor) -> Worker:
    """The worker record of the signed-in worker, or 404. If an official merged it into another
    record of the same person, that record is theirs now."""
    if not actor.can(Perm.VIEW_OWN_WORKER_PROFILE):
        raise Http404
    workers = Worker.objects.select_related("jurisdiction").prefetch_related(
        "documents",
        "occupations__occupation",
        "occupations__isco_group",
        "languages",
        "consents",
    )
    worker = get_or_404(workers, user=actor)
    while worker.merged_into_id is not None:
        worker = workers.get(pk=worker.merged_into_id)
    return worker


def worker_public_get(*, registration_number: str) -> Worker:
    """A worker by the number on their card, for the public status page: the number is
    unguessable, and the page shows nothing personal beyond initials."""
    return get_or_404(
        Worker.objects.select_related("jurisdiction"),
        registration_number=registration_number.strip().upper(),
    )
