"""The contract as a PDF: in Spanish and the worksite's language, one after the other, with a QR
code that opens its public verification page. fpdf2 and segno, no system package.

The PDF uses the PDF core fonts (Helvetica) in Windows-1252, which holds Spanish, English and
French; a character outside it (a name in another script) is printed without its accent, or as
"?" when it has no Latin form: the HTML contract shows it as written.
"""

from __future__ import annotations

import io
import unicodedata
from typing import Any

import segno
from fpdf import FPDF

from vinculo.placements import terms as contract_terms

ENCODING = "windows-1252"


def printable(text: str) -> str:
    out = []
    for char in str(text):
        try:
            char.encode(ENCODING)
            out.append(char)
        except UnicodeEncodeError:
            plain = unicodedata.normalize("NFKD", char).encode("ascii", "ignore").decode()
            out.append(plain or "?")
    return "".join(out)


def contract_pdf(
    *,
    terms: dict[str, Any],
    languages: list[str],
    worker: str,
    job: str,
    version: int,
    digest: str,
    code: str,
    verify_url: str,
    signed: str,
) -> bytes:
    """The contract in each of its languages, each with its parties, terms, fingerprint and the
    QR code of its verification page."""
    pdf = FPDF(format="A4")
    pdf.core_fonts_encoding = ENCODING
    pdf.set_title(printable(f"{contract_terms.say('title', languages[0])} {code}"))
    pdf.set_creator("Vínculo")
    qr = io.BytesIO()
    segno.make(verify_url, error="m").save(qr, kind="png", scale=4, border=2)
    for lang in languages:
        pdf.add_page()

        def say(key: str, lang: str = lang) -> str:
            return printable(contract_terms.say(key, lang))

        pdf.set_font("Helvetica", "B", 16)
        pdf.cell(0, 10, f"{say('title')} · {code}", new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("Helvetica", "", 10)
        pdf.cell(0, 6, f"{say('version')} {version} · {signed}", new_x="LMARGIN", new_y="NEXT")
        pdf.ln(2)
        rows = [(say("worker"), worker), (say("job"), job)]
        rows += contract_terms.document(terms, lang)
        with pdf.table(col_widths=(35, 65), text_align="LEFT", first_row_as_headings=False) as t:
            for label, value in rows:
                row = t.row()
                row.cell(printable(label))
                row.cell(printable(value))
        pdf.ln(3)
        pdf.set_font("Helvetica", "B", 10)
        pdf.multi_cell(0, 5, say("no_fees"), new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("Helvetica", "", 8)
        pdf.ln(2)
        pdf.multi_cell(0, 4, f"{say('digest')}: {digest}", new_x="LMARGIN", new_y="NEXT")
        pdf.multi_cell(
            0, 4, f"{say('verify')} {printable(verify_url)}", new_x="LMARGIN", new_y="NEXT"
        )
        qr.seek(0)
        pdf.image(qr, w=35)
    return bytes(pdf.output())
