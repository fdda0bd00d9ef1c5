"""The check at registration and on edit: who already in the registry is likely this person."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Any

from django.db.models import Q, QuerySet

from vinculo.core.access import get_or_404, scope_for
from vinculo.core.models import Actor
from vinculo.core.permissions import Perm
from vinculo.linkage.domain import (
    MATCH_SOURCES,
    Evidence,
    Person,
    compare,
    document_key,
    match_keys,
    match_probability,
)
from vinculo.linkage.models import CandidatePair, FraudFlag, LinkageRun, Merge, PairStatus
from vinculo.registry.models import IdentityDocument, Worker

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
    pairs = CandidatePair.objects.filter(
        Q(worker_a_id=worker_id) | Q(worker_b_id=worker_id), status=PairStatus.DISTINCT
    ).values_list("worker_a_id", "worker_b_id")
    return {a if b == worker_id else b for a, b in pairs}


# --- the review queue -----------------------------------------------------------------------------


def pair_list(*, actor: Actor, status: str = "") -> QuerySet[CandidatePair]:
    """Pairs of the actor's jurisdictions, most probable first. The open ones leave out pairs
    whose records were merged into a third one meanwhile (they come back if that is undone)."""
    pairs = scope_for(actor, Perm.REVIEW_DUPLICATES).apply(
        CandidatePair.objects.select_related("worker_a", "worker_b", "jurisdiction")
    )
    status = status or PairStatus.OPEN
    pairs = pairs.filter(status=status)
    if status == PairStatus.OPEN:
        pairs = pairs.filter(worker_a__merged_into__isnull=True, worker_b__merged_into__isnull=True)
    return pairs


def pair_get(*, actor: Actor, pair_id: Any) -> CandidatePair:
    pairs = scope_for(actor, Perm.REVIEW_DUPLICATES).apply(
        CandidatePair.objects.select_related(
            "worker_a__merged_into", "worker_b__merged_into", "decided_by"
        ).prefetch_related("worker_a__documents", "worker_b__documents")
    )
    return get_or_404(pairs, pk=pair_id)


def merge_get(*, actor: Actor, merge_id: Any) -> Merge:
    """A merge of a merged pair the actor may review: the one an undo is asked for."""
    merged = pair_list(actor=actor, status=PairStatus.MERGED)
    return get_or_404(Merge.objects.filter(pair__in=merged.values("pk")), pk=merge_id)


def run_list(*, actor: Actor) -> QuerySet[LinkageRun]:
    return scope_for(actor, Perm.REVIEW_DUPLICATES).apply(
        LinkageRun.objects.select_related("jurisdiction", "requested_by")
    )


def run_get(*, actor: Actor, run_id: Any) -> LinkageRun:
    return get_or_404(run_list(actor=actor), pk=run_id)


def fraud_flag_open(worker: Worker) -> FraudFlag | None:
    return FraudFlag.objects.filter(worker=worker, cleared_at__isnull=True).first()


def pair_evidence(pair: CandidatePair) -> list[Evidence]:
    """Field by field, how strongly the two records of a pair agree, as they are now."""
    a, b = pair.worker_a, pair.worker_b
    return compare(
        Person.of(a, (d.number for d in a.documents.all())),
        Person.of(b, (d.number for d in b.documents.all())),
    )


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
