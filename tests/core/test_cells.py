"""Cells of exported files never open as formulas (CSV injection), and numbers stay numbers."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from vinculo.core import services
from vinculo.core.audit import AuditVerb
from vinculo.core.cells import csv_cell, csv_row, xlsx_row_append
from vinculo.core.models import Export

ATTACKS = ['=HYPERLINK("http://x","y")', "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(A1)", "\t=1", "\r=1"]


@pytest.mark.parametrize("value", ATTACKS)
def test_formula_like_text_gets_a_quote_in_csv(value):
    assert csv_cell(value) == "'" + value


@pytest.mark.parametrize("value", ["-5", "+3.5", "-1,5", "María", "", "a=b", "9211:6|6111:3"])
def test_plain_text_and_plain_numbers_are_left_alone(value):
    assert csv_cell(value) == value


def test_real_numbers_stay_numbers():
    assert csv_row([-5, Decimal("-1.5"), -2.0, None, True]) == [
        -5,
        Decimal("-1.5"),
        -2.0,
        None,
        True,
    ]


def test_xlsx_cells_hold_the_text_and_never_a_formula():
    book = Workbook()
    sheet = book.active
    xlsx_row_append(sheet, ["name", "amount"])
    xlsx_row_append(sheet, ["=1+1", -5])
    out = io.BytesIO()
    book.save(out)
    read = load_workbook(io.BytesIO(out.getvalue())).active
    assert [c.value for c in read[1]] == ["name", "amount"]
    formula, number = read[2]
    assert (formula.value, formula.data_type, formula.quotePrefix) == ("=1+1", "s", True)
    assert (number.value, number.data_type) == (-5, "n")


@pytest.mark.django_db
def test_the_audit_log_export_writes_typed_formulas_as_text(
    client, world, django_capture_on_commit_callbacks
):
    auditor = world.users["auditor"]
    services.audit_record(
        verb=AuditVerb.LOGIN, actor=auditor, jurisdiction=world.hn, reason="=cmd|' /C calc'!A0"
    )
    client.force_login(auditor)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("core:audit_export"), {"verb": AuditVerb.LOGIN})
    with open(services.export_path(Export.objects.get()), encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert "'=cmd|' /C calc'!A0" in [r["reason"] for r in rows]
    assert "=cmd|' /C calc'!A0" not in [r["reason"] for r in rows]
