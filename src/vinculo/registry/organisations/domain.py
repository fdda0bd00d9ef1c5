"""Rules of employers and recruitment agencies, in plain Python: the two lifecycles (employer
verification, agency licence), what the public may learn about a licence, and the check the
job-order work relies on ("a job order from an unverified employer cannot be published").

No ORM here: services lock and write, selectors read, and both ask these tables what is allowed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.utils.translation import gettext_lazy as _

from vinculo.core.audit import AuditVerb
from vinculo.core.errors import Conflict
from vinculo.core.models import OrganisationKind, VerificationState
from vinculo.core.permissions import Perm
from vinculo.registry.models import LicenceState

EMPLOYER_KINDS = frozenset({OrganisationKind.EMPLOYER, OrganisationKind.EMPLOYER_ASSOCIATION})

# Sectors shared by employers and licences. Stored as codes; an unknown code (from an import or an
# older record) is shown as it is rather than refused.
SECTORS = [
    ("agriculture", _("Agriculture")),
    ("food_processing", _("Food processing")),
    ("fishing", _("Fishing and aquaculture")),
    ("manufacturing", _("Manufacturing")),
    ("maquila", _("Maquila (export assembly)")),
    ("construction", _("Construction")),
    ("hospitality", _("Hotels, restaurants and tourism")),
    ("care", _("Care and health")),
    ("domestic_work", _("Domestic work")),
    ("transport", _("Transport and logistics")),
    ("services", _("Services")),
    ("other", _("Other")),
]


def sector_label(code: str) -> str:
    return str(dict(SECTORS).get(code, code))


def employer_is_verified(organisation: Any) -> bool:
    """True only for an employer (or employer association) an official has verified. The job-order
    work calls this before publishing: anything else, including an agency, is "not verified"."""
    return (
        organisation.kind in EMPLOYER_KINDS
        and organisation.verification_state == VerificationState.VERIFIED
    )


EMPLOYER_NOT_VERIFIED = _("This employer has not been verified by the authority yet.")


def employer_ensure_verified(organisation: Any) -> None:
    """Raise a coded Conflict unless `employer_is_verified(organisation)`."""
    if not employer_is_verified(organisation):
        raise Conflict(EMPLOYER_NOT_VERIFIED, code="employer_not_verified")


# --- lifecycles -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Move:
    """One allowed change of state: the permission it needs (in the record's jurisdiction), the
    audit verb it writes, whether a reason is compulsory, and the label of its button."""

    permission: str
    verb: str
    label: Any
    needs_reason: bool = True


V = VerificationState
EMPLOYER_VERIFICATION_MOVES: dict[tuple[str, str], Move] = {
    (V.PENDING, V.VERIFIED): Move(
        Perm.VERIFY_EMPLOYERS, AuditVerb.EMPLOYER_VERIFIED, _("Verify"), needs_reason=False
    ),
    (V.PENDING, V.REJECTED): Move(Perm.VERIFY_EMPLOYERS, AuditVerb.EMPLOYER_REJECTED, _("Reject")),
    # The employer corrected what was wrong and the authority looked again.
    (V.REJECTED, V.VERIFIED): Move(
        Perm.VERIFY_EMPLOYERS, AuditVerb.EMPLOYER_VERIFIED, _("Verify"), needs_reason=False
    ),
    # Verification withdrawn, e.g. the employer was found to have given false information.
    (V.VERIFIED, V.REJECTED): Move(
        Perm.VERIFY_EMPLOYERS, AuditVerb.EMPLOYER_REJECTED, _("Withdraw verification")
    ),
}

L = LicenceState
# Every licence change is a decision of the authority and carries its reason (for a grant: the
# resolution or file it rests on); the public verification page shows the reasons of sanctions.
LICENCE_MOVES: dict[tuple[str, str], Move] = {
    (L.APPLIED, L.VALID): Move(Perm.MANAGE_LICENCES, AuditVerb.LICENCE_GRANTED, _("Grant")),
    (L.VALID, L.SUSPENDED): Move(Perm.MANAGE_LICENCES, AuditVerb.LICENCE_SUSPENDED, _("Suspend")),
    (L.SUSPENDED, L.VALID): Move(
        Perm.MANAGE_LICENCES, AuditVerb.LICENCE_REINSTATED, _("Reinstate")
    ),
    (L.VALID, L.CANCELLED): Move(Perm.MANAGE_LICENCES, AuditVerb.LICENCE_CANCELLED, _("Cancel")),
    (L.SUSPENDED, L.CANCELLED): Move(
        Perm.MANAGE_LICENCES, AuditVerb.LICENCE_CANCELLED, _("Cancel")
    ),
    (L.VALID, L.DELISTED): Move(Perm.MANAGE_LICENCES, AuditVerb.LICENCE_DELISTED, _("Delist")),
    (L.SUSPENDED, L.DELISTED): Move(Perm.MANAGE_LICENCES, AuditVerb.LICENCE_DELISTED, _("Delist")),
}

# What the public may see: an application is not yet a decision of the authority.
PUBLIC_LICENCE_STATES = frozenset({L.VALID, L.SUSPENDED, L.CANCELLED, L.DELISTED})
# The moves the public verification page lists as sanctions of the agency.
SANCTION_STATES = frozenset({L.SUSPENDED, L.CANCELLED, L.DELISTED})


def moves_from(table: dict[tuple[str, str], Move], state: str) -> dict[str, Move]:
    """The moves out of `state`, as {target state: move}, in the table's order."""
    return {to: move for (frm, to), move in table.items() if frm == state}


MOVE_NOT_ALLOWED = _("This change is not possible from the current state.")
STATE_CHANGED = _("Someone changed this record while you were looking at it. Review it again.")


def move_for(
    table: dict[tuple[str, str], Move],
    *,
    current: str,
    to: str,
    expected: str | None,
    code_prefix: str,
) -> Move:
    """The move from `current` to `to`, or a coded Conflict.

    `expected` is the state the actor saw when deciding; if the record moved since (another
    official acted first), the decision is refused rather than applied to a state nobody saw.
    """
    if expected and expected != current:
        raise Conflict(
            STATE_CHANGED,
            code=f"{code_prefix}_state_changed",
            details={"current": current, "expected": expected},
        )
    move = table.get((current, to))
    if move is None:
        raise Conflict(
            MOVE_NOT_ALLOWED,
            code=f"{code_prefix}_move_not_allowed",
            field="to",
            details={"current": current, "to": to},
        )
    return move


# --- public status ----------------------------------------------------------------------------


class PublicStatus:
    LICENSED = "licensed"
    NOT_YET_VALID = "not_yet_valid"
    EXPIRED = "expired"
    SUSPENDED = "suspended"
    CANCELLED = "cancelled"
    DELISTED = "delisted"


PUBLIC_STATUS_LABELS = {
    PublicStatus.LICENSED: _("Licensed"),
    PublicStatus.NOT_YET_VALID: _("Licence not yet in force"),
    PublicStatus.EXPIRED: _("Licence expired"),
    PublicStatus.SUSPENDED: _("Licence suspended"),
    PublicStatus.CANCELLED: _("Licence cancelled"),
    PublicStatus.DELISTED: _("Delisted"),
}


def licence_public_status(
    *, state: str, valid_from: date | None, valid_to: date | None, today: date
) -> str:
    """What a worker needs to know: may this agency recruit today? A valid licence outside its
    period of validity does not license anyone."""
    if state == L.VALID:
        if valid_from and today < valid_from:
            return PublicStatus.NOT_YET_VALID
        if valid_to and today > valid_to:
            return PublicStatus.EXPIRED
        return PublicStatus.LICENSED
    return {
        L.SUSPENDED: PublicStatus.SUSPENDED,
        L.CANCELLED: PublicStatus.CANCELLED,
        L.DELISTED: PublicStatus.DELISTED,
    }[state]
