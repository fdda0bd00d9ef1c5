"""Aggregated, non-personal figures. Small counts are suppressed so that no cell can point at a
person (a count below SMALL_CELL shows as "<5"), and so are the counts that would give one back
through a total (shown as "*"); neither is drawn in charts."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count
from django.http import Http404
from django.utils.formats import number_format

from vinculo.core.access import user_can
from vinculo.core.models import Actor
from vinculo.core.permissions import Perm
from vinculo.registry.models import Sex, Worker
from vinculo.stats.domain import SMALL_CELL, suppressed, with_totals


@dataclass(frozen=True)
class Cell:
    count: int
    hidden: str = ""  # "" shown, "small" below SMALL_CELL, "secondary" hidden to protect one

    @property
    def suppressed(self) -> bool:
        return bool(self.hidden)

    @property
    def shown(self) -> str:
        if self.hidden == "small":
            return f"<{SMALL_CELL}"
        return "*" if self.hidden else number_format(self.count, force_grouping=True)

    @property
    def charted(self) -> int | None:
        """The bar's height, or nothing (no bar) for a hidden count."""
        return None if self.hidden else self.count


@dataclass(frozen=True)
class Row:
    nationality: str  # "" on the row of totals
    cells: dict[str, Cell]
    total: Cell


def registered_by_nationality_and_sex(*, actor: Actor) -> list[Row]:
    """Registered workers by nationality (rows) and sex (columns), with the total of each row
    and a last row of totals, small counts hidden so that none can be worked out (see
    stats.domain)."""
    if not user_can(actor, Perm.VIEW_REGIONAL_STATS):
        raise Http404
    counts: dict[str, dict[str, int]] = {}
    for row in Worker.objects.values("nationality", "sex").annotate(n=Count("id")).order_by():
        counts.setdefault(row["nationality"], {})[row["sex"]] = row["n"]
    nationalities = sorted(counts)
    sexes = list(Sex.values)
    if not nationalities:
        return []
    grid = with_totals([[counts[n].get(sex, 0) for sex in sexes] for n in nationalities])
    primary, secondary = suppressed(grid)

    def cell(i: int, j: int) -> Cell:
        mark = "small" if (i, j) in primary else "secondary" if (i, j) in secondary else ""
        return Cell(grid[i][j], mark)

    return [
        Row(name, {sex: cell(i, j) for j, sex in enumerate(sexes)}, cell(i, len(sexes)))
        for i, name in enumerate([*nationalities, ""])
    ]
