"""Streaming readers of an import file: one row at a time, whatever the file's size.

CSV goes through `csv.reader` over the open file (UTF-8, with or without BOM; Windows-1252 when
the file is not UTF-8, as older Excel saves it; comma, semicolon or tab, guessed from the header
line). XLSX goes through openpyxl in read-only mode, which parses the sheet as it goes instead of
building it in memory. Row numbers are the spreadsheet's: the header is row 1.
"""

from __future__ import annotations

import codecs
import csv
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, time
from typing import Any

SNIFF_BYTES = 64 * 1024
FORMATS = ("csv", "xlsx")
# The names an upload may carry: .xls too, so that an old Excel file hears why it cannot be read
# (and an .xlsx saved under that name is read all the same).
NAME_EXTENSIONS = (*FORMATS, "xls")


class FileUnreadable(ValueError):
    """The file is not a CSV or XLSX file that can be read."""

    def __init__(self, message: str = "", *, code: str = "file_unreadable") -> None:
        super().__init__(message or code)
        self.code = code


# The first bytes that say what a file is, whatever its name says.
ZIP_MAGIC = b"PK\x03\x04"  # XLSX (and every other Office Open XML file) is a ZIP archive
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # Excel 97-2003 (.xls), old Word...
UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")  # Excel's "Unicode text" export
# Bytes no text file holds: C0 controls other than tab, line feed, form feed and carriage return.
_BINARY = bytes(b for b in range(32) if b not in (9, 10, 12, 13)) + b"\x7f"


def format_sniff(path: str) -> str:
    """What the file really is, "csv" or "xlsx", from its first bytes rather than its name: an
    Excel file renamed to .csv is read as Excel, a CSV file named .xlsx as CSV. Anything else
    (an old .xls, a PDF, an image, a Word file...) raises FileUnreadable with a code that names
    the case, before any of its bytes could reach a report as "column names"."""
    with open(path, "rb") as handle:
        head = handle.read(SNIFF_BYTES)
    if head.startswith(ZIP_MAGIC):
        return "xlsx"
    if head.startswith(OLE_MAGIC):
        raise FileUnreadable(code="file_old_excel")
    if head.startswith(UTF16_BOMS):
        return "csv"
    if head.translate(None, _BINARY) != head:
        raise FileUnreadable(code="file_not_table")
    return "csv"


def _encoding(path: str) -> str:
    with open(path, "rb") as handle:
        head = handle.read(SNIFF_BYTES)
    if head.startswith(UTF16_BOMS):
        return "utf-16"
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
    except UnicodeDecodeError:
        return "cp1252"
    return "utf-8-sig"


def _delimiter(first_line: str) -> str:
    counts = {d: first_line.count(d) for d in (",", ";", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


@contextmanager
def _csv_rows(path: str) -> Iterator[Iterator[tuple[int, list[str]]]]:
    encoding = _encoding(path)
    # errors="replace": a stray byte deep in a UTF-8 file spoils one cell, not the whole import.
    with open(path, encoding=encoding, errors="replace", newline="") as handle:
        first = handle.readline()
        handle.seek(0)
        reader = csv.reader(handle, delimiter=_delimiter(first))

        def rows() -> Iterator[tuple[int, list[str]]]:
            try:
                yield from enumerate(reader, start=1)
            except csv.Error as error:
                raise FileUnreadable(str(error)) from error

        yield rows()


def cell_text(value: Any) -> str:
    """The text of a spreadsheet cell as a person would have typed it in a CSV file."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time(0) else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


@contextmanager
def _xlsx_rows(path: str) -> Iterator[Iterator[tuple[int, list[str]]]]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as error:  # zipfile.BadZipFile, KeyError, InvalidFileException...
        raise FileUnreadable(str(error)) from error
    try:
        sheet = book.worksheets[0]

        def rows() -> Iterator[tuple[int, list[str]]]:
            for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
                yield number, [cell_text(v) for v in values]

        yield rows()
    finally:
        book.close()


def rows_open(path: str, file_format: str):
    """A context manager giving an iterator of (row number, cells), header first."""
    if file_format == "xlsx":
        return _xlsx_rows(path)
    if file_format == "csv":
        return _csv_rows(path)
    raise FileUnreadable(file_format)


def header_read(path: str, file_format: str) -> list[str]:
    with rows_open(path, file_format) as rows:
        for _number, values in rows:
            return values
    return []


def rows_count(path: str, file_format: str) -> int:
    """Data rows (after the header), for the progress bar: counted in one streaming pass, or for
    XLSX read from the sheet's recorded size when it has one (parsing a sheet twice is slow)."""
    if file_format == "xlsx":
        from openpyxl import load_workbook

        book = load_workbook(path, read_only=True, data_only=True)
        try:
            recorded = book.worksheets[0].max_row
        finally:
            book.close()
        if isinstance(recorded, int) and recorded > 0:
            return recorded - 1
    with rows_open(path, file_format) as rows:
        return max(0, sum(1 for _ in rows) - 1)
