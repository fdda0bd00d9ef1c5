"""Writes of employers and agencies. Each function is one business action, whole or not at all:
it locks what it changes, checks, writes, and records the audit line in the same transaction."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from vinculo.core.audit import AuditVerb
from vinculo.core.errors import Conflict, NotAllowed, ValidationFailed
from vinculo.core.lifecycle import transition
from vinculo.core.models import (
    Actor,
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
from vinculo.registry.models import AgencyLicence, Establishment, LicenceState
from vinculo.registry.organisations.domain import EMPLOYER_VERIFICATION, LICENCE

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


def employer_verification_decide(
    *,
    organisation_id: Any,
    to: str,
    reason: str = "",
    expected_state: str | None = None,
    actor: Actor,
) -> Organisation:
    """An official verifies an employer, or rejects it with a reason (EMPLOYER_VERIFICATION)."""
    employer_get(actor=actor, organisation_id=organisation_id)  # 404 unless visible

    def decided(organisation: Organisation, _move: Any, reason: str, now: Any) -> list[str]:
        organisation.verified_at, organisation.verified_by = now, actor
        organisation.verification_note = reason
        return ["verified_at", "verified_by", "verification_note"]

    return transition(
        EMPLOYER_VERIFICATION,
        pk=organisation_id,
        to=to,
        actor=actor,
        reason=reason,
        expected=expected_state,
        changes=decided,
    )


@transaction.atomic
def establishment_add(
    *, organisation_id: Any, data: EstablishmentData, country: str = "", actor: Actor
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
    *, establishment_id: Any, data: EstablishmentData, version: str, actor: Actor
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
    actor: Actor,
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


def licence_move(
    *,
    licence_id: Any,
    to: str,
    reason: str,
    expected_state: str | None = None,
    actor: Actor,
) -> AgencyLicence:
    """Move a licence through its lifecycle (LICENCE). Two officials acting at once are served
    one after the other: the second, having decided on a state that no longer holds, gets a
    Conflict (`licence_state_changed`, or `licence_move_not_allowed`)."""
    licence_get(actor=actor, licence_id=licence_id)  # 404 unless visible

    def granted(licence: AgencyLicence, _move: Any, _reason: str, now: Any) -> list[str]:
        if to == LicenceState.VALID and licence.valid_from is None:
            licence.valid_from = timezone.localdate(now)
            return ["valid_from"]
        return []

    return transition(
        LICENCE,
        pk=licence_id,
        to=to,
        actor=actor,
        reason=reason,
        expected=expected_state,
        changes=granted,
    )
