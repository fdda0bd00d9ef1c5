"""The one lifecycle mechanism (core.lifecycle), on a lifecycle of its own made for the test and
on the licences that use it: a move is all of it (state, event row, audit event) or none of it,
a record that moved since the actor saw it is refused, the permission is checked in the record's
jurisdiction, sides let the parties to a record move it, and guards refuse with their reason."""

from __future__ import annotations

import pytest

from tests.factories import MembershipFactory, UserFactory
from tests.registry.organisations.factories import AgencyFactory, LicenceFactory
from vinculo.core.audit import AuditVerb
from vinculo.core.errors import Conflict, NotAllowed, ValidationFailed
from vinculo.core.lifecycle import Lifecycle, Move, transition
from vinculo.core.models import AuditEvent
from vinculo.core.permissions import Perm, Role
from vinculo.registry.models import AgencyLicence, LicenceEvent, LicenceState
from vinculo.registry.organisations.domain import LICENCE

pytestmark = pytest.mark.django_db
L = LicenceState


def _licence(world, state=L.VALID):
    return LicenceFactory(agency=AgencyFactory(jurisdiction=world.hn), state=state)


def test_a_move_writes_the_state_its_event_and_its_audit_together(world):
    licence = _licence(world)
    official = world.users["official"]
    moved = transition(
        LICENCE, pk=licence.pk, to=L.SUSPENDED, actor=official, reason="Cobró tarifas"
    )
    assert moved.state == L.SUSPENDED
    event = LicenceEvent.objects.get(licence=licence)
    assert (event.from_state, event.to_state, event.reason, event.actor) == (
        L.VALID,
        L.SUSPENDED,
        "Cobró tarifas",
        official,
    )
    audit = AuditEvent.objects.get(verb=AuditVerb.LICENCE_SUSPENDED)
    assert audit.before == {"state": L.VALID} and audit.after == {"state": L.SUSPENDED}
    assert audit.reason == "Cobró tarifas" and audit.jurisdiction == world.hn


def test_a_refused_move_writes_nothing(world):
    licence = _licence(world)
    official = world.users["official"]
    with pytest.raises(ValidationFailed) as no_reason:
        transition(LICENCE, pk=licence.pk, to=L.SUSPENDED, actor=official, reason="  ")
    assert (no_reason.value.code, no_reason.value.field) == ("reason_required", "reason")
    with pytest.raises(Conflict) as not_a_move:
        transition(LICENCE, pk=licence.pk, to=L.APPLIED, actor=official, reason="x")
    assert not_a_move.value.code == "licence_move_not_allowed"
    with pytest.raises(Conflict) as seen_before:
        transition(
            LICENCE, pk=licence.pk, to=L.CANCELLED, actor=official, reason="x", expected=L.SUSPENDED
        )
    assert seen_before.value.code == "licence_state_changed"

    def refuse(record):
        raise Conflict("no", code="guarded")

    with pytest.raises(Conflict) as guarded:
        transition(LICENCE, pk=licence.pk, to=L.SUSPENDED, actor=official, reason="x", guard=refuse)
    assert guarded.value.code == "guarded"

    def half_written(record, move, reason, now):  # a change that fails after the state is set
        raise ValidationFailed("later", code="later")

    with pytest.raises(ValidationFailed):
        transition(
            LICENCE,
            pk=licence.pk,
            to=L.SUSPENDED,
            actor=official,
            reason="x",
            changes=half_written,
        )
    assert AgencyLicence.objects.get(pk=licence.pk).state == L.VALID
    assert not LicenceEvent.objects.exists()
    assert not AuditEvent.objects.filter(verb=AuditVerb.LICENCE_SUSPENDED).exists()


def test_the_permission_is_held_in_the_records_jurisdiction(world):
    licence = _licence(world)
    # An official of Costa Rica who is a caseworker in Honduras: no licence power there.
    dual = UserFactory(username="dual")
    MembershipFactory(user=dual, role=Role.OFFICIAL, jurisdiction=world.cr)
    MembershipFactory(user=dual, role=Role.CASEWORKER, jurisdiction=world.hn)
    assert LICENCE.available(actor=dual, record=licence) == {}
    with pytest.raises(NotAllowed):
        transition(LICENCE, pk=licence.pk, to=L.SUSPENDED, actor=dual, reason="x")
    official = world.users["official"]
    assert list(LICENCE.available(actor=official, record=licence)) == [
        L.SUSPENDED,
        L.CANCELLED,
        L.DELISTED,
    ]


def test_a_side_of_the_record_may_make_the_moves_the_table_gives_it(world):
    """A lifecycle whose records the agency's own staff may move, alongside the authority."""
    licence = _licence(world, state=L.APPLIED)
    staff = UserFactory(username="staff")
    MembershipFactory(user=staff, role=Role.AGENCY_STAFF, organisation=licence.agency)

    def sides(actor, record):
        own = actor.memberships.filter(organisation=record.agency).exists()
        return frozenset({"agency"}) if own else frozenset()

    withdrawable = Lifecycle(
        AgencyLicence,
        {
            (L.APPLIED, L.CANCELLED): Move(
                "Withdraw",
                AuditVerb.LICENCE_CANCELLED,
                Perm.MANAGE_LICENCES,
                sides=frozenset({"agency"}),
            ),
            (L.APPLIED, L.VALID): Move("Grant", AuditVerb.LICENCE_GRANTED, Perm.MANAGE_LICENCES),
        },
        "licence",
        events=LicenceEvent,
        subject="licence",
        sides=sides,
    )
    assert list(withdrawable.available(actor=staff, record=licence)) == [L.CANCELLED]
    with pytest.raises(NotAllowed):
        transition(withdrawable, pk=licence.pk, to=L.VALID, actor=staff)
    transition(withdrawable, pk=licence.pk, to=L.CANCELLED, actor=staff)
    assert AgencyLicence.objects.get(pk=licence.pk).state == L.CANCELLED
    assert LicenceEvent.objects.get(licence=licence).actor == staff
