from __future__ import annotations

from datetime import date
from types import SimpleNamespace

import pytest

from vinculo.core.audit import AuditVerb
from vinculo.core.errors import Conflict
from vinculo.core.lifecycle import move_for, moves_from
from vinculo.core.models import OrganisationKind, VerificationState
from vinculo.core.permissions import Perm
from vinculo.registry.models import LicenceState as L
from vinculo.registry.organisations.domain import (
    EMPLOYER_VERIFICATION_MOVES,
    LICENCE_MOVES,
    PUBLIC_LICENCE_STATES,
    employer_ensure_verified,
    employer_is_verified,
    licence_public_status,
)

EXPECTED_LICENCE_MOVES = {
    (L.APPLIED, L.VALID): AuditVerb.LICENCE_GRANTED,
    (L.VALID, L.SUSPENDED): AuditVerb.LICENCE_SUSPENDED,
    (L.SUSPENDED, L.VALID): AuditVerb.LICENCE_REINSTATED,
    (L.VALID, L.CANCELLED): AuditVerb.LICENCE_CANCELLED,
    (L.SUSPENDED, L.CANCELLED): AuditVerb.LICENCE_CANCELLED,
    (L.VALID, L.DELISTED): AuditVerb.LICENCE_DELISTED,
    (L.SUSPENDED, L.DELISTED): AuditVerb.LICENCE_DELISTED,
}


def test_the_licence_table_is_the_documented_lifecycle():
    assert {k: m.verb for k, m in LICENCE_MOVES.items()} == EXPECTED_LICENCE_MOVES
    assert all(m.permission == Perm.MANAGE_LICENCES for m in LICENCE_MOVES.values())
    # Every licence decision must be explained.
    assert all(m.needs_reason for m in LICENCE_MOVES.values())


@pytest.mark.parametrize("frm", list(L))
@pytest.mark.parametrize("to", list(L))
def test_every_pair_of_states_is_allowed_or_refused_with_a_code(frm, to):
    if (frm, to) in EXPECTED_LICENCE_MOVES:
        assert move_for(LICENCE_MOVES, current=frm, to=to, expected=None, code="licence")
    else:
        with pytest.raises(Conflict) as refused:
            move_for(LICENCE_MOVES, current=frm, to=to, expected=None, code="licence")
        assert refused.value.code == "licence_move_not_allowed"


def test_cancelled_and_delisted_are_final():
    assert moves_from(LICENCE_MOVES, L.CANCELLED) == {}
    assert moves_from(LICENCE_MOVES, L.DELISTED) == {}
    assert list(moves_from(LICENCE_MOVES, L.SUSPENDED)) == [L.VALID, L.CANCELLED, L.DELISTED]


def test_a_decision_taken_on_a_state_that_no_longer_holds_is_a_conflict():
    with pytest.raises(Conflict) as refused:
        move_for(
            LICENCE_MOVES,
            current=L.SUSPENDED,
            to=L.CANCELLED,
            expected=L.VALID,
            code="licence",
        )
    assert refused.value.code == "licence_state_changed"
    assert refused.value.details == {"current": L.SUSPENDED, "expected": L.VALID}


def test_rejecting_an_employer_needs_a_reason_and_verifying_does_not():
    V = VerificationState
    assert EMPLOYER_VERIFICATION_MOVES[(V.PENDING, V.REJECTED)].needs_reason
    assert not EMPLOYER_VERIFICATION_MOVES[(V.PENDING, V.VERIFIED)].needs_reason
    assert (V.VERIFIED, V.PENDING) not in EMPLOYER_VERIFICATION_MOVES


@pytest.mark.parametrize(
    ("kind", "state", "verified"),
    [
        (OrganisationKind.EMPLOYER, VerificationState.VERIFIED, True),
        (OrganisationKind.EMPLOYER_ASSOCIATION, VerificationState.VERIFIED, True),
        (OrganisationKind.EMPLOYER, VerificationState.PENDING, False),
        (OrganisationKind.EMPLOYER, VerificationState.REJECTED, False),
        # Only employers are verified: an agency's record defaulting to "verified" proves nothing.
        (OrganisationKind.RECRUITMENT_AGENCY, VerificationState.VERIFIED, False),
    ],
)
def test_only_a_verified_employer_may_publish(kind, state, verified):
    organisation = SimpleNamespace(kind=kind, verification_state=state)
    assert employer_is_verified(organisation) is verified
    if verified:
        employer_ensure_verified(organisation)
    else:
        with pytest.raises(Conflict) as refused:
            employer_ensure_verified(organisation)
        assert refused.value.code == "employer_not_verified"


TODAY = date(2026, 3, 1)


@pytest.mark.parametrize(
    ("state", "valid_from", "valid_to", "status"),
    [
        (L.VALID, date(2025, 1, 1), date(2026, 12, 31), "licensed"),
        (L.VALID, None, None, "licensed"),
        (L.VALID, date(2025, 1, 1), TODAY, "licensed"),
        (L.VALID, date(2025, 1, 1), date(2026, 2, 28), "expired"),
        (L.VALID, date(2026, 3, 2), None, "not_yet_valid"),
        (L.SUSPENDED, date(2025, 1, 1), date(2026, 12, 31), "suspended"),
        (L.CANCELLED, None, None, "cancelled"),
        (L.DELISTED, None, None, "delisted"),
    ],
)
def test_the_public_status_says_whether_the_agency_may_recruit_today(
    state, valid_from, valid_to, status
):
    assert (
        licence_public_status(state=state, valid_from=valid_from, valid_to=valid_to, today=TODAY)
        == status
    )


def test_applications_are_never_public():
    assert L.APPLIED not in PUBLIC_LICENCE_STATES
    assert {L.VALID, L.SUSPENDED, L.CANCELLED, L.DELISTED} == PUBLIC_LICENCE_STATES
