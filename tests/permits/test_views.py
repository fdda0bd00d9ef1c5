"""The permit pages: each answers 404 to an official of another jurisdiction and to a stranger,
shows the rules in the reader's language, and offers only the actions the reader may take."""

from __future__ import annotations

from tests.conftest import login
from tests.factories import OrganisationFactory
from tests.permits.conftest import cr_terms, hn_terms, submitted
from vinculo.permits import services
from vinculo.permits.models import Application


def _approved_cr(permits, category="trabajador_temporal"):
    application = submitted(permits.cr_staff, permits.cr_employer, cr_terms(category=category))
    services.step_decide(
        actor=permits.mtss, step_id=application.steps.get(code="labour").pk, outcome="approve"
    )
    services.step_decide(
        actor=permits.dgme, step_id=application.steps.get(code="migration").pk, outcome="approve"
    )
    return Application.objects.get(pk=application.pk).permit


def test_every_page_of_a_case_is_404_to_another_jurisdiction(permits, client):
    application = submitted(permits.hn_staff, permits.hn_employer, hn_terms())
    document = application.documents.first()
    step = application.steps.get()
    services.step_decide(actor=permits.hn_official, step_id=step.pk, outcome="approve")
    permit = Application.objects.get(pk=application.pk).permit
    for stranger in (permits.gt_official, permits.mtss, permits.other_staff):
        client.force_login(stranger)
        for path in (
            f"/permits/{application.pk}/",
            f"/permits/documents/{document.pk}/",
            f"/permits/issued/{permit.pk}/",
            f"/permits/issued/{permit.pk}/permit.pdf",
        ):
            assert client.get(path).status_code == 404, (stranger, path)
        for path, data in (
            (f"/permits/{application.pk}/documents/", {}),
            (f"/permits/{application.pk}/submit/", {}),
            (f"/permits/{application.pk}/answer/", {"answer": "x"}),
            (f"/permits/issued/{permit.pk}/renew/", {"start_on": "2030-01-01"}),
            (f"/permits/issued/{permit.pk}/employer/", {"change-reason": "x"}),
        ):
            assert client.post(path, data).status_code == 404, (stranger, path)
        assert client.post(f"/permits/steps/{step.pk}/decide/", {}).status_code in (400, 404)


def test_opening_a_document_is_audited(permits, client):
    from vinculo.core.models import AuditEvent

    application = submitted(permits.hn_staff, permits.hn_employer, hn_terms())
    document = application.documents.get(kind="passport")
    login(client, permits.hn_official)
    response = client.get(f"/permits/documents/{document.pk}/")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment")
    assert AuditEvent.objects.filter(
        verb="permit.document_opened", actor=permits.hn_official
    ).exists()


def test_the_case_page_reads_the_rules_in_spanish(permits, client):
    application = submitted(
        permits.hn_staff, permits.hn_employer, hn_terms(national_workers=8, foreign_workers=0)
    )
    login(client, permits.hn_staff)
    page = client.get(f"/permits/{application.pk}/", HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "No cumple la regla" in page and "art. 11" in page
    assert "Registrar la decisión" not in page  # the applicant does not decide
    login(client, permits.hn_official)
    page = client.get(f"/permits/{application.pk}/", HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "Registrar la decisión" in page


def test_the_change_of_employer_is_offered_only_where_the_permit_allows_it(permits, client):
    OrganisationFactory(
        jurisdiction=permits.cr_employer.jurisdiction, verification_state="verified"
    )
    restricted = _approved_cr(permits)
    seasonal = _approved_cr(permits, category="sitlam")
    login(client, permits.mtss)
    assert "change-employer" not in client.get(f"/permits/issued/{restricted.pk}/").content.decode()
    page = client.get(f"/permits/issued/{seasonal.pk}/").content.decode()
    assert "change-employer" in page
    response = client.post(
        f"/permits/issued/{restricted.pk}/employer/", {"change-employer": "", "change-reason": ""}
    )
    assert response.status_code == 400
    # The holder's employer renews on the fast path from the permit's page.
    login(client, permits.cr_staff)
    page = client.get(f"/permits/issued/{restricted.pk}/").content.decode()
    assert "id_start_on" in page and "change-employer" not in page


def test_a_border_kiosk_registers_and_submits_a_seasonal_worker(permits, client):
    import io

    from PIL import Image

    login(client, permits.dgme)
    page = client.get("/permits/kiosk/", HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "Paso Canoas" in page and "Piñas del Caribe S.A." in page
    photo = io.BytesIO()
    Image.new("RGB", (80, 50), "white").save(photo, format="JPEG")
    photo.seek(0)
    photo.name = "pasaporte.jpg"
    response = client.post(
        "/permits/kiosk/",
        {
            "border_post": "Paso Canoas",
            "employer": permits.cr_employer.pk,
            "category": "sitlam",
            "months": 6,
            "start_on": "2027-01-11",
            "occupation": "9211",
            "salary": "420000",
            "weekly_hours": "48",
            "given_names": "José",
            "first_surname": "Obando",
            "sex": "M",
            "birth_date": "1990-02-02",
            "nationality": "NI",
            "passport_number": "C09998887",
            "passport_expires_on": "2032-01-01",
            "passport": photo,
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    application = Application.objects.get(worker__first_surname="Obando")
    assert application.state == "submitted" and application.border_post == "Paso Canoas"
    assert application.employer == permits.cr_employer and application.filed_by == permits.dgme
    assert list(application.documents.values_list("kind", flat=True)) == ["passport"]
    # The employer follows it; an official of another country has no kiosk here.
    from vinculo.permits import selectors

    assert selectors.application_get(actor=permits.cr_staff, application_id=application.pk)
    login(client, permits.hn_official)
    assert client.get("/permits/kiosk/").status_code == 404
    login(client, permits.cr_staff)
    assert client.get("/permits/kiosk/").status_code == 404
