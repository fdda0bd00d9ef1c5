"""The permits API: scoped like the pages, each agency deciding only its own step, problem+json
errors, and the public check showing no more than initials."""

from __future__ import annotations

from tests.permits.conftest import cr_terms, hn_terms, submitted
from vinculo.permits.models import Application


def test_an_official_of_another_country_gets_404_everywhere(permits, api):
    application = submitted(permits.hn_staff, permits.hn_employer, hn_terms())
    step = application.steps.get()
    api.force_authenticate(permits.gt_official)
    assert api.get("/api/v1/permit-applications/").json()["results"] == []
    for path in (f"/api/v1/permit-applications/{application.pk}/",):
        response = api.get(path)
        assert response.status_code == 404
        assert response["Content-Type"] == "application/problem+json"
    response = api.post(f"/api/v1/permit-steps/{step.pk}/decision/", {"outcome": "approve"})
    assert response.status_code == 404
    step.refresh_from_db()
    assert step.state == "open"


def test_each_agency_decides_only_its_own_step(permits, api):
    application = submitted(permits.cr_staff, permits.cr_employer, cr_terms())
    labour = application.steps.get(code="labour")
    migration = application.steps.get(code="migration")
    api.force_authenticate(permits.dgme)
    detail = api.get(f"/api/v1/permit-applications/{application.pk}/").json()
    assert [s["agency"] for s in detail["steps"]] == ["CR-MTSS", "CR-DGME"]
    response = api.post(f"/api/v1/permit-steps/{labour.pk}/decision/", {"outcome": "approve"})
    assert response.status_code == 403
    assert response.json()["code"] == "not_your_step"
    api.force_authenticate(permits.mtss)
    response = api.post(f"/api/v1/permit-steps/{labour.pk}/decision/", {"outcome": "approve"})
    assert response.status_code == 200
    assert response.json()["steps"][1]["state"] == "open"
    api.force_authenticate(permits.dgme)
    response = api.post(f"/api/v1/permit-steps/{migration.pk}/decision/", {"outcome": "approve"})
    assert response.json()["state"] == "approved"
    permit = Application.objects.get(pk=application.pk).permit
    # Twice is a conflict, not a second decision.
    response = api.post(f"/api/v1/permit-steps/{migration.pk}/decision/", {"outcome": "approve"})
    assert response.status_code == 409

    api.force_authenticate(None)
    public = api.get("/api/v1/permits/check/", {"token": permit.token}).json()
    assert public == {
        "number": permit.number,
        "status": "valid",
        "holder_initials": "C. A. R. M.",
        "employer": "Piñas del Caribe S.A.",
        "category": "trabajador_temporal",
        "condition": "restricted",
        "valid_to": "2027-07-10",
    }
    assert api.get("/api/v1/permits/check/", {"number": "CR-PT-1999-000001"}).status_code == 404

    api.force_authenticate(permits.mtss)
    response = api.post(
        f"/api/v1/permits/{permit.pk}/moves/", {"to": "suspended", "reason": "Investigación."}
    )
    assert response.json()["status"] == "suspended"
    api.force_authenticate(None)
    public = api.get("/api/v1/permits/check/", {"number": permit.number}).json()
    assert public["status"] == "suspended"


def test_refusing_without_reasons_is_a_field_error(permits, api):
    application = submitted(
        permits.hn_staff, permits.hn_employer, hn_terms(national_workers=1, foreign_workers=3)
    )
    step = application.steps.get()
    api.force_authenticate(permits.hn_official)
    response = api.post(f"/api/v1/permit-steps/{step.pk}/decision/", {"outcome": "approve"})
    assert response.status_code == 400 and response.json()["code"] == "rules_failed"
    response = api.post(f"/api/v1/permit-steps/{step.pk}/decision/", {"outcome": "refuse"})
    assert response.status_code == 400
    assert response.json()["code"] == "reason_required"


def test_the_applicant_reads_the_trace_but_cannot_decide(permits, api):
    application = submitted(permits.hn_staff, permits.hn_employer, hn_terms())
    api.force_authenticate(permits.hn_staff)
    detail = api.get(f"/api/v1/permit-applications/{application.pk}/").json()
    codes = [r["code"] for r in detail["steps"][0]["trace"]]
    assert codes == ["category", "adult", "passport", "minimum_wage", "employer", "national_share"]
    assert detail["processing_days"] == 0 and detail["target_days"] == 20
    response = api.post(
        f"/api/v1/permit-steps/{detail['steps'][0]['id']}/decision/", {"outcome": "approve"}
    )
    assert response.status_code == 403


def test_an_employer_files_over_the_api_and_every_missing_part_is_named(permits, api):
    from tests.permits.conftest import pdf

    api.force_authenticate(permits.hn_staff)
    body = {
        "employer": permits.hn_employer.pk,
        "person": {
            "given_names": "Carlos Andrés",
            "first_surname": "Rivas",
            "sex": "M",
            "birth_date": "1990-03-04",
            "nationality": "NI",
            "passport_number": "C01234567",
            "passport_expires_on": "2031-01-01",
        },
        "category": "permiso_trabajo",
        "occupation": "2141",
        "start_on": "2027-02-01",
        "months": 12,
        "salary": "40000.00",
        "weekly_hours": "44.0",
    }
    response = api.post("/api/v1/permit-applications/", body, format="json")
    assert response.status_code == 201, response.json()
    created = response.json()
    assert created["state"] == "draft" and created["currency"] == "HNL"
    assert created["documents_missing"] == ["passport", "contract", "ihss_roster"]
    path = f"/api/v1/permit-applications/{created['id']}"
    response = api.post(f"{path}/submission/")
    assert response.status_code == 400
    named = {error["field"] for error in response.json()["errors"]}
    assert named == {
        "document_passport",
        "document_contract",
        "document_ihss_roster",
        "national_workers",
    }
    response = api.post(
        f"{path}/documents/", {"kind": "passport", "file": pdf()}, format="multipart"
    )
    assert response.status_code == 201 and response.json()["kind"] == "passport"
    response = api.post(f"{path}/documents/", {"kind": "visa", "file": pdf()}, format="multipart")
    assert response.status_code == 400 and response.json()["code"] == "document_unknown"
    # Another company's staff cannot file for this employer, nor see the draft.
    api.force_authenticate(permits.other_staff)
    body["employer"] = permits.hn_employer.pk
    response = api.post("/api/v1/permit-applications/", body, format="json")
    assert response.status_code == 400 and response.json()["code"] == "not_applicant"
    assert api.get(f"{path}/").status_code == 404
    response = api.post(
        f"{path}/documents/", {"kind": "contract", "file": pdf()}, format="multipart"
    )
    assert response.status_code == 404
