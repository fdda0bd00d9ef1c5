"""Writes of employers and agencies. Each function is one business action, whole or not at all:
it locks what it changes, checks, writes, and records the audit line in the same transaction."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from vinculo.core.access import user_can_in
from vinculo.core.audit import AuditVerb
from vinculo.core.errors import Conflict, NotAllowed, ValidationFailed
from vinculo.core.models import (
    Jurisdiction,
    Membership,
    Organisation,
    OrganisationKind,
    User,
    VerificationState,
)
from vinculo.core.permissions import Role
from vinculo.core.services import audit_record
from vinculo.reference.countries import is_country
from vinculo.registry.models import AgencyLicence, Establishment, LicenceEvent, LicenceState
from vinculo.registry.organisations.domain import (
    EMPLOYER_VERIFICATION_MOVES,
    LICENCE_MOVES,
    Move,
    move_for,
)

# The job-order work asks these before publishing a job order: rules of the domain, offered here
# too so that callers find every employer operation in one module.
from vinculo.registry.organisations.domain import (
    employer_ensure_verified as employer_ensure_verified,
)
from vinculo.registry.organisations.domain import (
    employer_is_verified as employer_is_verified,
)
from vinculo.registry.organisations.selectors import (
    employer_get,
    licence_get,
    licence_jurisdictions,
    own_employer_get,
    own_establishment_get,
)

TAX_ID_TAKEN = _("An organisation of this country is already registered with this tax ID.")
USERNAME_TAKEN = _("This user name is taken. Choose another one.")
JURISDICTION_INACTIVE = _("Choose an authority that works with Vínculo.")
REASON_REQUIRED = _("Give the reason for this decision.")
MOVE_NOT_PERMITTED = _("You may not make this change.")
ESTABLISHMENT_CHANGED = _(
    "Someone else changed this establishment while you were editing it. Review their change and "
    "make yours again."
)
LICENCE_NUMBER_TAKEN = _("A licence with this number already exists.")
UNKNOWN_COUNTRY = _("Unknown country code: %(code)s.")
VALIDITY_REVERSED = _("The end of validity is before its start.")


# --- shared checks ----------------------------------------------------------------------------


def _ensure_tax_id_free(*, country: str, tax_id: str) -> None:
    if tax_id and Organisation.objects.filter(country=country, tax_id__iexact=tax_id).exists():
        raise ValidationFailed(TAX_ID_TAKEN, code="tax_id_taken", field="tax_id")


def _ensure_countries(codes: list[str], *, field: str) -> list[str]:
    clean = []
    for code in codes:
        code = code.strip().upper()
        if not is_country(code):
            raise ValidationFailed(
                UNKNOWN_COUNTRY % {"code": code}, code="unknown_country", field=field
            )
        if code not in clean:
            clean.append(code)
    return clean


def _reason_for(move: Move, reason: str) -> str:
    reason = (reason or "").strip()
    if move.needs_reason and not reason:
        raise ValidationFailed(REASON_REQUIRED, code="reason_required", field="reason")
    return reason


def _ensure_permitted(*, actor: Any, move: Move, jurisdiction_id: int) -> None:
    """The actor sees the record (else the selector already answered 404) but may not decide."""
    if not user_can_in(actor, move.permission, jurisdiction_id):
        raise NotAllowed(MOVE_NOT_PERMITTED, code="not_allowed")


def _establishment_values(establishment: Establishment) -> dict[str, Any]:
    return {
        "id": establishment.pk,
        "name": establishment.name,
        "country": establishment.country,
        "subdivision": establishment.subdivision,
        "municipality": establishment.municipality,
        "address": establishment.address,
        "workers_capacity": establishment.workers_capacity,
    }


# --- employers --------------------------------------------------------------------------------


@dataclass(frozen=True)
class EstablishmentData:
    name: str
    subdivision: str = ""
    municipality: str = ""
    address: str = ""
    workers_capacity: int | None = None


@dataclass(frozen=True)
class AccountData:
    username: str
    password: str
    email: str = ""
    first_name: str = ""
    last_name: str = ""


@transaction.atomic
def employer_register(
    *,
    name: str,
    country: str,
    tax_id: str,
    sector: str,
    city: str,
    jurisdiction: Jurisdiction,
    establishment: EstablishmentData,
    account: AccountData,
) -> Organisation:
    """An employer registers itself: the organisation (waiting for verification), its first
    establishment, and the account of the person registering it, as employer staff.

    The registrant is the actor of the audit line: there is nobody else to name."""
    country = country.upper()
    tax_id = tax_id.strip()
    if not jurisdiction.is_active:
        raise ValidationFailed(
            JURISDICTION_INACTIVE, code="jurisdiction_inactive", field="jurisdiction"
        )
    _ensure_tax_id_free(country=country, tax_id=tax_id)
    if User.objects.filter(username__iexact=account.username).exists():
        raise ValidationFailed(USERNAME_TAKEN, code="username_taken", field="username")
    try:
        # A savepoint, so that losing a race on the unique constraints answers like the checks
        # above instead of a 500, and leaves nothing half-written.
        with transaction.atomic():
            organisation = Organisation.objects.create(
                kind=OrganisationKind.EMPLOYER,
                name=name.strip(),
                country=country,
                tax_id=tax_id,
                sector=sector,
                city=city.strip(),
                jurisdiction=jurisdiction,
                verification_state=VerificationState.PENDING,
            )
            user = User.objects.create_user(
                username=account.username,
                password=account.password,
                email=account.email,
                first_name=account.first_name,
                last_name=account.last_name,
            )
    except IntegrityError:
        raise ValidationFailed(TAX_ID_TAKEN, code="tax_id_taken", field="tax_id") from None
    Membership.objects.create(user=user, role=Role.EMPLOYER_STAFF, organisation=organisation)
    first = Establishment.objects.create(
        organisation=organisation,
        country=country,
        name=establishment.name.strip(),
        subdivision=establishment.subdivision,
        municipality=establishment.municipality.strip(),
        address=establishment.address.strip(),
        workers_capacity=establishment.workers_capacity,
    )
    audit_record(
        verb=AuditVerb.ORGANISATION_REGISTERED,
        actor=user,
        obj=organisation,
        after={
            "kind": organisation.kind,
            "name": organisation.name,
            "country": country,
            "tax_id": tax_id,
            "sector": sector,
            "jurisdiction": jurisdiction.code,
            "establishment": _establishment_values(first),
            "user": user.username,
        },
    )
    return organisation


@transaction.atomic
def employer_verification_decide(
    *,
    organisation_id: Any,
    to: str,
    reason: str = "",
    expected_state: str | None = None,
    actor: Any,
) -> Organisation:
    """An official verifies an employer, or rejects it with a reason."""
    employer_get(actor=actor, organisation_id=organisation_id)  # 404 unless visible
    organisation = Organisation.objects.select_for_update().get(pk=organisation_id)
    move = move_for(
        EMPLOYER_VERIFICATION_MOVES,
        current=organisation.verification_state,
        to=to,
        expected=expected_state,
        code_prefix="verification",
    )
    _ensure_permitted(actor=actor, move=move, jurisdiction_id=organisation.jurisdiction_id)
    reason = _reason_for(move, reason)
    before = {
        "verification_state": organisation.verification_state,
        "verification_note": organisation.verification_note,
    }
    organisation.verification_state = to
    organisation.verified_at = timezone.now()
    organisation.verified_by = actor
    organisation.verification_note = reason
    organisation.save(
        update_fields=[
            "verification_state",
            "verified_at",
            "verified_by",
            "verification_note",
            "updated_at",
        ]
    )
    audit_record(
        verb=move.verb,
        actor=actor,
        obj=organisation,
        before=before,
        after={"verification_state": to, "verification_note": reason},
        reason=reason,
    )
    return organisation


@transaction.atomic
def establishment_add(
    *, organisation_id: Any, data: EstablishmentData, country: str = "", actor: Any
) -> Establishment:
    """Employer staff add a workplace of their own organisation."""
    organisation = own_employer_get(actor=actor, organisation_id=organisation_id)
    establishment = Establishment.objects.create(
        organisation=organisation,
        country=(country or organisation.country).upper(),
        name=data.name.strip(),
        subdivision=data.subdivision,
        municipality=data.municipality.strip(),
        address=data.address.strip(),
        workers_capacity=data.workers_capacity,
    )
    audit_record(
        verb=AuditVerb.ORGANISATION_CHANGED,
        actor=actor,
        obj=organisation,
        before=None,
        after={"establishment": _establishment_values(establishment)},
    )
    return establishment


def establishment_version(establishment: Establishment) -> str:
    """The token an edit form carries: the moment of the last change it was read at."""
    return establishment.updated_at.isoformat()


@transaction.atomic
def establishment_update(
    *, establishment_id: Any, data: EstablishmentData, version: str, actor: Any
) -> Establishment:
    """Employer staff correct one of their establishments. Optimistic concurrency: the edit was
    prepared against `version`; if the row changed since, it is refused, never overwritten."""
    own_establishment_get(actor=actor, establishment_id=establishment_id)  # 404 unless own
    establishment = Establishment.objects.select_for_update().get(pk=establishment_id)
    if establishment_version(establishment) != version:
        raise Conflict(ESTABLISHMENT_CHANGED, code="establishment_changed")
    before = _establishment_values(establishment)
    establishment.name = data.name.strip()
    establishment.subdivision = data.subdivision
    establishment.municipality = data.municipality.strip()
    establishment.address = data.address.strip()
    establishment.workers_capacity = data.workers_capacity
    establishment.save()
    after = _establishment_values(establishment)
    audit_record(
        verb=AuditVerb.ORGANISATION_CHANGED,
        actor=actor,
        obj=establishment.organisation,
        before={"establishment": before},
        after={"establishment": after},
    )
    return establishment


# --- agencies and licences --------------------------------------------------------------------


@dataclass(frozen=True)
class LicenceApplication:
    number: str
    destination_countries: list[str]
    sectors: list[str]
    valid_from: date | None = None
    valid_to: date | None = None


@transaction.atomic
def agency_register(
    *,
    jurisdiction_id: Any,
    name: str,
    country: str,
    tax_id: str,
    city: str,
    application: LicenceApplication,
    actor: Any,
) -> AgencyLicence:
    """An official registers a recruitment agency with its licence application (state applied),
    in a jurisdiction where they manage licences."""
    jurisdiction = licence_jurisdictions(actor=actor).filter(pk=jurisdiction_id).first()
    if jurisdiction is None:
        raise NotAllowed(MOVE_NOT_PERMITTED, code="not_allowed", field="jurisdiction")
    country = country.upper()
    tax_id = tax_id.strip()
    number = application.number.strip().upper()
    _ensure_tax_id_free(country=country, tax_id=tax_id)
    if AgencyLicence.objects.filter(number__iexact=number).exists():
        raise ValidationFailed(LICENCE_NUMBER_TAKEN, code="licence_number_taken", field="number")
    start, end = application.valid_from, application.valid_to
    if start and end and end < start:
        raise ValidationFailed(VALIDITY_REVERSED, code="validity_reversed", field="valid_to")
    destinations = _ensure_countries(
        application.destination_countries, field="destination_countries"
    )
    try:
        with transaction.atomic():
            agency = Organisation.objects.create(
                kind=OrganisationKind.RECRUITMENT_AGENCY,
                name=name.strip(),
                country=country,
                tax_id=tax_id,
                city=city.strip(),
                jurisdiction=jurisdiction,
            )
            licence = AgencyLicence.objects.create(
                agency=agency,
                jurisdiction=jurisdiction,
                number=number,
                state=LicenceState.APPLIED,
                destination_countries=destinations,
                sectors=list(application.sectors),
                valid_from=application.valid_from,
                valid_to=application.valid_to,
            )
    except IntegrityError:
        raise ValidationFailed(
            LICENCE_NUMBER_TAKEN, code="licence_number_taken", field="number"
        ) from None
    audit_record(
        verb=AuditVerb.ORGANISATION_REGISTERED,
        actor=actor,
        obj=agency,
        after={"kind": agency.kind, "name": agency.name, "country": country, "tax_id": tax_id},
    )
    audit_record(
        verb=AuditVerb.LICENCE_APPLIED,
        actor=actor,
        obj=licence,
        after={
            "number": number,
            "agency": agency.pk,
            "state": licence.state,
            "destination_countries": destinations,
            "sectors": licence.sectors,
        },
    )
    return licence


@transaction.atomic
def licence_move(
    *,
    licence_id: Any,
    to: str,
    reason: str,
    expected_state: str | None = None,
    actor: Any,
) -> AgencyLicence:
    """Move a licence through its lifecycle (see LICENCE_MOVES).

    The row is locked first, so two officials acting at once are served one after the other: the
    second sees the first one's result and, having decided on a state that no longer holds, gets
    a Conflict (`licence_state_changed`, or `licence_move_not_allowed` if the move itself is no
    longer possible) instead of silently stacking a decision on top of another."""
    licence_get(actor=actor, licence_id=licence_id)  # 404 unless visible
    licence = AgencyLicence.objects.select_for_update().get(pk=licence_id)
    move = move_for(
        LICENCE_MOVES,
        current=licence.state,
        to=to,
        expected=expected_state,
        code_prefix="licence",
    )
    _ensure_permitted(actor=actor, move=move, jurisdiction_id=licence.jurisdiction_id)
    reason = _reason_for(move, reason)
    before = {"state": licence.state}
    now = timezone.now()
    fields = ["state", "updated_at"]
    if to == LicenceState.VALID and licence.valid_from is None:
        licence.valid_from = timezone.localdate(now)
        fields.append("valid_from")
    licence.state = to
    licence.save(update_fields=fields)
    LicenceEvent.objects.create(
        licence=licence, from_state=before["state"], to_state=to, reason=reason, actor=actor, at=now
    )
    audit_record(
        verb=move.verb,
        actor=actor,
        obj=licence,
        before=before,
        after={"state": to},
        reason=reason,
    )
    return licence
