from __future__ import annotations

from datetime import date

import pytest
from django.http import Http404

from tests.registry.organisations.factories import AgencyFactory, LicenceFactory
from vinculo.core.audit import AuditVerb
from vinculo.core.errors import Conflict, NotAllowed, ValidationFailed
from vinculo.core.models import AuditEvent, Organisation
from vinculo.registry.models import AgencyLicence, LicenceEvent
from vinculo.registry.models import LicenceState as L
from vinculo.registry.organisations import services
from vinculo.registry.organisations.domain import LICENCE_MOVES
from vinculo.registry.organisations.selectors import licence_moves_available
from vinculo.registry.organisations.services import LicenceApplication

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("frm", "to"), list(LICENCE_MOVES))
def test_every_move_of_the_table_writes_the_licence_its_event_and_its_audit_line(world, frm, to):
    licence = LicenceFactory(agency=AgencyFactory(jurisdiction=world.hn), state=frm)
    official = world.users["official"]
    services.licence_move(
        licence_id=licence.pk,
        to=to,
        reason="Inspección 2026-041",
        expected_state=frm,
        actor=official,
    )
    licence.refresh_from_db()
    assert licence.state == to
    [event] = LicenceEvent.objects.filter(licence=licence)
    assert (event.from_state, event.to_state, event.reason, event.actor) == (
        frm,
        to,
        "Inspección 2026-041",
        official,
    )
    [audit] = AuditEvent.objects.filter(object_type="registry.agencylicence")
    assert audit.verb == LICENCE_MOVES[(frm, to)].verb
    assert (audit.before, audit.after) == ({"state": frm}, {"state": to})
    assert audit.reason == "Inspección 2026-041" and audit.jurisdiction == world.hn


ILLEGAL_MOVES = [(frm, to) for frm in L for to in L if (frm, to) not in LICENCE_MOVES]


@pytest.mark.parametrize(("frm", "to"), ILLEGAL_MOVES)
def test_every_move_outside_the_table_is_refused_and_changes_nothing(world, frm, to):
    licence = LicenceFactory(agency=AgencyFactory(jurisdiction=world.hn), state=frm)
    with pytest.raises(Conflict) as refused:
        services.licence_move(
            licence_id=licence.pk, to=to, reason="x", actor=world.users["official"]
        )
    assert refused.value.code == "licence_move_not_allowed"
    licence.refresh_from_db()
    assert licence.state == frm
    assert not LicenceEvent.objects.exists() and not AuditEvent.objects.exists()


def test_granting_starts_the_validity_today_when_none_was_set(world):
    licence = LicenceFactory(
        agency=AgencyFactory(jurisdiction=world.hn), state=L.APPLIED, valid_from=None
    )
    services.licence_move(
        licence_id=licence.pk, to=L.VALID, reason="Resolución 12-2026", actor=world.users["admin"]
    )
    licence.refresh_from_db()
    assert licence.valid_from is not None and licence.state == L.VALID


def test_every_move_needs_a_reason(world):
    licence = LicenceFactory(agency=AgencyFactory(jurisdiction=world.hn))
    with pytest.raises(ValidationFailed) as refused:
        services.licence_move(
            licence_id=licence.pk, to=L.SUSPENDED, reason=" ", actor=world.users["official"]
        )
    assert (refused.value.code, refused.value.field) == ("reason_required", "reason")
    licence.refresh_from_db()
    assert licence.state == L.VALID and not LicenceEvent.objects.exists()


def test_two_officials_moving_the_same_licence_the_second_gets_a_clean_conflict(world):
    licence = LicenceFactory(agency=AgencyFactory(jurisdiction=world.hn), state=L.VALID)
    # Both opened the page while the licence was valid; the first suspends it.
    services.licence_move(
        licence_id=licence.pk,
        to=L.SUSPENDED,
        reason="Denuncia 88",
        expected_state=L.VALID,
        actor=world.users["official"],
    )
    with pytest.raises(Conflict) as refused:
        services.licence_move(
            licence_id=licence.pk,
            to=L.CANCELLED,
            reason="Otra decisión",
            expected_state=L.VALID,
            actor=world.users["admin"],
        )
    assert refused.value.code == "licence_state_changed"
    assert refused.value.status == 409
    licence.refresh_from_db()
    assert licence.state == L.SUSPENDED
    assert LicenceEvent.objects.filter(licence=licence).count() == 1


def test_the_same_move_twice_without_expected_state_is_refused_the_second_time(world):
    licence = LicenceFactory(agency=AgencyFactory(jurisdiction=world.hn), state=L.VALID)
    services.licence_move(
        licence_id=licence.pk, to=L.SUSPENDED, reason="r", actor=world.users["official"]
    )
    with pytest.raises(Conflict) as refused:
        services.licence_move(
            licence_id=licence.pk, to=L.SUSPENDED, reason="r", actor=world.users["admin"]
        )
    assert refused.value.code == "licence_move_not_allowed"
    assert LicenceEvent.objects.filter(licence=licence).count() == 1


def test_an_official_of_another_jurisdiction_cannot_see_nor_move_the_licence(world):
    licence = LicenceFactory(agency=AgencyFactory(jurisdiction=world.hn))
    with pytest.raises(Http404):
        services.licence_move(
            licence_id=licence.pk, to=L.SUSPENDED, reason="r", actor=world.outsider
        )
    licence.refresh_from_db()
    assert licence.state == L.VALID


def test_a_caseworker_sees_the_licence_but_may_not_move_it(world):
    licence = LicenceFactory(agency=AgencyFactory(jurisdiction=world.hn))
    caseworker = world.users["caseworker"]
    assert licence_moves_available(actor=caseworker, licence=licence) == {}
    with pytest.raises(NotAllowed):
        services.licence_move(licence_id=licence.pk, to=L.SUSPENDED, reason="r", actor=caseworker)
    licence.refresh_from_db()
    assert licence.state == L.VALID


@pytest.mark.parametrize("role", ["agency_staff", "employer_staff", "worker", "auditor"])
def test_other_roles_do_not_see_the_licence(world, role):
    licence = LicenceFactory(agency=AgencyFactory(jurisdiction=world.hn))
    with pytest.raises(Http404):
        services.licence_move(
            licence_id=licence.pk, to=L.SUSPENDED, reason="r", actor=world.users[role]
        )


def test_the_moves_available_are_the_table_rows_out_of_the_current_state(world):
    licence = LicenceFactory(agency=AgencyFactory(jurisdiction=world.hn), state=L.SUSPENDED)
    moves = licence_moves_available(actor=world.users["official"], licence=licence)
    assert list(moves) == [L.VALID, L.CANCELLED, L.DELISTED]
    assert licence_moves_available(actor=world.outsider, licence=licence) == {}


# --- agency registration ----------------------------------------------------------------------


def application(**overrides):
    values = {
        "number": "hn-stss-ag-2026-0100",
        "destination_countries": ["ca", "ES"],
        "sectors": ["agriculture"],
        "valid_from": date(2026, 1, 1),
        "valid_to": date(2028, 12, 31),
    }
    values.update(overrides)
    return LicenceApplication(**values)


def test_an_official_registers_an_agency_with_its_application(world):
    licence = services.agency_register(
        jurisdiction_id=world.hn.pk,
        name="Empleos Justos S.A.",
        country="hn",
        tax_id="08011111",
        city="Tegucigalpa",
        application=application(),
        actor=world.users["official"],
    )
    assert licence.state == L.APPLIED and licence.number == "HN-STSS-AG-2026-0100"
    assert licence.destination_countries == ["CA", "ES"] and licence.jurisdiction == world.hn
    assert licence.agency.kind == "recruitment_agency" and licence.agency.country == "HN"
    verbs = set(AuditEvent.objects.values_list("verb", flat=True))
    assert verbs == {AuditVerb.ORGANISATION_REGISTERED, AuditVerb.LICENCE_APPLIED}


def test_an_official_registers_agencies_only_in_their_jurisdiction(world):
    with pytest.raises(NotAllowed):
        services.agency_register(
            jurisdiction_id=world.hn.pk,
            name="X",
            country="CR",
            tax_id="1",
            city="San José",
            application=application(),
            actor=world.outsider,
        )
    with pytest.raises(NotAllowed):
        services.agency_register(
            jurisdiction_id=world.hn.pk,
            name="X",
            country="HN",
            tax_id="1",
            city="SPS",
            application=application(),
            actor=world.users["caseworker"],
        )
    assert not Organisation.objects.filter(name="X").exists()


@pytest.mark.parametrize(
    ("overrides", "code"),
    [
        ({"number": "HN-STSS-AG-2024-0999"}, "licence_number_taken"),
        ({"destination_countries": ["CA", "QQ"]}, "unknown_country"),
        ({"valid_from": date(2027, 1, 1), "valid_to": date(2026, 1, 1)}, "validity_reversed"),
    ],
)
def test_a_bad_application_is_refused_and_nothing_is_written(world, overrides, code):
    LicenceFactory(agency=AgencyFactory(jurisdiction=world.hn), number="HN-STSS-AG-2024-0999")
    with pytest.raises(ValidationFailed) as refused:
        services.agency_register(
            jurisdiction_id=world.hn.pk,
            name="Nueva",
            country="HN",
            tax_id="0801777",
            city="SPS",
            application=application(**overrides),
            actor=world.users["official"],
        )
    assert refused.value.code == code
    assert AgencyLicence.objects.count() == 1
    assert not Organisation.objects.filter(name="Nueva").exists()
