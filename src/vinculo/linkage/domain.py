"""The lifecycle of a possible duplicate: the review queue's states and who may move them.
How two records are compared lives with the registry (registry/identity.py)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from vinculo.core.audit import AuditVerb
from vinculo.core.lifecycle import Move
from vinculo.core.permissions import Perm


class PairStatus(models.TextChoices):
    OPEN = "open", _("To review")
    MERGED = "merged", _("Merged")
    DISTINCT = "distinct", _("Not the same person")


# Every decision is an official's of the records' jurisdiction who may review duplicates. A pair
# marked "not the same person" stays so: no later check proposes it again.
_REVIEW = Perm.REVIEW_DUPLICATES
PAIR_MOVES: dict[tuple[str, str], Move] = {
    (PairStatus.OPEN, PairStatus.MERGED): Move(
        _("Merge the two records"), AuditVerb.WORKERS_MERGED, _REVIEW
    ),
    (PairStatus.OPEN, PairStatus.DISTINCT): Move(
        _("Not the same person"), AuditVerb.PAIR_DISTINCT, _REVIEW, needs_reason=True
    ),
    (PairStatus.MERGED, PairStatus.OPEN): Move(
        _("Undo the merge"), AuditVerb.WORKERS_MERGE_UNDONE, _REVIEW
    ),
}
