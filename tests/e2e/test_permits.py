"""Work permits in the browser, on phones, in Spanish, with the demo:

1. a Honduran employer applies for a foreign supervisor (documents and all) in a way that would
   leave fewer than 90 % Honduran workers; the STSS official reads the rule that fails, with the
   article and the figures, and refuses; the employer reads why in plain language;
2. a complete Costa Rican application is approved by the labour ministry and then by the
   migration directorate, each deciding its own step (and only its own); the permit's QR code
   opens the public check, which reads valid;
3. the permit is revoked, and the public check then reads revoked.

Screenshots land in test-results/permits/.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.e2e.test_placements import Person
from vinculo.demo.services import demo_load
from vinculo.permits.models import Application, Permit
from vinculo.reference.services import reference_load

pytestmark = pytest.mark.e2e

SHOTS = Path(__file__).resolve().parents[2] / "test-results" / "permits"
PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


class Phone(Person):
    shots = SHOTS


def _decide(official: Phone, application: Application, code: str, outcome: str, shot: str) -> str:
    step = application.steps.get(code=code)
    official.open(f"/permits/{application.pk}/", f"{shot}-case")
    official.page.check(f"input[name='step{step.pk}-outcome'][value='{outcome}']")
    return official.click("Registrar la decisión", shot)


def test_three_applications_through_to_a_decision(live_server, browser, tmp_path):
    reference_load()
    demo_load(size="small")
    base = live_server.url
    document = tmp_path / "documento.pdf"
    document.write_bytes(PDF)

    # 1. Honduras: 8 Honduran workers today, none foreign; with the hire, 8 of 9 (88.9 %).
    employer = Phone(browser, base, "empleador.hn", "es")
    text = employer.open("/permits/", "hn-employer-home")
    assert "Rechazada" in text  # the demo's case refused on art. 11
    employer.page.get_by_text("Nueva solicitud para Textiles Técnicos de Choloma S.A.").click()
    employer.look("hn-new")
    page = employer.page
    for field, value in {
        "given_names": "Ernesto",
        "first_surname": "Salgado",
        "second_surname": "Ramírez",
        "birth_date": "1984-05-20",
        "passport_number": "SV7788123",
        "passport_expires_on": "2033-01-31",
        "occupation": "3122",
        "start_on": "2027-03-01",
        "salary": "48000",
        "weekly_hours": "44",
        "national_workers": "8",
        "foreign_workers": "0",
        "national_payroll": "150000",
        "foreign_payroll": "0",
    }.items():
        page.fill(f"#id_{field}", value)
    page.select_option("#id_sex", "M")
    page.select_option("#id_nationality", "SV")
    page.select_option("#id_months", "12")
    text = employer.click("Guardar el borrador", "hn-draft")
    assert "Borrador" in text and "Falta todavía" in text
    for kind in ("passport", "contract", "ihss_roster"):
        page.select_option("#id_kind", kind)
        page.set_input_files("#id_file", str(document))
        employer.click("Añadir el documento", f"hn-document-{kind}")
    text = employer.click("Presentar la solicitud", "hn-submitted")
    assert "En decisión" in text
    application = Application.objects.get(worker__first_surname="Salgado")

    official = Phone(browser, base, "oficial.hn", "es")
    text = official.open("/permits/", "hn-queue")
    assert application.reference in text
    text = official.open(f"/permits/{application.pk}/", "hn-case")
    assert "art. 11" in text and "88,9 %" in text and "al menos 90 %" in text
    # Approving against the rule is refused; the reasons box already quotes the failed rule.
    text = _decide(official, application, "labour", "approve", "hn-approve-refused")
    assert "no puede aprobarse" in text
    text = _decide(official, application, "labour", "refuse", "hn-refused")
    application.refresh_from_db()
    assert application.state == "refused"

    text = employer.open(f"/permits/{application.pk}/", "hn-employer-reads-why")
    assert "Rechazada" in text
    assert "8 de 9 trabajadores" in text and "88,9 %" in text
    assert "Código del Trabajo, Decreto 189, art. 11" in text

    # 2. Costa Rica: the demo's complete application, decided by the MTSS, then the DGME.
    case = Application.objects.get(worker__first_surname="Mendoza", jurisdiction__code="CR-MTSS")
    dgme = Phone(browser, base, "migracion.cr", "es")
    text = dgme.open(f"/permits/{case.pk}/", "cr-dgme-waits")
    assert "Esperando un paso anterior" in text
    assert dgme.page.get_by_role("button", name="Registrar la decisión").count() == 0
    mtss = Phone(browser, base, "oficial.cr", "es")
    _decide(mtss, case, "labour", "approve", "cr-mtss-approves")
    text = mtss.look("cr-mtss-after")
    assert mtss.page.get_by_role("button", name="Registrar la decisión").count() == 0
    _decide(dgme, case, "migration", "approve", "cr-dgme-approves")
    permit = Permit.objects.get(application=case)
    text = dgme.open(f"/permits/issued/{permit.pk}/", "cr-permit")
    assert permit.number in text
    check_url = dgme.page.get_by_role(
        "link", name=f"{base}/permits/check/{permit.token}/"
    ).get_attribute("href")
    pdf = dgme.page.request.get(f"{base}/permits/issued/{permit.pk}/permit.pdf")
    assert pdf.headers["content-type"] == "application/pdf"

    public = Phone(browser, base, None, "es")
    text = public.open(check_url.replace(base, ""), "public-valid")
    assert "Vigente" in text and "Ó. D. M. R." in text and "Mendoza" not in text

    # 3. The permit is revoked; the public check says so at once.
    mtss.open(f"/permits/issued/{permit.pk}/", "cr-permit-mtss")
    mtss.page.select_option("#id_to", "revoked")
    mtss.page.fill("#id_reason", "El empleador comunicó el fin de la relación laboral.")
    mtss.click("Cambiar el permiso", "cr-revoked")
    text = public.open(check_url.replace(base, ""), "public-revoked")
    assert "Revocado" in text and "Vigente" not in text
    text = public.open(f"/permits/check/?number={permit.number}", "public-by-number")
    assert "Revocado" in text
