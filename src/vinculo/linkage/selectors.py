"""Reads of the review queue: possible duplicates, merges, batch checks and fraud flags, scoped
to the jurisdictions where the actor may review duplicates."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from vinculo.core.access import get_or_404, scope_for
from vinculo.core.models import Actor
from vinculo.core.permissions import Perm
from vinculo.linkage.models import CandidatePair, FraudFlag, LinkageRun, Merge, PairStatus
from vinculo.registry.identity import Evidence, Person, compare
from vinculo.registry.models import Worker


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
