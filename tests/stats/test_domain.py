"""Statistical disclosure control: no hidden count can be worked out from its row or column."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from vinculo.stats.domain import SMALL_CELL, recoverable, suppressed, with_totals

counts = st.one_of(st.integers(0, 0), st.integers(1, SMALL_CELL - 1), st.integers(5, 400))


@settings(max_examples=400, deadline=None)
@given(
    st.integers(1, 7).flatmap(
        lambda width: st.lists(
            st.lists(counts, min_size=width, max_size=width), min_size=1, max_size=9
        )
    )
)
def test_no_hidden_count_can_be_worked_out_from_its_row_or_column(table):
    grid = with_totals(table)
    primary, secondary = suppressed(grid)
    hidden = primary | secondary
    # Every small count is hidden, and nothing else is hidden without need...
    assert primary == {
        (i, j) for i, row in enumerate(grid) for j, v in enumerate(row) if 0 < v < SMALL_CELL
    }
    # ...and no line (a row with its total, a column with its total) gives one back.
    assert recoverable(grid, hidden) == []


def test_the_case_that_leaked():
    # México: 133 women, 228 men, 3 others, 364 in all: the 3 came back as 364 - 133 - 228.
    grid = with_totals([[133, 228, 3], [40, 60, 10]])
    primary, secondary = suppressed(grid)
    assert primary == {(0, 2)}
    assert recoverable(grid, primary) == [(0, 2), (0, 2)]  # its row and its column give it
    assert recoverable(grid, primary | secondary) == []
    # Its row's total and its column's total are hidden instead: women and men stay readable.
    assert {(0, 3), (2, 2)} <= secondary and (0, 0) not in secondary and (0, 1) not in secondary


def test_a_table_without_small_counts_hides_nothing():
    grid = with_totals([[10, 20], [30, 40]])
    assert suppressed(grid) == (set(), set())
