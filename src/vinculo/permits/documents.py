"""The work permit as a PDF: in Spanish, and in English where the holder reads English, with a QR
code that opens the permit's live status. The card never prints its expiry as the only truth.
fpdf2 and segno, no system package; names outside Windows-1252 lose their accents (the web page
shows them as written)."""

from __future__ import annotations

import io

import segno
from django.utils import translation
from django.utils.translation import gettext
from fpdf import FPDF

from vinculo.placements.documents import ENCODING, printable


def permit_pdf(
    *, rows: list[tuple[str, str]], number: str, url: str, languages: list[str]
) -> bytes:
    """`rows` are (label, value) pairs whose labels are translatable texts (gettext_noop)."""
    pdf = FPDF(format="A4")
    pdf.core_fonts_encoding = ENCODING
    pdf.set_creator("Vínculo")
    pdf.set_title(printable(number))
    qr = io.BytesIO()
    segno.make(url, error="m").save(qr, kind="png", scale=4, border=2)
    for lang in languages:
        with translation.override(lang):
            pdf.add_page()
            pdf.set_font("Helvetica", "B", 16)
            pdf.cell(0, 10, printable(gettext("Work permit")), new_x="LMARGIN", new_y="NEXT")
            pdf.set_font("Helvetica", "B", 12)
            pdf.cell(0, 8, printable(number), new_x="LMARGIN", new_y="NEXT")
            pdf.set_font("Helvetica", "", 10)
            with pdf.table(
                col_widths=(35, 65), text_align="LEFT", first_row_as_headings=False
            ) as t:
                for label, value in rows:
                    row = t.row()
                    row.cell(printable(gettext(label)))
                    row.cell(printable(value))
            pdf.ln(3)
            pdf.set_font("Helvetica", "B", 10)
            pdf.multi_cell(
                0,
                5,
                printable(
                    gettext(
                        "Check the live status: a permit can be suspended or revoked before the "
                        "date printed here. Scan the QR code or open:"
                    )
                ),
                new_x="LMARGIN",
                new_y="NEXT",
            )
            pdf.set_font("Helvetica", "", 9)
            pdf.multi_cell(0, 5, printable(url), new_x="LMARGIN", new_y="NEXT")
            qr.seek(0)
            pdf.image(qr, w=40)
    return bytes(pdf.output())
