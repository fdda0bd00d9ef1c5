"""Writes of job orders and job fairs. Each function is one business action, whole or not at
all: it locks what it changes, checks, writes, and records the audit line in the same
transaction.

The check against the policy packs runs every time an order is saved, so the filer sees at once
which term breaks which rule, and once more at each move that needs it (submission, approval,
publication): the facts can change in between (a verification withdrawn, a licence suspended, a
new minimum wage in force)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from vinculo.core.audit import AuditVerb
from vinculo.core.errors import Conflict, NotAllowed, ValidationFailed
from vinculo.core.lifecycle import transition
from vinculo.core.models import Actor, Jurisdiction, Organisation
from vinculo.core.permissions import Perm
from vinculo.core.selectors import jurisdiction_pick
from vinculo.core.services import audit_record, audit_value
from vinculo.core.values import FieldInvalid
from vinculo.jobs import domain
from vinculo.jobs.models import (
    ORDER_COSTS,
    FairRegistration,
    JobFair,
    JobOrder,
    JobOrderState,
    Payer,
    WageBasis,
    new_verification_code,
)
from vinculo.jobs.selectors import (
    JOB_ORDER,
    employers_to_file_for,
    fair_get,
    filer_organisations,
    order_get,
    order_sides,
)
from vinculo.policy.loader import PolicyPackNotFound, pack_get
from vinculo.policy.schema import PolicyPack
from vinculo.reference.countries import country_name, is_country, is_currency, is_language
from vinculo.reference.levels import CefrLevel
from vinculo.reference.models import Occupation
from vinculo.registry.domain import subdivision_check
from vinculo.registry.models import Establishment, LicenceState, RegistrationChannel, Worker
from vinculo.registry.organisations.domain import (
    EMPLOYER_KINDS,
    SECTORS,
    employer_is_verified,
    licence_public_status,
)
from vinculo.registry.organisations.selectors import active_jurisdictions
from vinculo.registry.selectors import worker_list
from vinculo.registry.services import WorkerInput, worker_register

S = JobOrderState

# The fields a filer writes; the rest (state, code, findings, dates) only moves set.
ORDER_FIELDS = (
    "programme",
    "title",
    "occupation",
    "positions",
    "sector",
    "description",
    "establishment",
    "worksite_country",
    "worksite_subdivision",
    "worksite_municipality",
    "start_date",
    "end_date",
    "season",
    "wage_amount",
    "wage_currency",
    "wage_basis",
    "weekly_hours",
    "guaranteed_hours",
    "overtime_rule",
    "housing_provided",
    "housing_weekly_cost",
    "costs",
    "languages",
    "min_experience_years",
    "named_request",
)

NOT_YOURS = _(
    "You may file job orders only for your own organisation or the employers your agency "
    "represents."
)
NOT_EDITABLE = _("This job order can no longer be changed: the authority has it or decided on it.")
ORDER_CHANGED = _(
    "Someone else changed this job order while you were editing it. Review their change and make "
    "yours again."
)
MOVE_NOT_PERMITTED = _("You may not make this change.")
CHECK_FAILED = _(
    "The job order does not meet every rule yet. Each finding below says what to change and why."
)
START_PASSED = _("The start date has passed. Choose a later one.")


# --- values -----------------------------------------------------------------------------------


def _invalid(message: Any, field: str, code: str = "invalid", **details: Any) -> ValidationFailed:
    return ValidationFailed(message, code=code, field=field, details=details)


def _decimal(value: Any, field: str, *, minimum: Decimal, maximum: Decimal) -> Decimal:
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise _invalid(_("Enter a number."), field) from None
    if not number.is_finite() or number < minimum or number > maximum:
        raise _invalid(
            _("Enter a number between %(min)s and %(max)s.") % {"min": minimum, "max": maximum},
            field,
        )
    return number


def _programme(code: str, country: str) -> str:
    code = (code or "").strip().upper()
    if not code:
        return ""
    try:
        pack = pack_get(code)
    except PolicyPackNotFound:
        pack = None
    if pack is None or pack.kind != "programme" or pack.country != country:
        raise _invalid(
            _("%(code)s is not a programme for work in %(country)s.")
            % {"code": code, "country": country},
            "programme",
        )
    return code


def order_values_clean(raw: dict[str, Any], *, employer: Organisation) -> dict[str, Any]:
    """The filer's values, checked field by field (types, codes, ranges, cross-field order);
    a ValidationFailed names the field. The rules of law are the check's, not this function's:
    a wage below the minimum is a valid value that the check then refuses, with its reason."""
    v = {name: raw[name] for name in ORDER_FIELDS if name in raw}
    v["title"] = " ".join(str(v.get("title") or "").split())
    if not v["title"]:
        raise _invalid(_("This value is required."), "title", "required")
    occupation = v.get("occupation")
    if occupation is not None and not isinstance(occupation, Occupation):
        try:
            occupation = Occupation.objects.filter(pk=occupation).first()
        except (ValueError, TypeError, ValidationError):  # not an ESCO id at all
            occupation = None
    if occupation is None:
        raise _invalid(_("Choose an occupation from the ESCO list."), "occupation", "required")
    v["occupation"] = occupation
    country = str(v.get("worksite_country") or "").strip().upper()
    if not is_country(country):
        raise _invalid(_("Choose the country of the worksite."), "worksite_country")
    v["worksite_country"] = country
    subdivision = str(v.get("worksite_subdivision") or "").strip()
    try:
        v["worksite_subdivision"] = subdivision_check(subdivision, country) if subdivision else ""
    except FieldInvalid as error:
        raise _invalid(error.message, "worksite_subdivision", error.code) from None
    v["worksite_municipality"] = " ".join(str(v.get("worksite_municipality") or "").split())
    if not v["worksite_municipality"]:
        raise _invalid(_("This value is required."), "worksite_municipality", "required")
    establishment = v.get("establishment")
    if establishment is not None and not isinstance(establishment, Establishment):
        establishment = Establishment.objects.filter(pk=establishment).first()
    if establishment is not None and establishment.organisation_id != employer.pk:
        raise _invalid(_("Choose one of the employer's establishments."), "establishment")
    v["establishment"] = establishment
    v["programme"] = _programme(v.get("programme", ""), country)
    try:
        positions = int(v.get("positions") or 0)
    except (TypeError, ValueError):
        positions = 0
    if not 1 <= positions <= 10_000:
        raise _invalid(_("Enter a number of positions between 1 and 10,000."), "positions")
    v["positions"] = positions
    if v.get("sector") not in dict(SECTORS):
        raise _invalid(_("Choose a sector."), "sector")
    start, end = v.get("start_date"), v.get("end_date")
    if not isinstance(start, date):
        raise _invalid(_("Enter a date."), "start_date", "required")
    if not isinstance(end, date):
        raise _invalid(_("Enter a date."), "end_date", "required")
    if end < start:
        raise _invalid(_("The end date is before the start date."), "end_date", "date_order")
    v["wage_amount"] = _decimal(
        v.get("wage_amount"), "wage_amount", minimum=Decimal("0.01"), maximum=Decimal("9999999")
    )
    currency = str(v.get("wage_currency") or "").strip().upper()
    if not is_currency(currency):
        raise _invalid(_("Choose the currency of the wage."), "wage_currency")
    v["wage_currency"] = currency
    if v.get("wage_basis") not in WageBasis.values:
        raise _invalid(_("Choose whether the wage is per hour, day or month."), "wage_basis")
    v["weekly_hours"] = _decimal(
        v.get("weekly_hours"), "weekly_hours", minimum=Decimal(1), maximum=Decimal(84)
    )
    try:
        v["guaranteed_hours"] = int(v.get("guaranteed_hours") or 0)
    except (TypeError, ValueError):
        v["guaranteed_hours"] = 0
    if not 1 <= v["guaranteed_hours"] <= 10_000:
        raise _invalid(_("Enter the hours of work guaranteed in all."), "guaranteed_hours")
    v["housing_provided"] = bool(v.get("housing_provided"))
    v["housing_weekly_cost"] = _decimal(
        v.get("housing_weekly_cost") or 0,
        "housing_weekly_cost",
        minimum=Decimal(0),
        maximum=Decimal(100000),
    )
    costs = dict(v.get("costs") or {})
    unknown = set(costs) - set(ORDER_COSTS)
    if unknown or any(p not in Payer.values for p in costs.values()):
        raise _invalid(_("Say for each cost whether the employer or the worker pays it."), "costs")
    v["costs"] = {c: costs.get(c, Payer.EMPLOYER) for c in ORDER_COSTS}
    languages = []
    for item in v.get("languages") or []:
        code, level = [*item, "", ""][:2]
        code, level = str(code).strip().lower(), str(level).strip()
        if not is_language(code) or level not in CefrLevel.values:
            raise _invalid(_("Give each language with its CEFR level (A1 to C2)."), "languages")
        if code not in {c for c, _l in languages}:
            languages.append((code, level))
    v["languages"] = [list(pair) for pair in languages]
    try:
        v["min_experience_years"] = int(v.get("min_experience_years") or 0)
    except (TypeError, ValueError):
        v["min_experience_years"] = -1
    if not 0 <= v["min_experience_years"] <= 60:
        raise _invalid(_("Enter the years of experience, from 0 to 60."), "min_experience_years")
    v["named_request"] = bool(v.get("named_request"))
    for text in ("description", "overtime_rule", "season"):
        v[text] = str(v.get(text) or "").strip()
    return v


# --- the check ---------------------------------------------------------------------------------


def _pack(code: str) -> PolicyPack | None:
    try:
        return pack_get(code)
    except PolicyPackNotFound:
        return None


def order_terms(order: JobOrder) -> domain.OrderTerms:
    return domain.OrderTerms(
        worksite_country=order.worksite_country,
        worksite_subdivision=order.worksite_subdivision,
        sector=order.sector,
        positions=order.positions,
        start_date=order.start_date,
        end_date=order.end_date,
        wage_amount=Decimal(order.wage_amount),
        wage_currency=order.wage_currency,
        wage_basis=order.wage_basis,
        weekly_hours=Decimal(order.weekly_hours),
        guaranteed_hours=order.guaranteed_hours,
        housing_weekly_cost=Decimal(order.housing_weekly_cost),
        costs=order.costs,
    )


def agency_licensed(agency: Organisation, *, jurisdiction_id: int, today: date) -> bool:
    """A licence of the agency in force today, granted by the order's authority."""
    return any(
        licence_public_status(
            state=licence.state,
            valid_from=licence.valid_from,
            valid_to=licence.valid_to,
            today=today,
        )
        == "licensed"
        for licence in agency.licences.filter(
            state=LicenceState.VALID, jurisdiction_id=jurisdiction_id
        )
    )


def order_check(order: JobOrder) -> list[dict[str, Any]]:
    """The findings of the order against its packs and the registry's facts today."""
    destination = _pack(order.programme) if order.programme else _pack(order.worksite_country)
    recruiters = domain.Recruiters(
        employer_name=order.employer.name,
        employer_verified=employer_is_verified(order.employer),
        agency_name=order.agency.name if order.agency_id else "",
        agency_licensed=bool(order.agency_id)
        and agency_licensed(
            order.agency, jurisdiction_id=order.jurisdiction_id, today=timezone.localdate()
        ),
    )
    return domain.order_findings(
        order_terms(order),
        destination=destination,
        authority=_pack(order.jurisdiction.country),
        recruiters=recruiters,
        programme=order.programme,
    )


def _recheck(order: JobOrder) -> None:
    order.findings = order_check(order)
    order.checked_at = timezone.now()


# --- filing -----------------------------------------------------------------------------------


def _snapshot(order: JobOrder) -> dict[str, Any]:
    """The filer's fields as the audit log keeps them (related records by id)."""
    return {
        name: audit_value(getattr(order, f"{name}_id" if name in _RELATED else name))
        for name in ORDER_FIELDS
    }


_RELATED = frozenset({"occupation", "establishment"})


def _filer_side(
    *, actor: Actor, employer_id: Any, jurisdiction: Any
) -> tuple[Organisation, Organisation | None, Jurisdiction]:
    """The employer the order is for, the agency filing it (None when the employer files), and
    the authority it is filed with: the one whose officials approve it, in the country the
    workers are recruited from. An employer chooses it (by default its own); an agency files
    with the authority that licensed it."""
    employer = employers_to_file_for(actor=actor).filter(pk=employer_id).first()
    if employer is None:
        raise ValidationFailed(NOT_YOURS, code="employer_not_yours", field="employer")
    own = filer_organisations(actor=actor)
    if any(o.pk == employer.pk for o in own):
        if jurisdiction in (None, ""):
            return employer, None, employer.jurisdiction
        value = str(jurisdiction).strip()
        lookup = {"pk": int(value)} if value.isdigit() else {"code": value.upper()}
        chosen = active_jurisdictions().filter(**lookup).first()
        if chosen is None:
            raise _invalid(_("Choose an authority that works with Vínculo."), "jurisdiction")
        return employer, None, chosen
    agency = next(o for o in own if o.kind not in EMPLOYER_KINDS)
    return employer, agency, agency.jurisdiction


def _members(raw: Any, employer: Organisation) -> list[Organisation]:
    ids = list(raw or [])
    if not ids:
        return []
    if employer.kind != "employer_association":
        raise _invalid(_("Only an employer association files for member employers."), "members")
    members = list(
        Organisation.objects.filter(
            pk__in=ids, kind="employer", jurisdiction_id=employer.jurisdiction_id
        )
    )
    if len(members) != len(set(ids)):
        raise _invalid(_("Choose member employers registered with the same authority."), "members")
    return members


NAMED_UNKNOWN = _(
    "No worker registered with this authority has the number %(number)s. Check it against the "
    "worker's card."
)


def _named(raw: Any, jurisdiction_id: int) -> list[Worker]:
    """Returning workers requested by name, by the registration numbers on their cards, among
    the workers of the authority the order is filed with (merged records follow their merge)."""
    numbers = [str(n).strip().upper() for n in (raw or []) if str(n).strip()]
    if len(numbers) > 500:
        raise _invalid(_("At most 500 workers can be requested by name."), "named_workers")
    found = {
        w.registration_number: w.merged_into or w
        for w in Worker.objects.filter(
            registration_number__in=numbers, jurisdiction_id=jurisdiction_id
        ).select_related("merged_into")
    }
    for number in numbers:
        if number not in found:
            raise _invalid(NAMED_UNKNOWN % {"number": number}, "named_workers", "worker_unknown")
    return list({w.pk: w for w in found.values()}.values())


@transaction.atomic
def order_create(
    *, actor: Actor, employer_id: Any, values: dict[str, Any], jurisdiction: Any = None
) -> JobOrder:
    """A new draft, checked at once. `jurisdiction` (id or code) is the authority it is filed
    with; see _filer_side."""
    employer, agency, authority = _filer_side(
        actor=actor, employer_id=employer_id, jurisdiction=jurisdiction
    )
    clean = order_values_clean(values, employer=employer)
    members = _members(values.get("members"), employer)
    named = _named(values.get("named_workers"), authority.pk)
    if named:
        clean["named_request"] = True
    order = JobOrder(
        jurisdiction=authority,
        employer=employer,
        agency=agency,
        filed_by=actor,
        isco_unit=clean["occupation"].isco_group_id,
        **clean,
    )
    _recheck(order)
    order.save()
    order.members.set(members)
    order.named_workers.set(named)
    audit_record(
        verb=AuditVerb.JOB_ORDER_CREATED,
        actor=actor,
        obj=order,
        after=_snapshot(order),
    )
    return order


def _locked(*, actor: Actor, order_id: Any) -> JobOrder:
    order_get(actor=actor, order_id=order_id)  # 404 unless visible
    return (
        JobOrder.objects.select_for_update(of=("self",))
        .select_related("employer", "agency", "jurisdiction", "occupation")
        .get(pk=order_id)
    )


@transaction.atomic
def order_update(
    *, actor: Actor, order_id: Any, values: dict[str, Any], expected_version: int | None
) -> JobOrder:
    """The filer changes a draft or a returned order; the check runs again."""
    order = _locked(actor=actor, order_id=order_id)
    if domain.FILER not in order_sides(actor, order):
        raise NotAllowed(MOVE_NOT_PERMITTED, code="not_allowed")
    if order.state not in domain.EDITABLE_STATES:
        raise Conflict(NOT_EDITABLE, code="job_order_not_editable")
    if expected_version is not None and int(expected_version) != order.version:
        raise Conflict(ORDER_CHANGED, code="job_order_changed", details={"version": order.version})
    clean = order_values_clean(values, employer=order.employer)
    before = _snapshot(order)
    for name, value in clean.items():
        setattr(order, name, value)
    order.isco_unit = clean["occupation"].isco_group_id
    if "members" in values:
        order.members.set(_members(values.get("members"), order.employer))
    if "named_workers" in values:
        named = _named(values.get("named_workers"), order.jurisdiction_id)
        order.named_workers.set(named)
        order.named_request = order.named_request or bool(named)
    order.version += 1
    _recheck(order)
    order.save()
    after = _snapshot(order)
    changed = [k for k in ORDER_FIELDS if before[k] != after[k]]
    audit_record(
        verb=AuditVerb.JOB_ORDER_CHANGED,
        actor=actor,
        obj=order,
        before={k: before[k] for k in changed},
        after={k: after[k] for k in changed},
    )
    return order


# --- moves -------------------------------------------------------------------------------------


def order_move(
    *,
    actor: Actor,
    order_id: Any,
    to: str,
    reason: str = "",
    expected_state: str | None = None,
) -> JobOrder:
    """Move an order through its lifecycle (domain.ORDER_MOVES). A move that needs the check
    (submission, approval, publication) is refused with the findings when any fails; the order
    is kept as it is, with the findings stored so the filer sees them."""
    order_get(actor=actor, order_id=order_id)  # 404 unless visible
    checked: dict[str, Any] = {}

    def guard(order: JobOrder) -> None:
        if to == S.SUBMITTED and order.start_date < timezone.localdate():
            raise ValidationFailed(START_PASSED, code="start_passed", field="start_date")
        if (order.state, to) in domain.CHECKED_MOVES:
            _recheck(order)
            checked.update(findings=order.findings, checked_at=order.checked_at)
            if not domain.findings_pass(order.findings):
                raise Conflict(
                    CHECK_FAILED,
                    code="job_order_check_failed",
                    details={"findings": [f for f in order.findings if not f["passed"]]},
                )

    def moved(order: JobOrder, _move: Any, _reason: str, now: Any) -> list[str]:
        fields = ["version", "findings", "checked_at"]
        order.version += 1
        if to == S.SUBMITTED:
            order.submitted_at = now
            fields.append("submitted_at")
        elif to == S.APPROVED:
            order.approved_at = now
            fields.append("approved_at")
            if not order.verification_code:
                order.verification_code = _unused_verification_code()
                fields.append("verification_code")
        elif to == S.PUBLISHED and order.published_at is None:
            order.published_at = now
            fields.append("published_at")
        return fields

    try:
        return transition(
            JOB_ORDER,
            pk=order_id,
            to=to,
            actor=actor,
            reason=reason,
            expected=expected_state,
            guard=guard,
            changes=moved,
        )
    except Conflict as refused:
        if refused.code == "job_order_check_failed":
            # The move is refused, but the findings that refused it are kept for the filer.
            JobOrder.objects.filter(pk=order_id).update(**checked, updated_at=timezone.now())
        raise


def _unused_verification_code() -> str:
    """A public verification code no order holds (one chance in 10^12 that one does)."""
    code = new_verification_code()
    while JobOrder.objects.filter(verification_code=code).exists():
        code = new_verification_code()
    return code


# --- job fairs -------------------------------------------------------------------------------

WHICH_JURISDICTION = _("Say which authority organises the fair.")
DATES_REVERSED = _("The last day is before the first.")
# A fair is where its authority recruits: a Honduran official organises fairs in Honduras.
COUNTRY_NOT_JURISDICTIONS = _("A fair of %(authority)s takes place in %(country)s.")
STARTS_IN_THE_PAST = _("The first day has passed: a new fair starts today or later.")
ORDER_NOT_OPEN = _(
    "Only approved or published job orders of the fair's authority can be offered at it."
)
WORKER_UNKNOWN = _("No worker of the fair's authority has this registration number.")
NOT_ALLOWED = _("You may not organise job fairs.")
FAIR_ORDER_STATES = (JobOrderState.APPROVED, JobOrderState.PUBLISHED, JobOrderState.FILLED)


@dataclass(frozen=True)
class FairValues:
    name: str
    country: str
    subdivision: str
    municipality: str
    venue: str
    starts_on: date
    ends_on: date


def _fair_values_clean(values: FairValues, *, jurisdiction: Jurisdiction) -> FairValues:
    name = " ".join(values.name.split())
    if not name:
        raise ValidationFailed(_("This value is required."), code="required", field="name")
    country = values.country.strip().upper()
    if not is_country(country):
        raise ValidationFailed(_("Choose a country."), code="invalid", field="country")
    if country != jurisdiction.country:
        raise ValidationFailed(
            COUNTRY_NOT_JURISDICTIONS
            % {"authority": jurisdiction.name, "country": country_name(jurisdiction.country)},
            code="country_not_jurisdictions",
            field="country",
        )
    subdivision = values.subdivision.strip()
    try:
        subdivision = subdivision_check(subdivision, country) if subdivision else ""
    except FieldInvalid as error:
        raise ValidationFailed(error.message, code=error.code, field="subdivision") from None
    # The organiser's today: a fair dated before it is a typing error, not an event to plan.
    if values.starts_on < timezone.localdate():
        raise ValidationFailed(STARTS_IN_THE_PAST, code="date_past", field="starts_on")
    if values.ends_on < values.starts_on:
        raise ValidationFailed(DATES_REVERSED, code="date_order", field="ends_on")
    return FairValues(
        name,
        country,
        subdivision,
        " ".join(values.municipality.split()),
        values.venue.strip(),
        values.starts_on,
        values.ends_on,
    )


@transaction.atomic
def fair_create(*, actor: Actor, values: FairValues, jurisdiction: Any = None) -> JobFair:
    if not actor.can(Perm.MANAGE_JOB_FAIRS):
        raise NotAllowed(NOT_ALLOWED)
    chosen = jurisdiction_pick(
        actor=actor, perm=Perm.MANAGE_JOB_FAIRS, value=jurisdiction, message=WHICH_JURISDICTION
    )
    clean = _fair_values_clean(values, jurisdiction=chosen)
    fair = JobFair.objects.create(jurisdiction=chosen, created_by=actor, **clean.__dict__)
    audit_record(verb=AuditVerb.JOB_FAIR_CREATED, actor=actor, obj=fair, after={"name": fair.name})
    return fair


@transaction.atomic
def fair_offer(*, actor: Actor, fair_id: Any, order_ids: list[Any]) -> JobFair:
    """Offer job orders at the fair; their employers join the fair's employers."""
    fair = fair_get(actor=actor, fair_id=fair_id)
    orders = list(
        JobOrder.objects.filter(
            pk__in=order_ids, jurisdiction_id=fair.jurisdiction_id, state__in=FAIR_ORDER_STATES
        )
    )
    if len(orders) != len(set(order_ids)):
        raise ValidationFailed(ORDER_NOT_OPEN, code="order_not_open", field="orders")
    fair.orders.add(*orders)
    fair.employers.add(*{o.employer_id for o in orders})
    audit_record(
        verb=AuditVerb.JOB_FAIR_CHANGED,
        actor=actor,
        obj=fair,
        after={"orders": [o.pk for o in orders]},
    )
    return fair


def _counted(*, actor: Actor, fair: JobFair, worker: Any) -> FairRegistration:
    """The worker counted among the fair's registrations (once), audited on the fair."""
    registration, _created = FairRegistration.objects.get_or_create(fair=fair, worker=worker)
    audit_record(
        verb=AuditVerb.JOB_FAIR_CHANGED,
        actor=actor,
        obj=fair,
        after={"registered": worker.registration_number},
    )
    return registration


@transaction.atomic
def fair_worker_register(
    *, actor: Actor, fair_id: Any, data: WorkerInput, unlike: tuple[str, ...] = ()
) -> Any:
    """Register someone at the fair's kiosk: a registration in the fair's authority, made at a
    fair, and counted for the fair, all of it or nothing. The registration passes every check of
    the desk (`registry.services.worker_register`)."""
    fair = fair_get(actor=actor, fair_id=fair_id)
    worker = worker_register(
        data=data,
        jurisdiction=fair.jurisdiction,
        channel=RegistrationChannel.FAIR,
        actor=actor,
        unlike=unlike,
    )
    _counted(actor=actor, fair=fair, worker=worker)
    return worker


@transaction.atomic
def fair_register_number(
    *, actor: Actor, fair_id: Any, registration_number: str
) -> FairRegistration:
    """Count a worker already registered, met at the fair, by the number on their card. The
    worker must be one of the fair's authority that the actor may see; counted once."""
    fair = fair_get(actor=actor, fair_id=fair_id)
    worker = (
        worker_list(actor=actor)
        .filter(
            jurisdiction_id=fair.jurisdiction_id,
            registration_number=registration_number.strip().upper(),
        )
        .first()
    )
    if worker is None:
        raise ValidationFailed(WORKER_UNKNOWN, code="worker_unknown", field="worker")
    return _counted(actor=actor, fair=fair, worker=worker)
