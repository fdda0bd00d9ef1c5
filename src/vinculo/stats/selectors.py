"""Aggregated, non-personal figures. Small counts are suppressed so that no cell can point at a
person (a count below SMALL_CELL shows as "<5" and is left out of charts)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count
from django.http import Http404

from vinculo.core.access import user_can
from vinculo.core.permissions import Perm
from vinculo.registry.models import Sex, Worker

SMALL_CELL = 5


@dataclass(frozen=True)
class Cell:
    count: int

    @property
    def suppressed(self) -> bool:
        return 0 < self.count < SMALL_CELL

    @property
    def shown(self) -> str:
        return f"<{SMALL_CELL}" if self.suppressed else str(self.count)

    @property
    def charted(self) -> int:
        return 0 if self.suppressed else self.count


@dataclass(frozen=True)
class Row:
    nationality: str
    cells: dict[str, Cell]
    total: Cell


def registered_by_nationality_and_sex(*, actor: Any) -> list[Row]:
    if not user_can(actor, Perm.VIEW_REGIONAL_STATS):
        raise Http404
    counts: dict[str, dict[str, int]] = {}
    for row in Worker.objects.values("nationality", "sex").annotate(n=Count("id")).order_by():
        counts.setdefault(row["nationality"], {})[row["sex"]] = row["n"]
    return [
        Row(
            nationality,
            {sex: Cell(by_sex.get(sex, 0)) for sex in Sex.values},
            Cell(sum(by_sex.values())),
        )
        for nationality, by_sex in sorted(counts.items())
    ]
