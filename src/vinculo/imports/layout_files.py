"""The downloadable templates of each layout: the header row and one example row, as CSV or
XLSX, built from the layouts themselves so they can never drift from what the import accepts."""

from __future__ import annotations

import csv
import io

from vinculo.core.cells import csv_row, xlsx_row_append
from vinculo.imports.domain import LAYOUTS


def template_csv(kind: str) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(csv_row(c.name for c in LAYOUTS[kind]))
    writer.writerow(csv_row(c.example for c in LAYOUTS[kind]))
    # BOM: Excel then opens the accents right.
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def template_xlsx(kind: str) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = kind
    xlsx_row_append(sheet, [c.name for c in LAYOUTS[kind]])
    # Every cell as text: a document number keeps its leading zeros, a date stays YYYY-MM-DD.
    xlsx_row_append(sheet, [c.example for c in LAYOUTS[kind]])
    for index, column in enumerate(LAYOUTS[kind], start=1):
        sheet.cell(row=1, column=index).font = Font(bold=True)
        letter = sheet.cell(row=1, column=index).column_letter
        sheet.column_dimensions[letter].width = max(
            14, len(column.name) + 2, len(column.example) + 2
        )
        sheet.column_dimensions[letter].number_format = "@"
        sheet.cell(row=2, column=index).number_format = "@"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
