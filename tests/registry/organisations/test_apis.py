from __future__ import annotations

import pytest

from tests.registry.organisations.factories import (
    AgencyFactory,
    EmployerFactory,
    EstablishmentFactory,
    LicenceEventFactory,
    LicenceFactory,
)
from vinculo.core.audit import AuditVerb
from vinculo.core.models import AuditEvent, VerificationState
from vinculo.core.permissions import Role
from vinculo.registry.models import LicenceEvent
from vinculo.registry.models import LicenceState as L
from vinculo.registry.organisations.apis import AgencyVerificationThrottle

pytestmark = pytest.mark.django_db

PROBLEM = "application/problem+json"
VIEWERS = {Role.OFFICIAL, Role.CASEWORKER, Role.ADMIN}


@pytest.mark.parametrize("role", list(Role))
def test_employer_api_for_each_role(api, world, role):
    employer = EmployerFactory(jurisdiction=world.hn, name="Camaronera del Golfo S.A.")
    EstablishmentFactory(organisation=employer, name="Granja Marcovia")
    api.force_authenticate(world.users[role.value])
    listing = api.get("/api/v1/employers/")
    detail = api.get(f"/api/v1/employers/{employer.pk}/")
    if role in VIEWERS:
        assert listing.status_code == 200
        assert "Camaronera del Golfo S.A." in [e["name"] for e in listing.json()["results"]]
        body = detail.json()
        assert body["establishments"][0]["name"] == "Granja Marcovia"
        assert body["verification_state"] == "pending"
        expected = ["verified", "rejected"] if role != Role.CASEWORKER else []
        assert body["available_decisions"] == expected
    else:
        assert (listing.status_code, detail.status_code) == (404, 404)
        assert detail["Content-Type"] == PROBLEM


def test_the_outsider_gets_404_on_everything_of_honduras(api, world):
    employer = EmployerFactory(jurisdiction=world.hn)
    licence = LicenceFactory(agency=AgencyFactory(jurisdiction=world.hn))
    EmployerFactory(jurisdiction=world.cr, name="Piñera Tica S.A.")
    api.force_authenticate(world.outsider)
    assert [e["name"] for e in api.get("/api/v1/employers/").json()["results"]] == [
        "Piñera Tica S.A."
    ]
    assert api.get("/api/v1/agencies/").json()["results"] == []
    for response in (
        api.get(f"/api/v1/employers/{employer.pk}/"),
        api.post(f"/api/v1/employers/{employer.pk}/verify/", {"to": "verified"}, format="json"),
        api.post(
            f"/api/v1/licences/{licence.pk}/moves/",
            {"to": "suspended", "reason": "r"},
            format="json",
        ),
    ):
        assert response.status_code == 404 and response["Content-Type"] == PROBLEM
    licence.refresh_from_db()
    employer.refresh_from_db()
    assert licence.state == L.VALID and employer.verification_state == "pending"


def test_an_anonymous_call_is_a_problem_401(api, world):
    response = api.get("/api/v1/employers/")
    assert response.status_code == 401 and response["Content-Type"] == PROBLEM


def test_verify_and_reject_through_the_api(api, world):
    employer = EmployerFactory(jurisdiction=world.hn)
    api.force_authenticate(world.users["official"])
    url = f"/api/v1/employers/{employer.pk}/verify/"
    missing = api.post(url, {"to": "rejected"}, format="json")
    assert missing.status_code == 400 and missing.json()["code"] == "reason_required"
    assert missing.json()["errors"][0]["field"] == "reason"
    rejected = api.post(url, {"to": "rejected", "reason": "Documentos ilegibles"}, format="json")
    assert rejected.status_code == 200
    assert rejected.json()["verification_state"] == "rejected"
    assert rejected.json()["verification_note"] == "Documentos ilegibles"
    assert rejected.json()["available_decisions"] == ["verified"]
    stale = api.post(url, {"to": "verified", "expected_state": "pending"}, format="json")
    assert stale.status_code == 409 and stale.json()["code"] == "verification_state_changed"
    assert api.post(url, {"to": "verified"}, format="json").status_code == 200
    employer.refresh_from_db()
    assert employer.verification_state == VerificationState.VERIFIED
    verbs = list(AuditEvent.objects.order_by("at", "id").values_list("verb", flat=True))
    assert verbs == [AuditVerb.EMPLOYER_REJECTED, AuditVerb.EMPLOYER_VERIFIED]


def test_a_caseworker_may_not_verify(api, world):
    employer = EmployerFactory(jurisdiction=world.hn)
    api.force_authenticate(world.users["caseworker"])
    response = api.post(f"/api/v1/employers/{employer.pk}/verify/", {"to": "verified"})
    assert response.status_code == 403 and response["Content-Type"] == PROBLEM


@pytest.mark.parametrize("role", list(Role))
def test_agency_api_for_each_role(api, world, role):
    licence = LicenceFactory(agency=AgencyFactory(jurisdiction=world.hn, name="Agencia Maya"))
    api.force_authenticate(world.users[role.value])
    response = api.get("/api/v1/agencies/", {"q": "maya"})
    if role in VIEWERS:
        [agency] = response.json()["results"]
        assert agency["licences"][0]["number"] == licence.number
        assert agency["licences"][0]["state"] == "valid"
    else:
        assert response.status_code == 404


def test_licence_moves_through_the_api(api, world):
    licence = LicenceFactory(agency=AgencyFactory(jurisdiction=world.hn), state=L.APPLIED)
    api.force_authenticate(world.users["official"])
    url = f"/api/v1/licences/{licence.pk}/moves/"
    granted = api.post(url, {"to": "valid", "reason": "Resolución 7-2026"}, format="json")
    assert granted.status_code == 200
    assert granted.json()["state"] == "valid"
    assert granted.json()["available_moves"] == ["suspended", "cancelled", "delisted"]
    illegal = api.post(url, {"to": "applied", "reason": "r"}, format="json")
    assert illegal.status_code == 409 and illegal.json()["code"] == "licence_move_not_allowed"
    unknown = api.post(url, {"to": "frozen", "reason": "r"}, format="json")
    assert unknown.status_code == 400 and unknown["Content-Type"] == PROBLEM
    assert LicenceEvent.objects.filter(licence=licence).count() == 1


def test_two_officials_moving_the_same_licence_by_api_exactly_one_wins(api, world):
    licence = LicenceFactory(agency=AgencyFactory(jurisdiction=world.hn), state=L.VALID)
    url = f"/api/v1/licences/{licence.pk}/moves/"
    answers = []
    for role, to in (("official", "suspended"), ("admin", "delisted")):
        api.force_authenticate(world.users[role])
        answers.append(
            api.post(url, {"to": to, "reason": "r", "expected_state": "valid"}, format="json")
        )
    assert [a.status_code for a in answers] == [200, 409]
    assert answers[1].json()["code"] == "licence_state_changed"
    assert answers[1]["Content-Type"] == PROBLEM
    licence.refresh_from_db()
    assert licence.state == L.SUSPENDED


def test_a_caseworker_may_not_move_a_licence(api, world):
    licence = LicenceFactory(agency=AgencyFactory(jurisdiction=world.hn))
    api.force_authenticate(world.users["caseworker"])
    response = api.post(
        f"/api/v1/licences/{licence.pk}/moves/", {"to": "suspended", "reason": "r"}, format="json"
    )
    assert response.status_code == 403 and response.json()["code"] == "not_allowed"


# --- public -----------------------------------------------------------------------------------


def test_the_public_api_tells_whether_an_agency_is_licensed_and_its_sanctions(api, world):
    licence = LicenceFactory(
        agency=AgencyFactory(jurisdiction=world.hn, name="Colocaciones Rápidas del Norte"),
        number="HN-STSS-AG-2022-0009",
        state=L.SUSPENDED,
        destination_countries=["MX", "CA"],
    )
    LicenceEventFactory(licence=licence, reason="Cobros indebidos")
    LicenceFactory(
        agency=AgencyFactory(jurisdiction=world.hn, name="Colocaciones Nuevas"), state=L.APPLIED
    )
    found = api.get("/api/v1/public/agencies/", {"q": "colocaciones rapidas"})
    assert found.status_code == 200
    [item] = found.json()
    assert item["number"] == "HN-STSS-AG-2022-0009"
    assert (item["state"], item["status"], item["licensed"]) == ("suspended", "suspended", False)
    assert item["destination_countries"] == ["MX", "CA"]
    assert [(s["state"], s["reason"]) for s in item["sanctions"]] == [
        ("suspended", "Cobros indebidos")
    ]
    assert item["checked_at"]
    detail = api.get("/api/v1/public/agencies/hn-stss-ag-2022-0009/")
    assert detail.status_code == 200 and detail.json()["agency"] == "Colocaciones Rápidas del Norte"
    # Applications are not public, whatever the query.
    assert api.get("/api/v1/public/agencies/", {"q": "nuevas"}).json() == []


def test_the_public_api_answers_404_as_problem_json(api, world):
    applied = LicenceFactory(agency=AgencyFactory(jurisdiction=world.hn), state=L.APPLIED)
    for number in ("NO-SUCH-LICENCE", applied.number):
        response = api.get(f"/api/v1/public/agencies/{number}/")
        assert response.status_code == 404
        assert response["Content-Type"] == PROBLEM and response.json()["status"] == 404


def test_the_public_api_needs_a_query(api, world):
    response = api.get("/api/v1/public/agencies/")
    assert response.status_code == 400 and response["Content-Type"] == PROBLEM


def test_the_public_api_ignores_credentials_and_is_throttled(api, world, monkeypatch):
    monkeypatch.setitem(AgencyVerificationThrottle.RATES, "public_agency_verification", "2/min")
    api.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")
    for _ in range(2):
        assert api.get("/api/v1/public/agencies/", {"q": "x"}).status_code == 200
    limited = api.get("/api/v1/public/agencies/", {"q": "x"})
    assert limited.status_code == 429 and limited["Content-Type"] == PROBLEM
    assert int(limited["Retry-After"]) > 0
