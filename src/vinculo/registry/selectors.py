"""Reads of the registry, scoped to the actor's jurisdictions and failing closed; and the check
at registration and on edit: who already in the registry is likely this person."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404

from vinculo.core.access import get_or_404, scope_for
from vinculo.core.models import Actor
from vinculo.core.permissions import Perm
from vinculo.registry.domain import name_words
from vinculo.registry.identity import (
    MATCH_SOURCES,
    Evidence,
    Person,
    compare,
    document_key,
    match_keys,
    match_probability,
)
from vinculo.registry.models import IdentityDocument, NotTheSame, Worker


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


# --- the check at registration ------------------------------------------------------------------

CANDIDATES = 50  # at most this many people are scored per check
PROBABLE = 0.5  # from this probability on, a match is shown and must be confirmed


@dataclass(frozen=True)
class DocumentGiven:
    kind: str
    issuing_country: str
    number: str


@dataclass
class Match:
    worker: Worker
    probability: float
    evidence: list[Evidence]
    same_document: bool  # the same document (kind, country, number): the save is refused


def _candidate_filter(person: Person) -> Q | None:
    """The blocks: records sharing a key with the person, each block a few rows of one index.
    Every block is an equality or a three-day range, so that a common name (Hernández is 4% of
    Honduras) never makes one large."""
    keys = match_keys(**{name: getattr(person, name) for name in MATCH_SOURCES})
    blocks: list[Q] = []
    birth: date | None = person.birth_date
    swapped = keys["key_birth_swapped"]
    if birth and keys["key_pair_hi"]:
        pair = Q(key_pair_lo=keys["key_pair_lo"], key_pair_hi=keys["key_pair_hi"])
        day = timedelta(days=1)
        blocks.append(pair & Q(birth_date__gte=birth - day, birth_date__lte=birth + day))
        if swapped:
            blocks.append(pair & Q(birth_date=swapped))
    if birth and keys["key_given"]:
        blocks.append(Q(key_given=keys["key_given"], birth_date=birth))
        blocks.append(Q(key_given=keys["key_given"], key_birth_swapped=birth))
    if birth and keys["key_surname1"]:
        blocks.append(Q(key_surname1=keys["key_surname1"], birth_date=birth))
    if keys["key_phone"]:
        blocks.append(Q(key_phone=keys["key_phone"]))
    combined = None
    for block in blocks:
        combined = block if combined is None else combined | block
    return combined


def likely_matches(
    *,
    actor: Actor,
    person: Person,
    documents: list[DocumentGiven] | tuple[DocumentGiven, ...] = (),
    exclude_worker_id: int | None = None,
    minimum: float = PROBABLE,
    limit: int = 5,
) -> list[Match]:
    """Workers the actor may see who are likely `person`, strongest first, each with the
    evidence: which fields agree and how strongly. A document of the same kind, country and
    number is a match whatever the names say."""
    scope = scope_for(actor, Perm.VIEW_WORKERS)
    if scope.empty:
        return []
    return matches_within(
        None if scope.all else frozenset(scope.jurisdiction_ids),
        person=person,
        documents=documents,
        exclude_worker_id=exclude_worker_id,
        minimum=minimum,
        limit=limit,
    )


def matches_within(
    jurisdiction_ids: frozenset[int] | None,
    *,
    person: Person,
    documents: list[DocumentGiven] | tuple[DocumentGiven, ...] = (),
    exclude_worker_id: int | None = None,
    minimum: float = PROBABLE,
    limit: int = 5,
) -> list[Match]:
    """`likely_matches` among the workers of `jurisdiction_ids` (None: all). Records merged into
    another are left out, and so are those an official has already said are not the person of
    `exclude_worker_id`.

    Every query here is a lookup by key or by id with no other condition: beside the blocks or
    the ids, a jurisdiction filter lets SQLite choose the jurisdiction's index (every row of a
    national registry shares it) and walk the whole table. The scope is applied to the rows."""
    ids: set[int] = set()
    by_document = [
        IdentityDocument.hash_for(kind=d.kind, issuing_country=d.issuing_country, number=d.number)
        for d in documents
        if d.number
    ]
    by_number = [IdentityDocument.search_hash_for(d.number) for d in documents if d.number]
    if by_number:
        ids |= set(
            IdentityDocument.objects.filter(search_hash__in=by_number).values_list(
                "worker_id", flat=True
            )[:CANDIDATES]
        )
    blocks = _candidate_filter(person)
    if blocks is not None:
        ids |= set(Worker.objects.filter(blocks).values_list("pk", flat=True)[:CANDIDATES])
    if exclude_worker_id is not None:
        ids.discard(exclude_worker_id)
        ids -= distinct_from(exclude_worker_id)
    if not ids:
        return []
    given = replace(
        person, documents=person.documents | {document_key(d.number) for d in documents if d.number}
    )
    matches = []
    for worker in Worker.objects.filter(pk__in=ids).order_by().prefetch_related("documents"):
        if worker.merged_into_id is not None or (
            jurisdiction_ids is not None and worker.jurisdiction_id not in jurisdiction_ids
        ):
            continue
        kept = list(worker.documents.all())
        evidence = compare(given, Person.of(worker, (d.number for d in kept)))
        same = any(d.number_hash in by_document for d in kept)
        probability = 1.0 if same else match_probability(evidence)
        if same or probability >= minimum:
            matches.append(Match(worker, probability, evidence, same))
    matches.sort(key=lambda m: (not m.same_document, -m.probability))
    return matches[:limit]


def distinct_from(worker_id: int) -> set[int]:
    """The workers an official has said are not the same person as this one."""
    pairs = NotTheSame.objects.filter(
        Q(worker_a_id=worker_id) | Q(worker_b_id=worker_id)
    ).values_list("worker_a_id", "worker_b_id")
    return {a if b == worker_id else b for a, b in pairs}


# --- the review queue -----------------------------------------------------------------------------


def record_values(worker: Worker) -> dict[str, str]:
    """What a record shows beside each field of the evidence (document numbers masked)."""
    return {
        "given_names": worker.given_names,
        "surnames": " ".join(p for p in (worker.first_surname, worker.second_surname) if p),
        "birth_date": worker.birth_date.isoformat(),
        "document": ", ".join(d.masked_number for d in worker.documents.all()) or "—",
        "phone": worker.phone or "—",
        "sex": worker.get_sex_display(),
    }
