from __future__ import annotations

import pytest
from django.http import Http404

from tests.factories import JurisdictionFactory
from tests.registry.organisations.factories import EmployerFactory, EstablishmentFactory
from vinculo.core.audit import AuditVerb
from vinculo.core.errors import Conflict, NotAllowed, ValidationFailed
from vinculo.core.models import AuditEvent, Organisation, VerificationState
from vinculo.core.permissions import Role
from vinculo.registry.models import Establishment
from vinculo.registry.organisations import selectors, services
from vinculo.registry.organisations.services import AccountData, EstablishmentData

pytestmark = pytest.mark.django_db

V = VerificationState


def register(jurisdiction, **overrides):
    values = {
        "name": "Agrícola del Valle S.A.",
        "country": "HN",
        "tax_id": "08019999000123",
        "sector": "agriculture",
        "city": "La Lima",
        "jurisdiction": jurisdiction,
        "establishment": EstablishmentData(
            name="Finca Santa Rosa",
            subdivision="HN-CR",
            municipality="La Lima",
            workers_capacity=80,
        ),
        "account": AccountData(
            username="rrhh.agricola", password="una-clave-larga-2026", email="rrhh@example.org"
        ),
    }
    values.update(overrides)
    return services.employer_register(**values)


def test_an_employer_registers_itself_pending_with_its_establishment_and_account(world):
    employer = register(world.hn)
    assert employer.kind == "employer" and employer.verification_state == V.PENDING
    assert employer.jurisdiction == world.hn
    [site] = employer.establishments.all()
    assert (site.name, site.country, site.workers_capacity) == ("Finca Santa Rosa", "HN", 80)
    [membership] = employer.memberships.all()
    assert membership.role == Role.EMPLOYER_STAFF and membership.jurisdiction is None
    assert membership.user.check_password("una-clave-larga-2026")
    event = AuditEvent.objects.get(verb=AuditVerb.ORGANISATION_REGISTERED)
    assert event.actor == membership.user and event.object_id == str(employer.pk)
    assert event.jurisdiction == world.hn
    assert event.after["tax_id"] == "08019999000123"
    assert event.after["establishment"]["name"] == "Finca Santa Rosa"
    assert "password" not in str(event.after)


def test_a_tax_id_already_registered_in_the_country_is_refused_and_nothing_is_written(world):
    EmployerFactory(jurisdiction=world.hn, tax_id="08019999000123")
    with pytest.raises(ValidationFailed) as refused:
        register(world.hn)
    assert (refused.value.code, refused.value.field) == ("tax_id_taken", "tax_id")
    assert not Organisation.objects.filter(name="Agrícola del Valle S.A.").exists()


def test_a_taken_user_name_is_refused(world):
    with pytest.raises(ValidationFailed) as refused:
        register(world.hn, account=AccountData(username="OFFICIAL.HN", password="x-long-pass-1"))
    assert (refused.value.code, refused.value.field) == ("username_taken", "username")
    assert not Organisation.objects.filter(tax_id="08019999000123").exists()


def test_an_inactive_authority_is_refused(world):
    closed = JurisdictionFactory(code="XX-OLD", country="HN", is_active=False)
    with pytest.raises(ValidationFailed) as refused:
        register(closed)
    assert refused.value.code == "jurisdiction_inactive"


# --- verification -----------------------------------------------------------------------------


def test_an_official_verifies_an_employer_of_their_jurisdiction(world):
    employer = EmployerFactory(jurisdiction=world.hn)
    official = world.users["official"]
    services.employer_verification_decide(
        organisation_id=employer.pk, to=V.VERIFIED, expected_state=V.PENDING, actor=official
    )
    employer.refresh_from_db()
    assert employer.verification_state == V.VERIFIED
    assert employer.verified_by == official and employer.verified_at is not None
    assert services.employer_is_verified(employer)
    event = AuditEvent.objects.get(verb=AuditVerb.EMPLOYER_VERIFIED)
    assert event.actor == official and event.jurisdiction == world.hn
    assert event.before["verification_state"] == V.PENDING
    assert event.after["verification_state"] == V.VERIFIED


def test_rejection_needs_a_reason_and_records_it(world):
    employer = EmployerFactory(jurisdiction=world.hn)
    official = world.users["official"]
    with pytest.raises(ValidationFailed) as refused:
        services.employer_verification_decide(
            organisation_id=employer.pk, to=V.REJECTED, reason="  ", actor=official
        )
    assert (refused.value.code, refused.value.field) == ("reason_required", "reason")
    assert not AuditEvent.objects.filter(verb=AuditVerb.EMPLOYER_REJECTED).exists()
    services.employer_verification_decide(
        organisation_id=employer.pk, to=V.REJECTED, reason="RTN no corresponde", actor=official
    )
    employer.refresh_from_db()
    assert employer.verification_state == V.REJECTED
    assert employer.verification_note == "RTN no corresponde"
    assert not services.employer_is_verified(employer)
    event = AuditEvent.objects.get(verb=AuditVerb.EMPLOYER_REJECTED)
    assert event.reason == "RTN no corresponde"


def test_each_verification_decision_is_on_the_employers_timeline(world):
    employer = EmployerFactory(jurisdiction=world.hn)
    official = world.users["official"]
    services.employer_verification_decide(
        organisation_id=employer.pk, to=V.REJECTED, reason="RTN no corresponde", actor=official
    )
    services.employer_verification_decide(
        organisation_id=employer.pk, to=V.VERIFIED, expected_state=V.REJECTED, actor=official
    )
    timeline = list(selectors.verification_events(employer))
    assert [(e.from_state, e.to_state) for e in timeline] == [
        (V.REJECTED, V.VERIFIED),
        (V.PENDING, V.REJECTED),
    ]
    assert timeline[1].reason == "RTN no corresponde" and timeline[1].actor == official
    with pytest.raises(Conflict):  # a refused move leaves no line
        services.employer_verification_decide(
            organisation_id=employer.pk, to=V.VERIFIED, expected_state=V.PENDING, actor=official
        )
    assert employer.verification_events.count() == 2


def test_an_employer_of_another_jurisdiction_does_not_exist_for_the_official(world):
    employer = EmployerFactory(jurisdiction=world.hn)
    with pytest.raises(Http404):
        services.employer_verification_decide(
            organisation_id=employer.pk, to=V.VERIFIED, actor=world.outsider
        )
    employer.refresh_from_db()
    assert employer.verification_state == V.PENDING


def test_a_caseworker_sees_the_employer_but_may_not_verify_it(world):
    employer = EmployerFactory(jurisdiction=world.hn)
    with pytest.raises(NotAllowed):
        services.employer_verification_decide(
            organisation_id=employer.pk, to=V.VERIFIED, actor=world.users["caseworker"]
        )


def test_two_officials_deciding_at_once_the_second_gets_a_conflict(world):
    employer = EmployerFactory(jurisdiction=world.hn)
    services.employer_verification_decide(
        organisation_id=employer.pk,
        to=V.VERIFIED,
        expected_state=V.PENDING,
        actor=world.users["official"],
    )
    with pytest.raises(Conflict) as refused:
        services.employer_verification_decide(
            organisation_id=employer.pk,
            to=V.REJECTED,
            reason="No",
            expected_state=V.PENDING,
            actor=world.users["admin"],
        )
    assert refused.value.code == "verification_state_changed"
    employer.refresh_from_db()
    assert employer.verification_state == V.VERIFIED


def test_a_decision_that_is_not_a_move_is_refused(world):
    employer = EmployerFactory(jurisdiction=world.hn, verification_state=V.VERIFIED)
    with pytest.raises(Conflict) as refused:
        services.employer_verification_decide(
            organisation_id=employer.pk, to=V.VERIFIED, actor=world.users["official"]
        )
    assert refused.value.code == "verification_move_not_allowed"


def test_agencies_are_not_employers_to_verify(world):
    from tests.registry.organisations.factories import AgencyFactory

    agency = AgencyFactory(jurisdiction=world.hn)
    with pytest.raises(Http404):
        services.employer_verification_decide(
            organisation_id=agency.pk, to=V.VERIFIED, actor=world.users["official"]
        )


# --- establishments ---------------------------------------------------------------------------


def staff_employer(world):
    return world.users["employer_staff"].memberships.get().organisation


def test_employer_staff_add_an_establishment_to_their_own_organisation(world):
    employer = staff_employer(world)
    site = services.establishment_add(
        organisation_id=employer.pk,
        data=EstablishmentData(name="Planta Choloma", municipality="Choloma"),
        actor=world.users["employer_staff"],
    )
    assert site.organisation == employer and site.country == employer.country
    event = AuditEvent.objects.get(verb=AuditVerb.ORGANISATION_CHANGED)
    assert event.object_id == str(employer.pk) and event.before is None
    assert event.after["establishment"]["name"] == "Planta Choloma"


@pytest.mark.parametrize("role", ["agency_staff", "official", "caseworker", "worker"])
def test_nobody_else_adds_establishments_to_an_employer(world, role):
    employer = staff_employer(world)
    with pytest.raises(Http404):
        services.establishment_add(
            organisation_id=employer.pk,
            data=EstablishmentData(name="Intrusa", municipality="X"),
            actor=world.users[role],
        )
    assert not Establishment.objects.filter(name="Intrusa").exists()


def test_an_establishment_edit_against_a_stale_version_is_refused(world):
    site = EstablishmentFactory(organisation=staff_employer(world), name="Finca Vieja")
    staff = world.users["employer_staff"]
    version = services.establishment_version(site)
    services.establishment_update(
        establishment_id=site.pk,
        data=EstablishmentData(name="Finca Nueva", municipality="Choloma", workers_capacity=40),
        version=version,
        actor=staff,
    )
    # A second edit prepared from the same page (same version) would overwrite the first.
    with pytest.raises(Conflict) as refused:
        services.establishment_update(
            establishment_id=site.pk,
            data=EstablishmentData(name="Otro nombre", municipality="Choloma"),
            version=version,
            actor=staff,
        )
    assert refused.value.code == "establishment_changed"
    site.refresh_from_db()
    assert (site.name, site.workers_capacity) == ("Finca Nueva", 40)
    [event] = AuditEvent.objects.filter(verb=AuditVerb.ORGANISATION_CHANGED)
    assert event.before["establishment"]["name"] == "Finca Vieja"
    assert event.after["establishment"]["name"] == "Finca Nueva"


def test_staff_of_another_employer_cannot_edit_the_establishment(world):
    site = EstablishmentFactory(organisation=EmployerFactory(jurisdiction=world.hn))
    with pytest.raises(Http404):
        services.establishment_update(
            establishment_id=site.pk,
            data=EstablishmentData(name="X", municipality="Y"),
            version=services.establishment_version(site),
            actor=world.users["employer_staff"],
        )
