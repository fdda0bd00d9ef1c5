from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import JurisdictionFactory
from tests.registry.organisations.factories import (
    AgencyFactory,
    EmployerFactory,
    EstablishmentFactory,
    LicenceEventFactory,
    LicenceFactory,
)
from vinculo.core.audit import AuditVerb
from vinculo.core.models import AuditEvent, Organisation, User, VerificationState
from vinculo.core.permissions import Role
from vinculo.registry.models import LicenceState as L
from vinculo.registry.organisations import services, views
from vinculo.web import ratelimit

pytestmark = pytest.mark.django_db

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
VIEWERS = {Role.OFFICIAL, Role.CASEWORKER, Role.ADMIN}


# --- official pages: role matrix --------------------------------------------------------------


@pytest.mark.parametrize("role", list(Role))
def test_employer_pages_for_each_role(client, world, role):
    employer = EmployerFactory(jurisdiction=world.hn, name="Bananera Atlántida S.A.")
    client.force_login(world.users[role.value])
    listing = client.get(reverse("registry_orgs:employer_list"))
    detail = client.get(reverse("registry_orgs:employer_detail", args=[employer.pk]))
    if role in VIEWERS:
        assert listing.status_code == 200 and "Bananera Atlántida S.A." in listing.content.decode()
        assert detail.status_code == 200
    else:
        assert (listing.status_code, detail.status_code) == (404, 404)


@pytest.mark.parametrize("role", list(Role))
def test_agency_pages_for_each_role(client, world, role):
    licence = LicenceFactory(agency=AgencyFactory(jurisdiction=world.hn, name="Agencia Lenca"))
    client.force_login(world.users[role.value])
    listing = client.get(reverse("registry_orgs:agency_list"))
    detail = client.get(reverse("registry_orgs:agency_detail", args=[licence.agency_id]))
    if role in VIEWERS:
        assert listing.status_code == 200 and licence.number in listing.content.decode()
        assert detail.status_code == 200
    else:
        assert (listing.status_code, detail.status_code) == (404, 404)


def test_the_outsider_sees_nothing_of_honduras(client, world):
    employer = EmployerFactory(jurisdiction=world.hn, name="Bananera Atlántida S.A.")
    licence = LicenceFactory(agency=AgencyFactory(jurisdiction=world.hn, name="Agencia Lenca"))
    EmployerFactory(jurisdiction=world.cr, name="Piñera Tica S.A.")
    client.force_login(world.outsider)
    page = client.get(reverse("registry_orgs:employer_list")).content.decode()
    assert "Piñera Tica S.A." in page and "Bananera" not in page
    assert "Agencia Lenca" not in client.get(reverse("registry_orgs:agency_list")).content.decode()
    for url in (
        reverse("registry_orgs:employer_detail", args=[employer.pk]),
        reverse("registry_orgs:agency_detail", args=[licence.agency_id]),
    ):
        assert client.get(url).status_code == 404
    decide = client.post(
        reverse("registry_orgs:employer_decide", args=[employer.pk]), {"to": "verified"}
    )
    move = client.post(
        reverse("registry_orgs:licence_move", args=[licence.pk]),
        {"to": "suspended", "reason": "r"},
    )
    assert (decide.status_code, move.status_code) == (404, 404)
    assert (
        not AuditEvent.objects.exclude(verb=AuditVerb.LOGIN).filter(actor=world.outsider).exists()
    )


def test_anonymous_visitors_are_sent_to_sign_in(client, world):
    assert client.get(reverse("registry_orgs:employer_list")).status_code == 302
    assert client.get(reverse("registry_orgs:agency_list")).status_code == 302


def test_the_employer_list_filters_by_state_and_name_ignoring_case(client, world):
    EmployerFactory(jurisdiction=world.hn, name="Café Copán", verification_state="verified")
    EmployerFactory(jurisdiction=world.hn, name="Café Marcala")
    client.force_login(world.users["official"])
    page = client.get(
        reverse("registry_orgs:employer_list"), {"name": "café", "state": "pending"}
    ).content.decode()
    assert "Café Marcala" in page and "Café Copán" not in page


# --- verification through the page ------------------------------------------------------------


def test_an_official_verifies_and_rejects_from_the_employer_page(client, world):
    employer = EmployerFactory(jurisdiction=world.hn)
    client.force_login(world.users["official"])
    url = reverse("registry_orgs:employer_detail", args=[employer.pk])
    page = client.get(url, **EN).content.decode()
    assert 'name="to" value="verified"' in page and 'name="to" value="rejected"' in page
    assert '<label for="id_reason">' in page
    refused = client.post(
        reverse("registry_orgs:employer_decide", args=[employer.pk]),
        {"to": "rejected", "reason": "", "expected_state": "pending"},
        **EN,
    )
    assert refused.status_code == 400
    assert "Give the reason for this decision." in refused.content.decode()
    done = client.post(
        reverse("registry_orgs:employer_decide", args=[employer.pk]),
        {"to": "verified", "expected_state": "pending"},
    )
    assert done.status_code == 302
    employer.refresh_from_db()
    assert employer.verification_state == VerificationState.VERIFIED
    assert AuditEvent.objects.filter(verb=AuditVerb.EMPLOYER_VERIFIED).count() == 1
    history = client.get(url, HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "Historial" in history and "En espera de verificación → <strong>Verificado" in history


def test_a_caseworker_sees_the_employer_but_no_decision_buttons(client, world):
    employer = EmployerFactory(jurisdiction=world.hn)
    client.force_login(world.users["caseworker"])
    page = client.get(reverse("registry_orgs:employer_detail", args=[employer.pk])).content
    assert b'name="to"' not in page


# --- licences through the page ----------------------------------------------------------------


def test_the_agency_page_shows_the_timeline_and_the_moves_the_domain_allows(client, world):
    licence = LicenceFactory(agency=AgencyFactory(jurisdiction=world.hn), state=L.SUSPENDED)
    LicenceEventFactory(licence=licence, reason="Cobros indebidos a trabajadores")
    client.force_login(world.users["official"])
    page = client.get(reverse("registry_orgs:agency_detail", args=[licence.agency_id]), **EN)
    html = page.content.decode()
    assert "Cobros indebidos a trabajadores" in html
    buttons = [
        m
        for m in ("valid", "suspended", "cancelled", "delisted")
        if f'name="to" value="{m}"' in html
    ]
    assert buttons == ["valid", "cancelled", "delisted"]
    assert f'<label for="reason-{licence.pk}">' in html


def test_a_move_from_the_page_and_a_stale_one(client, world):
    licence = LicenceFactory(agency=AgencyFactory(jurisdiction=world.hn), state=L.VALID)
    url = reverse("registry_orgs:licence_move", args=[licence.pk])
    client.force_login(world.users["official"])
    first = client.post(url, {"to": "suspended", "reason": "Denuncia", "expected_state": "valid"})
    assert first.status_code == 302
    client.force_login(world.users["admin"])
    second = client.post(
        url, {"to": "cancelled", "reason": "Otra", "expected_state": "valid"}, **EN
    )
    assert second.status_code == 400
    assert "Someone changed this record while you were looking at it" in second.content.decode()
    licence.refresh_from_db()
    assert licence.state == L.SUSPENDED


def test_an_official_registers_an_agency_from_the_page(client, world):
    client.force_login(world.users["official"])
    url = reverse("registry_orgs:agency_register")
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "jurisdiction": world.hn.pk,
            "name": "Oportunidades Honestas S.A.",
            "country": "HN",
            "tax_id": "0801200000001",
            "city": "Tegucigalpa",
            "number": "HN-STSS-AG-2026-0042",
            "destination_countries": "ca, es",
            "sectors": ["agriculture", "hospitality"],
        },
    )
    agency = Organisation.objects.get(name="Oportunidades Honestas S.A.")
    assert response.status_code == 302
    assert response["Location"] == reverse("registry_orgs:agency_detail", args=[agency.pk])
    licence = agency.licences.get()
    assert (licence.state, licence.destination_countries) == (L.APPLIED, ["CA", "ES"])
    bad = client.post(url, {"jurisdiction": world.hn.pk, "destination_countries": "CA, XX"}, **EN)
    assert bad.status_code == 400 and "Unknown country codes: XX." in bad.content.decode()


@pytest.mark.parametrize("role", ["caseworker", "agency_staff", "auditor"])
def test_only_licence_managers_register_agencies(client, world, role):
    client.force_login(world.users[role])
    assert client.get(reverse("registry_orgs:agency_register")).status_code == 404


# --- employer self-registration ---------------------------------------------------------------


def registration(**overrides):
    data = {
        "name": "Hortalizas de Comayagua S.A.",
        "country": "HN",
        "tax_id": "03019000111222",
        "sector": "agriculture",
        "city": "Comayagua",
        "establishment_name": "Finca El Rosario",
        "subdivision": "HN-CM",
        "municipality": "Comayagua",
        "address": "Km 5 carretera a La Paz",
        "workers_capacity": "120",
        "first_name": "Gloria",
        "last_name": "Pineda",
        "email": "gloria@example.org",
        "username": "gloria.pineda",
        "password1": "Huerta-segura-2026",
        "password2": "Huerta-segura-2026",
    }
    data.update(overrides)
    return data


def test_an_employer_registers_itself_and_lands_on_its_organisation_page(client, world):
    url = reverse("registry_orgs:employer_register")
    form = client.get(url, **EN)
    assert form.status_code == 200
    html = form.content.decode()
    for field in ("id_name", "id_country", "id_tax_id", "id_establishment_name", "id_password1"):
        assert f'for="{field}"' in html
    response = client.post(url, registration(), **EN)
    assert response.status_code == 302 and response["Location"] == reverse("core:my_organisation")
    employer = Organisation.objects.get(tax_id="03019000111222")
    assert employer.jurisdiction == world.hn
    assert employer.verification_state == VerificationState.PENDING
    site = employer.establishments.get()
    assert (site.subdivision, site.workers_capacity) == ("HN-CM", 120)
    page = client.get(reverse("core:my_organisation"), **EN).content.decode()
    assert "Waiting for verification" in page and "Finca El Rosario" in page
    assert User.objects.get(username="gloria.pineda").memberships.get().organisation == employer


def test_an_employer_of_a_country_without_authority_chooses_the_programme(client, world):
    url = reverse("registry_orgs:employer_register")
    asked = client.post(url, registration(country="DE", subdivision=""), **EN)
    assert asked.status_code == 400
    assert "choose the authority or programme you hire through" in asked.content.decode()
    assert not Organisation.objects.filter(tax_id="03019000111222").exists()
    done = client.post(url, registration(country="DE", subdivision="", jurisdiction=world.cr.pk))
    assert done.status_code == 302
    assert Organisation.objects.get(tax_id="03019000111222").jurisdiction == world.cr


def test_a_country_with_several_authorities_must_say_which(client, world):
    JurisdictionFactory(code="CR-DGME", country="CR")
    url = reverse("registry_orgs:employer_register")
    asked = client.post(url, registration(country="CR", subdivision=""), **EN)
    assert "Your country has several authorities" in asked.content.decode()
    done = client.post(url, registration(country="CR", subdivision="", jurisdiction=world.cr.pk))
    assert done.status_code == 302


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"password2": "otra-cosa-2026"}, "The two passwords differ."),
        ({"password1": "123", "password2": "123"}, "This password is too short."),
        ({"username": "official.hn"}, "This user name is taken."),
    ],
)
def test_bad_registrations_are_answered_next_to_the_field(client, world, overrides, message):
    response = client.post(
        reverse("registry_orgs:employer_register"), registration(**overrides), **EN
    )
    assert response.status_code == 400 and message in response.content.decode()
    assert not Organisation.objects.filter(tax_id="03019000111222").exists()


def test_registration_is_rate_limited(client, world, monkeypatch):
    monkeypatch.setattr(views, "REGISTRATION_RATE", "2/h")
    url = reverse("registry_orgs:employer_register")
    for _ in range(2):
        assert client.post(url, {}).status_code == 400
    assert client.post(url, {}).status_code == 429


# --- establishments ---------------------------------------------------------------------------


def test_employer_staff_edit_an_establishment_and_a_stale_form_is_refused(client, world):
    employer = world.users["employer_staff"].memberships.get().organisation
    site = EstablishmentFactory(organisation=employer, name="Empacadora 1")
    client.force_login(world.users["employer_staff"])
    url = reverse("registry_orgs:establishment_edit", args=[site.pk])
    form = client.get(url).context["form"]
    version = form.initial["version"]
    data = {"establishment_name": "Empacadora Norte", "municipality": "Choloma", "version": version}
    assert client.post(url, data).status_code == 302
    stale = client.post(url, {**data, "establishment_name": "Pisada"}, **EN)
    assert stale.status_code == 400
    assert "Someone else changed this establishment" in stale.content.decode()
    site.refresh_from_db()
    assert site.name == "Empacadora Norte"


def test_employer_staff_add_an_establishment(client, world):
    employer = world.users["employer_staff"].memberships.get().organisation
    client.force_login(world.users["employer_staff"])
    url = reverse("registry_orgs:establishment_add", args=[employer.pk])
    assert client.get(url).status_code == 200
    response = client.post(
        url, {"establishment_name": "Invernadero 3", "municipality": "Siguatepeque"}
    )
    assert response.status_code == 302
    assert employer.establishments.filter(name="Invernadero 3").exists()


@pytest.mark.parametrize("role", ["official", "agency_staff", "caseworker"])
def test_others_cannot_open_the_establishment_forms(client, world, role):
    employer = world.users["employer_staff"].memberships.get().organisation
    site = EstablishmentFactory(organisation=employer)
    client.force_login(world.users[role])
    assert (
        client.get(reverse("registry_orgs:establishment_edit", args=[site.pk])).status_code == 404
    )
    add = reverse("registry_orgs:establishment_add", args=[employer.pk])
    assert client.get(add).status_code == 404


def test_agency_staff_see_their_licence_on_their_organisation_page(client, world):
    agency = world.users["agency_staff"].memberships.get().organisation
    LicenceFactory(agency=agency, number="HN-STSS-AG-2025-0077", state=L.VALID)
    client.force_login(world.users["agency_staff"])
    page = client.get(reverse("core:my_organisation"), **EN).content.decode()
    assert "HN-STSS-AG-2025-0077" in page
    assert reverse("registry_orgs:agency_verify_detail", args=["HN-STSS-AG-2025-0077"]) in page


# --- public verification ----------------------------------------------------------------------


@pytest.fixture
def suspended(world):
    agency = AgencyFactory(jurisdiction=world.hn, name="Colocaciones Rápidas del Norte S. de R.L.")
    licence = LicenceFactory(
        agency=agency,
        number="HN-STSS-AG-2022-0009",
        state=L.VALID,
        destination_countries=["MX", "CA"],
    )
    services.licence_move(
        licence_id=licence.pk,
        to=L.SUSPENDED,
        reason="Cobro de tarifas a trabajadores (expediente 2025-113)",
        actor=world.users["official"],
    )
    return licence


def test_the_public_page_shows_a_suspended_agency_with_its_sanction_and_the_check_time(
    client, suspended
):
    search = client.get(reverse("registry_orgs:agency_verify"), {"q": "colocaciones RAPIDAS"}, **EN)
    html = search.content.decode()
    assert search.status_code == 200 and "Colocaciones Rápidas del Norte" in html
    assert "Licence suspended" in html and "Checked on" in html
    detail = client.get(
        reverse("registry_orgs:agency_verify_detail", args=["hn-stss-ag-2022-0009"]), **EN
    )
    html = detail.content.decode()
    assert detail.status_code == 200
    assert "Licence suspended" in html and "This agency may not recruit workers" in html
    assert "Cobro de tarifas a trabajadores (expediente 2025-113)" in html
    assert "Checked on" in html and "Mexico" in html and "Canada" in html
    # The official who decided is not named to the public.
    assert "Lourdes" not in html


def test_the_public_page_says_a_valid_agency_is_licensed(client, world):
    LicenceFactory(
        agency=AgencyFactory(jurisdiction=world.hn, name="Empleo Ético S.A."),
        number="HN-STSS-AG-2024-0017",
    )
    html = client.get(
        reverse("registry_orgs:agency_verify_detail", args=["HN-STSS-AG-2024-0017"]), **EN
    ).content.decode()
    assert "This agency holds a licence in force." in html and "No sanctions recorded." in html


def test_an_expired_licence_is_not_shown_as_licensed(client, world):
    LicenceFactory(
        agency=AgencyFactory(jurisdiction=world.hn),
        number="HN-OLD-1",
        valid_to=timezone.localdate() - timedelta(days=1),
    )
    html = client.get(
        reverse("registry_orgs:agency_verify_detail", args=["HN-OLD-1"]), **EN
    ).content.decode()
    assert "Licence expired" in html and "This agency may not recruit workers" in html


def test_applications_are_not_public(client, world):
    LicenceFactory(
        agency=AgencyFactory(jurisdiction=world.hn, name="Solicitante Nueva"),
        number="HN-STSS-AG-2026-0500",
        state=L.APPLIED,
    )
    html = client.get(reverse("registry_orgs:agency_verify"), {"q": "solicitante"}, **EN)
    assert "Solicitante Nueva" not in html.content.decode()
    detail = reverse("registry_orgs:agency_verify_detail", args=["HN-STSS-AG-2026-0500"])
    assert client.get(detail).status_code == 404


def test_the_public_page_is_rate_limited_with_a_bilingual_answer(client, world, monkeypatch):
    monkeypatch.setattr(ratelimit, "PUBLIC_PAGE_RATE", "3/m")
    url = reverse("registry_orgs:agency_verify")
    for _ in range(3):
        assert client.get(url, {"q": "x"}).status_code == 200
    limited = client.get(url, {"q": "x"})
    assert limited.status_code == 429 and limited["Retry-After"] == "60"
    html = limited.content.decode()
    assert "Too many requests" in html
    assert 'lang="es"' in html and 'lang="en"' in html


@pytest.mark.parametrize("state", [VerificationState.VERIFIED, VerificationState.REJECTED])
def test_a_decided_employer_without_a_recorded_decider_still_shows(client, world, state):
    """Records decided before Vínculo (an import, a migration, the demo) have a date and no
    decider: the page says when, and never fails on the missing person."""
    employer = EmployerFactory(
        jurisdiction=world.hn,
        verification_state=state,
        verified_at=timezone.now() - timedelta(days=3),
        verified_by=None,
    )
    client.force_login(world.users[Role.OFFICIAL.value])
    page = client.get(reverse("registry_orgs:employer_detail", args=[employer.pk]), **EN)
    assert page.status_code == 200
    assert "Decided on" in page.content.decode()


def test_the_public_search_reads_as_many_queries_for_one_sanctioned_agency_as_for_four(
    client, world, suspended
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries() -> tuple[int, str]:
        with CaptureQueriesContext(connection) as captured:
            html = client.get(reverse("registry_orgs:agency_verify"), {"q": "colocaciones"}, **EN)
        return len(captured.captured_queries), html.content.decode()

    one, html = queries()
    assert html.count("Licence suspended") == 1
    for i in range(3):
        licence = LicenceFactory(
            agency=AgencyFactory(jurisdiction=world.hn, name=f"Colocaciones {i} S.A."),
            number=f"HN-STSS-AG-2023-00{i}",
            state=L.VALID,
        )
        services.licence_move(
            licence_id=licence.pk, to=L.SUSPENDED, reason="Cobro", actor=world.users["official"]
        )
    four, html = queries()
    assert html.count("Licence suspended") == 4
    assert four == one
