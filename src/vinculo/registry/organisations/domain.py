"""Rules of employers and recruitment agencies, in plain Python: the two lifecycles (employer
verification, agency licence), what the public may learn about a licence, and the check the
job-order work relies on ("a job order from an unverified employer cannot be published").

No queries here: services move records with `core.lifecycle.transition` and selectors list the
moves an actor may make, both from these tables.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.utils.translation import gettext_lazy as _

from vinculo.core.audit import AuditVerb
from vinculo.core.errors import Conflict
from vinculo.core.lifecycle import Lifecycle, Move
from vinculo.core.models import Organisation, OrganisationKind, VerificationState
from vinculo.core.permissions import Perm
from vinculo.registry.models import AgencyLicence, LicenceEvent, LicenceState, VerificationEvent

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


V = VerificationState
_VERIFY = Perm.VERIFY_EMPLOYERS
EMPLOYER_VERIFICATION_MOVES: dict[tuple[str, str], Move] = {
    (V.PENDING, V.VERIFIED): Move(_("Verify"), AuditVerb.EMPLOYER_VERIFIED, _VERIFY),
    (V.PENDING, V.REJECTED): Move(
        _("Reject"), AuditVerb.EMPLOYER_REJECTED, _VERIFY, needs_reason=True
    ),
    # The employer corrected what was wrong and the authority looked again.
    (V.REJECTED, V.VERIFIED): Move(_("Verify"), AuditVerb.EMPLOYER_VERIFIED, _VERIFY),
    # Verification withdrawn, e.g. the employer was found to have given false information.
    (V.VERIFIED, V.REJECTED): Move(
        _("Withdraw verification"), AuditVerb.EMPLOYER_REJECTED, _VERIFY, needs_reason=True
    ),
}
EMPLOYER_VERIFICATION = Lifecycle(
    Organisation,
    EMPLOYER_VERIFICATION_MOVES,
    "verification",
    state_field="verification_state",
    events=VerificationEvent,
    subject="employer",
)

L = LicenceState
_LICENCES = Perm.MANAGE_LICENCES
# Every licence change is a decision of the authority and carries its reason (for a grant: the
# resolution or file it rests on); the public verification page shows the reasons of sanctions.
LICENCE_MOVES: dict[tuple[str, str], Move] = {
    (L.APPLIED, L.VALID): Move(_("Grant"), AuditVerb.LICENCE_GRANTED, _LICENCES, needs_reason=True),
    (L.VALID, L.SUSPENDED): Move(
        _("Suspend"), AuditVerb.LICENCE_SUSPENDED, _LICENCES, needs_reason=True
    ),
    (L.SUSPENDED, L.VALID): Move(
        _("Reinstate"), AuditVerb.LICENCE_REINSTATED, _LICENCES, needs_reason=True
    ),
    (L.VALID, L.CANCELLED): Move(
        _("Cancel"), AuditVerb.LICENCE_CANCELLED, _LICENCES, needs_reason=True
    ),
    (L.SUSPENDED, L.CANCELLED): Move(
        _("Cancel"), AuditVerb.LICENCE_CANCELLED, _LICENCES, needs_reason=True
    ),
    (L.VALID, L.DELISTED): Move(
        _("Delist"), AuditVerb.LICENCE_DELISTED, _LICENCES, needs_reason=True
    ),
    (L.SUSPENDED, L.DELISTED): Move(
        _("Delist"), AuditVerb.LICENCE_DELISTED, _LICENCES, needs_reason=True
    ),
}
LICENCE = Lifecycle(AgencyLicence, LICENCE_MOVES, "licence", events=LicenceEvent, subject="licence")

# What the public may see: an application is not yet a decision of the authority.
PUBLIC_LICENCE_STATES = frozenset({L.VALID, L.SUSPENDED, L.CANCELLED, L.DELISTED})
# The moves the public verification page lists as sanctions of the agency.
SANCTION_STATES = frozenset({L.SUSPENDED, L.CANCELLED, L.DELISTED})


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
