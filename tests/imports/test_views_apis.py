from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from tests.factories import MembershipFactory, UserFactory
from tests.imports.conftest import csv_bytes, upload
from vinculo.core.runs import RunStatus
from vinculo.imports import services
from vinculo.imports.domain import LAYOUTS, column_names
from vinculo.imports.models import Import
from vinculo.imports.readers import rows_open

pytestmark = pytest.mark.django_db

HEADER = column_names("employers")
OLE_FILE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504  # an Excel 97-2003 .xls
ROWS = [
    ["Finca Sur", "HN", "0801-1", "agriculture", "", "", "", ""],
    ["", "HN", "", "", "", "", "", ""],
]


@pytest.fixture
def finished(world, django_capture_on_commit_callbacks) -> Import:
    with django_capture_on_commit_callbacks(execute=True):
        run = services.import_request(
            kind="employers",
            upload=upload(csv_bytes(HEADER, ROWS), "employers.csv"),
            actor=world.users["official"],
        )
    run.refresh_from_db()
    assert run.status == RunStatus.DONE
    return run


@pytest.mark.parametrize("kind", sorted(LAYOUTS))
@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_templates_hold_the_header_and_an_example_row_that_imports_cleanly(
    client, world, occupations, tmp_path, kind, file_format, django_capture_on_commit_callbacks
):
    client.force_login(world.users["official"])
    response = client.get(reverse("imports:import_template", args=[kind, file_format]))
    assert response.status_code == 200
    path = tmp_path / f"template.{file_format}"
    path.write_bytes(response.content)
    with rows_open(str(path), file_format) as rows:
        got = [values for _n, values in rows]
    assert got == [column_names(kind), [c.example for c in LAYOUTS[kind]]]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("imports:import_list"),
            {"kind": kind, "file": upload(path.read_bytes(), path.name)},
        )
    run = Import.objects.get()
    assert (run.rows_created, run.rows_failed) == (1, 0), list(run.row_errors.values())


def test_the_list_page_has_a_labelled_form_and_the_jurisdictions_imports(client, world, finished):
    client.force_login(world.users["official"])
    page = client.get(reverse("imports:import_list"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<label for="id_kind"' in page and '<label for="id_file"' in page
    assert "id_jurisdiction" not in page  # one jurisdiction: nothing to ask
    assert 'name="viewport"' in page and "employers.csv" in page
    assert reverse("imports:import_detail", args=[finished.pk]) in page


def test_an_official_of_several_jurisdictions_chooses_one(
    client, world, django_capture_on_commit_callbacks
):
    both = UserFactory(username="official.both")
    MembershipFactory(user=both, role="official", jurisdiction=world.hn)
    MembershipFactory(user=both, role="official", jurisdiction=world.cr)
    client.force_login(both)
    page = client.get(reverse("imports:import_list")).content.decode()
    assert '<label for="id_jurisdiction"' in page
    data = {"kind": "employers", "file": upload(csv_bytes(HEADER, ROWS), "e.csv")}
    assert client.post(reverse("imports:import_list"), data).status_code == 400
    data = {"kind": "employers", "file": upload(csv_bytes(HEADER, ROWS), "e.csv")}
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("imports:import_list"), {**data, "jurisdiction": world.cr.pk}
        )
    assert response.status_code == 302
    run = Import.objects.get()
    assert run.jurisdiction == world.cr
    assert run.rows_created == 1


def test_a_wrong_header_is_answered_at_once_next_to_the_file(client, world):
    client.force_login(world.users["official"])
    content = csv_bytes(["name", "country", "taxid"], [["A", "HN", "1"]])
    response = client.post(
        reverse("imports:import_list"),
        {"kind": "employers", "file": upload(content, "e.csv")},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert "The column taxid is not part of this layout." in page
    assert "The required column tax_id is missing from the first row." in page
    assert not Import.objects.exists()


def test_progress_is_polled_while_the_import_runs(client, world, finished):
    Import.objects.filter(pk=finished.pk).update(status=RunStatus.RUNNING, done=25, total=100)
    client.force_login(world.users["official"])
    page = client.get(
        reverse("imports:import_detail", args=[finished.pk]),
        HTTP_HX_REQUEST="true",
        HTTP_ACCEPT_LANGUAGE="en",
    ).content.decode()
    assert '<progress value="25"' in page and "25 of 100 rows" in page
    assert 'hx-trigger="every 1s"' in page and "<html" not in page


def test_another_jurisdiction_sees_none_of_it(client, api, world, finished):
    outsider = world.outsider
    client.force_login(outsider)
    for name in ("imports:import_detail", "imports:import_errors_csv"):
        assert client.get(reverse(name, args=[finished.pk])).status_code == 404
    listing = client.get(reverse("imports:import_list")).content.decode()
    assert str(finished.pk) not in listing
    api.force_authenticate(outsider)
    for name in ("api:import", "api:import-errors"):
        response = api.get(reverse(name, args=[finished.pk]))
        assert response.status_code == 404
        assert response["Content-Type"] == "application/problem+json"
    assert api.get(reverse("api:imports")).json()["count"] == 0


@pytest.mark.parametrize("role", ["employer_staff", "agency_staff", "worker", "auditor"])
def test_roles_without_the_permission_get_404_on_pages(client, world, finished, role):
    client.force_login(world.users[role])
    assert client.get(reverse("imports:import_list")).status_code == 404
    assert client.get(reverse("imports:import_detail", args=[finished.pk])).status_code == 404
    assert (
        client.get(reverse("imports:import_template", args=["workers", "csv"])).status_code == 404
    )


def test_the_admin_sees_every_jurisdictions_imports(client, world, finished):
    client.force_login(world.users["admin"])
    assert client.get(reverse("imports:import_detail", args=[finished.pk])).status_code == 200


def test_the_api_imports_a_file_and_reports_its_bad_rows(
    api, world, django_capture_on_commit_callbacks
):
    api.force_authenticate(world.users["official"])
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post(
            reverse("api:imports"),
            {"kind": "employers", "file": upload(csv_bytes(HEADER, ROWS), "e.csv")},
            format="multipart",
        )
    assert response.status_code == 202
    run_id = response.json()["id"]
    detail = api.get(reverse("api:import", args=[run_id])).json()
    assert detail["status"] == "done" and detail["percent"] == 100
    assert (detail["rows_created"], detail["rows_failed"], detail["jurisdiction"]) == (
        1,
        1,
        "HN-STSS",
    )
    errors = api.get(
        reverse("api:import-errors", args=[run_id]), {"page_size": 1}, HTTP_ACCEPT_LANGUAGE="en"
    ).json()
    assert errors["count"] == 2 and len(errors["results"]) == 1
    first = errors["results"][0]
    assert (first["row"], first["column"], first["code"]) == (3, "name", "required")
    assert first["message"] == "This value is required."


@pytest.mark.parametrize(
    ("data", "code", "field"),
    [
        ({"kind": "employers"}, "file_empty", "file"),
        ({"kind": "ships", "file": ("e.csv", b"name\n")}, "validation_failed", "kind"),
        ({"kind": "employers", "file": ("e.txt", b"name\n")}, "file_format", "file"),
        (
            {"kind": "employers", "file": ("e.xlsx", b"PK\x03\x04 a broken zip")},
            "file_unreadable",
            "file",
        ),
        (
            {"kind": "employers", "file": ("e.csv", b"%PDF-1.4\n\x00\x01\x02")},
            "file_not_table",
            "file",
        ),
        ({"kind": "employers", "file": ("e.xls", OLE_FILE)}, "file_old_excel", "file"),
        ({"kind": "employers", "file": ("e.csv", OLE_FILE)}, "file_old_excel", "file"),
        ({"kind": "employers", "file": ("e.csv", b"name,colour\n")}, "header_invalid", "file"),
    ],
)
def test_bad_api_input_is_problem_json(api, world, data, code, field):
    api.force_authenticate(world.users["official"])
    if "file" in data:
        name, content = data["file"]
        data = {**data, "file": upload(content, name)}
    response = api.post(reverse("api:imports"), data, format="multipart")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["code"] == code and field in {e["field"] for e in body["errors"]}
    assert not Import.objects.exists()


def test_the_api_refuses_who_may_not_import(api, world):
    api.force_authenticate(world.users["employer_staff"])
    response = api.post(
        reverse("api:imports"),
        {"kind": "employers", "file": upload(csv_bytes(HEADER, ROWS), "e.csv")},
        format="multipart",
    )
    assert response.status_code == 403
    assert response["Content-Type"] == "application/problem+json"


def test_a_failed_import_can_be_run_again_from_its_page(
    client, world, finished, django_capture_on_commit_callbacks
):
    Import.objects.filter(pk=finished.pk).update(status=RunStatus.FAILED, error="boom")
    client.force_login(world.users["official"])
    page = client.get(reverse("imports:import_detail", args=[finished.pk])).content.decode()
    assert reverse("imports:import_retry", args=[finished.pk]) in page
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("imports:import_retry", args=[finished.pk]))
    finished.refresh_from_db()
    # The employer of the first run is now "already registered".
    assert finished.status == RunStatus.DONE
    assert (finished.rows_created, finished.rows_existing, finished.rows_failed) == (0, 1, 1)
    lines = list(
        csv.reader(
            io.StringIO(
                b"".join(
                    client.get(
                        reverse("imports:import_errors_csv", args=[finished.pk])
                    ).streaming_content
                ).decode("utf-8-sig")
            )
        )
    )
    assert len(lines) == 1 + 2  # header, then the two empty required cells of row 3


def test_the_xlsx_template_keeps_cells_as_text(client, world, tmp_path):
    client.force_login(world.users["official"])
    content = client.get(reverse("imports:import_template", args=["workers", "xlsx"])).content
    path = tmp_path / "t.xlsx"
    path.write_bytes(content)
    sheet = load_workbook(path).active
    assert (
        sheet.cell(row=2, column=column_names("workers").index("document_number") + 1).number_format
        == "@"
    )


def test_the_error_report_writes_a_typed_formula_as_text(client, world, finished):
    """A header cell the import did not know comes back in the report as it was typed; a
    spreadsheet opening the report must show it, never run it (CSV injection)."""
    from vinculo.imports.models import ImportRowError

    ImportRowError.objects.create(
        run=finished,
        row=1,
        column="=HYPERLINK(1)",
        code="column_unknown",
        params={"column": "=HYPERLINK(1)"},
    )
    client.force_login(world.users["official"])
    response = client.get(
        reverse("imports:import_errors_csv", args=[finished.pk]), HTTP_ACCEPT_LANGUAGE="en"
    )
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    lines = list(csv.reader(io.StringIO(text)))
    assert lines[1][:3] == ["1", "'=HYPERLINK(1)", "column_unknown"]


def test_the_templates_hold_no_formula(client, world, tmp_path, monkeypatch):
    """The templates are written through the same safe cells as every export: an example that
    reads like a formula (an ISCO code written with a sign, say) stays text."""
    from vinculo.imports import domain

    layout = [domain.Column("given_names", True, "text", "=1+1")]
    monkeypatch.setitem(domain.LAYOUTS, "workers", layout)
    client.force_login(world.users["official"])
    body = client.get(reverse("imports:import_template", args=["workers", "csv"])).content
    assert body.decode("utf-8-sig").splitlines() == ["given_names", "'=1+1"]
    content = client.get(reverse("imports:import_template", args=["workers", "xlsx"])).content
    path = tmp_path / "t.xlsx"
    path.write_bytes(content)
    cell = load_workbook(path).active.cell(row=2, column=1)
    assert (cell.value, cell.data_type, cell.quotePrefix) == ("=1+1", "s", True)


def _xlsx_bytes(header: list[str], rows: list[list[str]]) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(header)
    for values in rows:
        book.active.append(values)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.mark.parametrize(
    ("name", "content", "found"),
    [
        ("employers.csv", _xlsx_bytes(HEADER, ROWS), "xlsx"),  # an Excel file renamed to .csv
        ("employers.xls", _xlsx_bytes(HEADER, ROWS), "xlsx"),  # saved under the old name
        ("employers.xlsx", csv_bytes(HEADER, ROWS), "csv"),  # a CSV file named .xlsx
    ],
)
def test_a_file_is_read_as_what_it_is_whatever_its_name(
    client, world, django_capture_on_commit_callbacks, name, content, found
):
    client.force_login(world.users["official"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("imports:import_list"), {"kind": "employers", "file": upload(content, name)}
        )
    assert response.status_code == 302
    run = Import.objects.get()
    run.refresh_from_db()
    assert (run.file_format, run.status, run.rows_created, run.rows_failed) == (
        found,
        RunStatus.DONE,
        1,
        1,
    )
    assert run.file_name == name and run.stored_name.endswith("." + found)


@pytest.mark.parametrize(
    ("language", "sentence"),
    [
        (
            "en",
            "This file is not a CSV or Excel file: upload a .csv or .xlsx file made from the"
            " template.",
        ),
        (
            "es",
            "Este archivo no es un archivo CSV ni de Excel: suba un archivo .csv o .xlsx hecho"
            " con la plantilla.",
        ),
    ],
)
def test_a_binary_file_is_refused_in_one_sentence_not_as_garbage_columns(
    client, world, language, sentence
):
    """A PNG named .csv: one sentence next to the file field in the reader's language, and none of
    its bytes shown as "unknown columns". The Spanish case needs the lead's merge of the .po."""
    client.force_login(world.users["official"])
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256))
    response = client.post(
        reverse("imports:import_list"),
        {"kind": "employers", "file": upload(png, "employers.csv")},
        HTTP_ACCEPT_LANGUAGE=language,
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert sentence in page
    assert "IHDR" not in page and "column" not in page.split(sentence)[1][:400].lower()
    assert not Import.objects.exists()


def test_the_progress_says_records_created_in_spanish():
    from types import SimpleNamespace

    from django.template.loader import render_to_string
    from django.utils import translation

    run = SimpleNamespace(
        pk="00000000-0000-0000-0000-000000000001",
        in_progress=False,
        rows_total=3,
        rows_done=3,
        rows_created=3,
        rows_existing=0,
        rows_failed=0,
        percent=100,
        status="done",
        get_status_display=lambda: "Terminada",
    )
    with translation.override("es"):
        html = render_to_string(
            "imports/partials/import_progress.html",
            {"run": run, "statuses": SimpleNamespace(FAILED="failed")},
        )
    assert "Registros creados" in html and "Creada" not in html


@pytest.mark.django_db
@pytest.mark.parametrize("sent", ["empty", "missing"])
def test_an_empty_or_missing_file_is_answered_by_the_rule_in_spanish(api, world, sent):
    from django.core.files.uploadedfile import SimpleUploadedFile

    api.force_authenticate(world.users["official"])
    data = {"kind": "agencies"}
    if sent == "empty":
        data["file"] = SimpleUploadedFile("agencias.csv", b"")
    response = api.post("/api/v1/imports/", data, format="multipart", HTTP_ACCEPT_LANGUAGE="es")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "file_empty"
    assert body["errors"][0]["message"] == "El archivo está vacío."  # not DRF's "vació"
