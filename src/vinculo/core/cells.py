"""Cells of the CSV and XLSX files Vínculo writes, made safe to open in a spreadsheet.

A value that begins with = + - @ (or a tab or carriage return, which some spreadsheets skip before
reading the next character) is read as a formula when the file is opened: a worker's name or a
problem's text written as `=HYPERLINK(...)` or `=cmd|...` would run in an official's spreadsheet
(CSV injection, OWASP "CSV Injection"). Every writer of a file that carries values people typed
passes them through here:

- CSV: such a text gets a single quote in front (the OWASP advice); the spreadsheet shows it as
  text, and a reader of the raw file sees the one extra character.
- XLSX: such a text is written as a string cell with Excel's own quote prefix (the hidden
  apostrophe), so the cell holds exactly what was typed and never becomes a formula, not even
  when someone edits it later.

Numbers stay numbers: a Python int, float or Decimal is written as it is, and so is a text that
is a plain number ("-5", "+3.5", "-1,5"), because a spreadsheet reads it as that number and
nothing else; prefixing it would turn the number -5 into the text '-5 and spoil every sum.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"[+-]?\d+(?:[.,]\d+)*")


def cell_is_formula_like(value: Any) -> bool:
    """Whether a spreadsheet would read this value as the start of a formula."""
    if not isinstance(value, str) or not value.startswith(FORMULA_STARTS):
        return False
    return not _PLAIN_NUMBER.fullmatch(value)


def csv_cell(value: Any) -> Any:
    """The value as it goes into a CSV cell: formula-like text with a quote in front."""
    if isinstance(value, (bool, int, float, Decimal)) or value is None:
        return value
    text = value if isinstance(value, str) else str(value)
    return "'" + text if cell_is_formula_like(text) else text


def csv_row(values: Iterable[Any]) -> list[Any]:
    """One CSV row, every cell through `csv_cell`."""
    return [csv_cell(v) for v in values]


def xlsx_cell_set(cell: Any, value: Any) -> None:
    """Put a value into an openpyxl cell so that text is never a formula: openpyxl itself reads
    any string beginning with = as one."""
    cell.value = value
    if cell_is_formula_like(value):
        cell.data_type = "s"
        cell.quotePrefix = True


def xlsx_row_append(sheet: Any, values: Iterable[Any]) -> None:
    """`sheet.append(values)` with every cell through `xlsx_cell_set`."""
    row = sheet.max_row + 1 if sheet.max_row > 1 or sheet.cell(1, 1).value is not None else 1
    for column, value in enumerate(values, start=1):
        xlsx_cell_set(sheet.cell(row=row, column=column), value)
