"""Statistical disclosure control for the published tables: pure functions, no ORM.

A count below SMALL_CELL could point at a person, so it is hidden (primary suppression). Hiding
it is not enough when its row or column total is shown: 364 - 133 - 228 gives the hidden 3 back.
So every line of the table (a row with its total, a column with its total) that has exactly one
hidden entry gets a second one hidden too (secondary suppression): the line's total when it is
still shown, else the smallest other count of the line that is not zero. Totals go first because
hiding one reaches only the margins (the row of totals, the column of totals), while hiding an
inner count spreads through its other line and hides detail people read the table for. Lines
are checked again until none has exactly one hidden entry.
"""

from __future__ import annotations

from collections.abc import Sequence

SMALL_CELL = 5

Grid = list[list[int]]


def with_totals(counts: Sequence[Sequence[int]]) -> Grid:
    """The table with a total column on the right and a total row at the bottom."""
    rows = [[*row, sum(row)] for row in counts]
    width = len(rows[0]) if rows else 1
    rows.append([sum(row[j] for row in rows) for j in range(width)])
    return rows


def _lines(height: int, width: int) -> list[list[tuple[int, int]]]:
    """Each line as its entries, total last: every row, then every column."""
    rows = [[(i, j) for j in range(width)] for i in range(height)]
    columns = [[(i, j) for i in range(height)] for j in range(width)]
    return rows + columns


def suppressed(grid: Grid, *, small: int = SMALL_CELL) -> tuple[set, set]:
    """The entries of a table with totals (`with_totals`) to hide: (primary, secondary)."""
    height, width = len(grid), len(grid[0])
    primary = {(i, j) for i in range(height) for j in range(width) if 0 < grid[i][j] < small}
    hidden = set(primary)
    lines = _lines(height, width)
    changed = True
    while changed:
        changed = False
        for line in lines:
            unknown = [cell for cell in line if cell in hidden]
            if len(unknown) != 1:
                continue
            inner, total = line[:-1], line[-1]
            if total not in hidden:
                pick = total
            else:
                # A zero only when nothing else is left (a hidden total of zero): hiding it costs
                # nothing and still leaves two unknowns.
                candidates = [c for c in inner if c not in hidden]
                pick = min(candidates, key=lambda c: (grid[c[0]][c[1]] == 0, grid[c[0]][c[1]], c))
            hidden.add(pick)
            changed = True
    return primary, hidden - primary


def recoverable(grid: Grid, hidden: set) -> list[tuple[int, int]]:
    """Hidden entries that one line's sum gives back (its only hidden entry): none, when the
    table is safe to publish."""
    height, width = len(grid), len(grid[0])
    found = []
    for line in _lines(height, width):
        unknown = [cell for cell in line if cell in hidden]
        if len(unknown) == 1:
            found.append(unknown[0])
    return found
