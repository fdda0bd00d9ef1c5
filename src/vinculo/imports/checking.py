"""Checking a batch of rows: needs no database, so the import's helper process runs it as well
as the task itself."""

from __future__ import annotations

from typing import Any

from vinculo.imports.domain import Item, rows_parse
from vinculo.imports.writers import WRITERS


def rows_check(
    kind: str,
    names: list[str],
    chunk: list[tuple[int, list]],
    context: dict[str, Any],
    shared: dict[str, Any],
) -> tuple[list[Item], int]:
    """One batch of rows checked, each valid row with its keys and prepared values, and how many
    rows were blank. Needs no database, so it runs in a helper process as well as here."""
    parsed, blank = rows_parse(kind, names, chunk, context)
    writer = WRITERS[kind]
    items = [
        Item(number, record, errors, writer.keys(record) if record is not None else [])
        for number, record, errors in parsed
    ]
    writer.prepare([item for item in items if item.record is not None], shared)
    return items, blank
