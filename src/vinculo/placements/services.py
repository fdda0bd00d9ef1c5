"""Writes of placements: one opens with the employer's selection (receivers.py) and moves step by
step, or out by an exit, under the lifecycle of selectors.PLACEMENT (one at a time or in bulk);
its contract is offered, signed and compared with later documents; the worker's costs, check-ins
and the employer's attendance log are recorded; the season is evaluated and a worker asked back
is re-hired by name. Reference rates are imported here too."""

from __future__ import annotations

import csv
import hashlib
import hmac
import io
import secrets
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import F
from django.http import Http404
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from vinculo.core.access import user_can, user_can_in
from vinculo.core.audit import AuditVerb
from vinculo.core.errors import Conflict, DomainError, NotAllowed, ValidationFailed
from vinculo.core.i18n import pick
from vinculo.core.lifecycle import begin, transition
from vinculo.core.models import Actor, Organisation
from vinculo.core.notify import notify
from vinculo.core.permissions import Perm
from vinculo.core.services import audit_record
from vinculo.core.uploads import evidence_store
from vinculo.jobs.models import ORDER_COSTS, JobOrder, new_verification_code
from vinculo.matching.models import Candidacy
from vinculo.matching.services import candidacy_rehire
from vinculo.placements import terms as contract_terms
from vinculo.placements.domain import (
    BRING,
    STATES,
    Step,
    carried_over,
    checkin_schedule,
    fee_finding,
    held_by_flags,
    journey_for,
    next_step,
    off_its_journey,
    steps_missing,
    worries,
)
from vinculo.placements.models import (
    Attendance,
    AttendanceKind,
    CheckIn,
    Contract,
    DeadlineNotice,
    Evaluation,
    EvaluationSide,
    ExchangeRate,
    FeeRecord,
    FeeState,
    FollowUp,
    Placement,
    SignedHow,
    TermsCheck,
    TermsCheckState,
)
from vinculo.placements.selectors import (
    PLACEMENT,
    caseworker_of,
    checkin_get,
    fee_get,
    followup_get,
    hosted_get,
    hosted_placements,
    order_pack,
    overdue_among,
    placement_contract,
    placement_for_costs,
    placement_get,
    placement_of_worker,
    terms_check_get,
)
from vinculo.policy.schema import PolicyPack
from vinculo.reference.countries import is_currency

ALREADY_PLACED = _(
    "This worker is already on another placement: one journey at a time. End that one first."
)
NOT_ON_ITS_JOURNEY = _("This step is not the next one on this placement's journey.")
NOT_YET_DONE = _("Not yet done on this placement: %(steps)s.")
MINOR = _("This worker will not be 18 when the job starts: a minor is never placed.")
NOT_SIGNED = _("The contract has not been signed: record the signature first.")
NO_CONTRACT = _("No contract has been offered on this placement yet.")
ALREADY_SIGNED = _("This contract is already signed.")
SUBSTITUTED = _(
    "A later contract has a term worse for the worker than the one offered: the placement "
    "cannot go on until an official has reviewed it."
)
PERIOD_REVERSED = _("The end date is before the start date.")
UNKNOWN_COST = _("Not a cost a contract lists: %(costs)s. The costs are: %(known)s.")
PAY_INCOMPLETE = _("Say the currency of the pay and the time it is for.")
ALREADY_ANSWERED = _("This check-in has already been answered.")
OUTCOME_REQUIRED = _("Say what was done.")
ALREADY_CLOSED = _("This follow-up is already closed.")
RATES_HEADER = _("The first row must name the columns: %(columns)s.")
RATE_DATE = _("The date is not a date (YYYY-MM-DD).")
RATE_PAIR = _("The two currencies must be two different ISO 4217 codes, e.g. CAD and HNL.")
RATE_VALUE = _("The rate must be a number greater than zero.")
RATE_SOURCE = _("Name the source of the rate, e.g. the central bank.")
RATE_TWICE = _("The same date and currencies come twice in this file, with two rates.")
RATE_CHANGED = _("A rate for this date and currencies is already recorded, as %(rate)s.")
NO_ADDRESS = _(
    "The worker has no phone or e-mail on record to send the code to: sign in person with a "
    "caseworker."
)
CODE_SUBJECT = _("Your code to sign contract %(contract)s")
CODE_BODY = _(
    "Vínculo: your code to sign contract %(contract)s is %(code)s. It is valid for %(minutes)s "
    "minutes. Nobody from the authority will ever ask you for it."
)
CODE_EXPIRED = _("This code has expired or was tried too often: ask for a new one.")
CODE_WRONG = _("This is not the code we sent. Check it and try again.")
STEP_SUBJECT = _("Your journey: %(step)s")
STEP_BODY = _("Vínculo: your placement with %(employer)s is now at “%(step)s”. %(bring)s")
NOT_EVALUABLE = _("A season is evaluated once the contract has ended.")
RATING_RANGE = _("Give a mark from 1 to 5.")
ALREADY_EVALUATED = _("This season has already been evaluated from this side.")
EVALUATIONS_MISSING = _("Both the employer and the caseworker evaluate the season first.")
ROSTER_UNKNOWN = _("No worker placed with you has this contract code.")
ROSTER_EVENT = _("The event must be “arrived” or “left”.")
NOT_ASKED_BACK = _("Only a worker whose season you evaluated, and asked back, is re-hired by name.")
NOT_FOUND = _("No such placement among those you follow.")
AMOUNT_POSITIVE = _("The amount must be more than zero.")
NOT_A_CURRENCY = _("Not a currency code (ISO 4217), e.g. HNL, USD or CAD.")
PAID_IN_FUTURE = _("This date is in the future.")
REFUND_PROOF = _("Attach the proof of the refund: a receipt or a bank slip.")
NOT_A_VIOLATION = _("This cost is not an open violation: nothing to refund.")
FEE_VIOLATION = _(
    "The worker paid a cost the employer must bear: the placement cannot go on until it is "
    "refunded."
)
NOT_FLAGGED = _("This check is not flagged any more: someone has already reviewed it.")


def placement_open(*, candidacy: Candidacy, actor: Actor) -> Placement:
    """The placement of a selected candidacy, in the selection's transaction. A worker already
    on a journey is refused, whatever else is happening at the same moment: the database holds
    one active placement per worker."""
    order, worker = candidacy.order, candidacy.worker
    if worker.birth_date and _age_on(worker.birth_date, order.start_date) < 18:
        raise Conflict(MINOR, code="worker_minor")
    pack = order_pack(order)
    steps = journey_for(
        worksite_country=order.worksite_country,
        home_country=worker.residence_country or worker.nationality,
        skipped=pack.placement.skipped if pack and pack.placement else (),
    )
    last = _last_season(candidacy)
    carried = _carried(steps, last, pack, order.start_date) if last else []
    placement = Placement(
        candidacy=candidacy,
        worker=worker,
        order=order,
        jurisdiction_id=order.jurisdiction_id,
        state=Step.SELECTED,
        steps=[step for step in steps if step not in carried],
        carried_from=last,
        carried_steps=carried,
    )
    try:
        with transaction.atomic():  # a savepoint: the clash is a clean answer
            placement.save(force_insert=True)
    except IntegrityError:
        raise Conflict(ALREADY_PLACED, code="worker_already_placed") from None
    begin(
        PLACEMENT,
        placement,
        actor=actor,
        verb=AuditVerb.PLACEMENT_OPENED,
        audit={"order": order.pk, "worker": worker.pk},
    )
    return placement


def _carried(
    steps: tuple[str, ...], last: Placement, pack: PolicyPack | None, starts_on: date
) -> list[str]:
    """What the fast path carries from last season's journey: the orientation, and the steps the
    pack keeps valid that were done recently enough for the new season's start."""
    rules = pack.placement.carried if pack and pack.placement else []
    done_on = {
        state: timezone.localtime(at).date()
        for state, at in last.events.filter(to_state__in=[r.step for r in rules])
        .order_by("at")
        .values_list("to_state", "at")
    }
    return carried_over(
        steps,
        [*last.steps, *last.carried_steps],
        done_on=done_on,
        valid_months={r.step: r.months for r in rules},
        starts_on=starts_on,
    )


def _last_season(candidacy: Candidacy) -> Placement | None:
    """The fast path of a named re-hire: the worker's last season with the same employer, in the
    same country and occupation, evaluated with the employer asking them back."""
    order = candidacy.order
    return (
        Placement.objects.filter(
            worker_id=candidacy.worker_id,
            state=Step.EVALUATED,
            order__employer_id=order.employer_id,
            order__worksite_country=order.worksite_country,
            order__isco_unit=order.isco_unit,
            evaluations__side=EvaluationSide.EMPLOYER,
            evaluations__rehire=True,
        )
        .order_by("-created_at")
        .first()
    )


def _age_on(birth: date, day: date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def _guard(record: Placement, to: str) -> None:
    """The rules of one move beyond the table: the journey's order (naming the steps not yet
    done), a signed contract before "contract signed", and no step from the signature to the
    worker's travel while a substituted contract is flagged or a fee violation is open."""
    if off_its_journey(record, to):
        missing = steps_missing(record.steps, record.state, to)
        if missing:
            names = ", ".join(str(Step(s).label) for s in missing)
            raise Conflict(NOT_YET_DONE % {"steps": names}, code="placement_steps_missing")
        raise Conflict(NOT_ON_ITS_JOURNEY, code="placement_step_not_next", field="to")
    if to == Step.CONTRACT_SIGNED:
        contract = placement_contract(record)
        if contract is None or contract.signed_at is None:
            raise Conflict(NOT_SIGNED, code="contract_not_signed")
    if to == Step.EVALUATED and record.evaluations.count() < len(EvaluationSide):
        raise Conflict(EVALUATIONS_MISSING, code="evaluations_missing")
    if held_by_flags(record.steps, record.state, to):
        if record.checks.filter(state=TermsCheckState.FLAGGED).exists():
            raise Conflict(SUBSTITUTED, code="placement_contract_substituted")
        if record.fees.filter(state=FeeState.VIOLATION).exists():
            raise Conflict(FEE_VIOLATION, code="placement_fee_violation")


def placement_move(
    *,
    actor: Actor,
    placement_id: Any,
    to: str,
    reason: str = "",
    expected: str | None = None,
    audit: dict[str, Any] | None = None,
) -> Placement:
    """Move a placement to the next step of its journey, or out by an exit open where it is
    (with a reason), for a caseworker or official of the placement's authority. Offering the
    contract freezes it from the job order's terms."""
    placement = placement_get(actor=actor, placement_id=placement_id)
    said = dict(audit or {})

    def changes(record: Placement, *_: Any) -> list[str]:
        if to == Step.CONTRACT_OFFERED:
            said["contract"] = _contract_offer(record, actor=actor).code
        elif to == Step.EMPLOYED:
            _checkins_schedule(record, timezone.localdate())
        _notify_step(record, to)
        return []

    return transition(
        PLACEMENT,
        pk=placement.pk,
        to=to,
        actor=actor,
        reason=reason,
        expected=expected,
        guard=lambda record: _guard(record, to),
        changes=changes,
        audit=said,
    )


BULK_LIMIT = 200


@dataclass(frozen=True)
class BulkOutcome:
    """One placement of a bulk move: moved, or refused with the reason, as if moved alone."""

    placement_id: int
    moved: bool
    state: str = ""
    code: str = ""
    message: str = ""


def placement_move_bulk(
    *, actor: Actor, placement_ids: list[int], to: str, reason: str = ""
) -> list[BulkOutcome]:
    """Move a group (twenty workers on one flight) to the same step, each on its own: each move
    is checked and made in its own transaction, so one worker's missing clearance refuses that
    worker only, with its reason. A placement the actor may not see is "not found", like alone."""
    outcomes = []
    for placement_id in dict.fromkeys(placement_ids[:BULK_LIMIT]):
        try:
            moved = placement_move(actor=actor, placement_id=placement_id, to=to, reason=reason)
        except DomainError as error:
            outcomes.append(
                BulkOutcome(placement_id, False, code=error.code, message=str(error.message))
            )
        except Http404:
            outcomes.append(
                BulkOutcome(placement_id, False, code="not_found", message=str(NOT_FOUND))
            )
        else:
            outcomes.append(BulkOutcome(placement_id, True, state=moved.state))
    return outcomes


def _notify_step(placement: Placement, to: str) -> None:
    """Tell the worker where their journey is and what to bring next, in their language."""
    worker = placement.worker
    user = worker.user
    later = next_step(placement.steps, to) if to in placement.steps else None
    notify(
        user=user,
        phone=worker.phone,
        email=user.email if user else "",
        language=(user.preferred_language if user else "") or "es",
        kind=f"placement.{to}",
        subject=STEP_SUBJECT,
        body=STEP_BODY,
        values={
            "step": dict(STATES)[to],
            "employer": placement.order.employer.name,
            "bring": BRING.get(later, "") if later else "",
        },
    )


DEADLINE_SUBJECT = _("Overdue: %(worker)s, %(step)s")
DEADLINE_BODY = _(
    "%(worker)s (%(employer)s) should have reached the step %(step)s by %(due)s: %(rule)s "
    "(%(source)s). It is %(days)s days late. See the follow-up queue in Vínculo."
)


def deadlines_tell(today: date | None = None) -> int:
    """Tell each placement's caseworker, once, of a deadline of its programme's pack it passed
    (the queue lists them all the while). One with no address is tried again the next day.
    Returns how many were told."""
    today = today or timezone.localdate()
    told = 0
    for row in overdue_among(Placement.objects.all(), today):
        placement, deadline = row.placement, row.deadline
        caseworker = caseworker_of(placement)
        key = {"placement": placement, "step": deadline.step, "after": deadline.after}
        if caseworker is None or DeadlineNotice.objects.filter(**key).exists():
            continue
        with transaction.atomic():
            language = caseworker.preferred_language or "es"
            with translation.override(language):
                values = {
                    "worker": placement.worker.full_name,
                    "employer": placement.order.employer.name,
                    "step": str(dict(STATES)[deadline.step]),
                    "due": row.late.due_on.isoformat(),
                    "rule": pick(deadline.label.model_dump()),
                    "source": deadline.source.cite(),
                    "days": row.late.days,
                }
            sent = notify(
                user=caseworker,
                email=caseworker.email,
                language=language,
                kind="placement.deadline",
                subject=DEADLINE_SUBJECT,
                body=DEADLINE_BODY,
                values=values,
            )
            if not sent:  # no address to reach them: the queue shows it; a later tick tries again
                continue
            DeadlineNotice.objects.create(**key, due_on=row.late.due_on)
            told += 1
    return told


# --- contracts -----------------------------------------------------------------------------------


def order_contract_terms(order: JobOrder) -> dict[str, Any]:
    """A job order's terms as a contract states them (terms.FIELDS), in plain JSON."""
    where = (order.worksite_municipality, order.worksite_subdivision, order.worksite_country)
    place = ", ".join(p for p in where if p)
    return {
        "employer": order.employer.name,
        "worksite": place,
        "wage": {
            "amount": str(order.wage_amount),
            "currency": order.wage_currency,
            "basis": order.wage_basis,
        },
        "guaranteed_hours": order.guaranteed_hours,
        "weekly_hours": str(order.weekly_hours),
        "overtime": order.overtime_rule,
        "period": {"start": order.start_date.isoformat(), "end": order.end_date.isoformat()},
        "housing": {
            "provided": order.housing_provided,
            "weekly_cost": str(order.housing_weekly_cost),
            "currency": order.wage_currency,
        },
        "costs": {item: order.costs[item] for item in ORDER_COSTS if item in order.costs},
        "deductions": {},
    }


def _contract_offer(placement: Placement, *, actor: Actor) -> Contract:
    order = placement.order
    version = placement.contracts.count() + 1
    terms = order_contract_terms(order)
    code = new_verification_code("CT")
    while Contract.objects.filter(code=code).exists():
        code = new_verification_code("CT")
    return Contract.objects.create(
        placement=placement,
        version=version,
        terms=terms,
        digest=contract_terms.digest(
            terms,
            placement=placement.pk,
            version=version,
            worker=placement.worker.full_name,
            job=order.title,
        ),
        code=code,
        languages=list(
            contract_terms.contract_languages(order.worksite_country, order.worksite_subdivision)
        ),
        offered_by=actor,
    )


def contract_sign(*, actor: Actor, placement_id: Any, how: str = SignedHow.IN_PERSON) -> Placement:
    """Record the worker's signature of the contract offered (in person, with the caseworker
    who records it) and move the placement to "contract signed", in one transaction."""
    placement = placement_get(actor=actor, placement_id=placement_id)
    with transaction.atomic():
        contract = placement_contract(placement, lock=True)
        if contract is None:
            raise Conflict(NO_CONTRACT, code="contract_not_offered")
        if contract.signed_at is not None:
            raise Conflict(ALREADY_SIGNED, code="contract_already_signed")
        contract.signed_at = timezone.now()
        contract.signed_how = how
        contract.signed_with = actor
        contract.save(update_fields=["signed_at", "signed_how", "signed_with", "updated_at"])
        return placement_move(
            actor=actor,
            placement_id=placement.pk,
            to=Step.CONTRACT_SIGNED,
            expected=Step.CONTRACT_OFFERED,
            audit={"contract": contract.code, "signed_how": how},
        )


def terms_check(
    *, actor: Actor, placement_id: Any, found: dict[str, Any], where: str
) -> TermsCheck:
    """Compare a later contract document, or a change of terms, with the frozen offer, field by
    field. A worse term flags the placement (no step past the signature until an official
    clears it); a better one passes, and both are recorded."""
    placement = placement_get(actor=actor, placement_id=placement_id)
    contract = placement_contract(placement, first=True)
    if contract is None:
        raise Conflict(NO_CONTRACT, code="contract_not_offered")
    _terms_valid(found)
    changes = contract_terms.compare(contract.terms, found)
    worse = contract_terms.worse(changes)
    with transaction.atomic():
        check = TermsCheck.objects.create(
            placement=placement,
            contract=contract,
            terms=found,
            where=where.strip()[:200],
            changes=[
                {"field": c.field, "offered": c.offered, "found": c.found, "verdict": c.verdict}
                for c in changes
            ],
            state=TermsCheckState.FLAGGED if worse else TermsCheckState.PASSED,
            recorded_by=actor,
        )
        audit_record(
            verb=AuditVerb.TERMS_CHECKED,
            actor=actor,
            obj=placement,
            jurisdiction=placement.jurisdiction_id,
            after={
                "check": check.pk,
                "contract": contract.code,
                "state": check.state,
                "changed": {c.field: c.verdict for c in changes if c.changed},
            },
        )
    return check


def _terms_valid(found: dict[str, Any]) -> None:
    """What a form or a schema cannot say of terms found: a period that ends before it starts,
    a cost the contract does not list."""
    if found["period"]["end"] < found["period"]["start"]:
        raise ValidationFailed(PERIOD_REVERSED, code="terms_period_reversed", field="period.end")
    unknown = sorted(set(found["costs"]) - set(ORDER_COSTS))
    if unknown:
        raise ValidationFailed(
            UNKNOWN_COST % {"costs": ", ".join(unknown), "known": ", ".join(ORDER_COSTS)},
            code="terms_cost_unknown",
            field="costs",
        )


def terms_check_clear(*, actor: Actor, check_id: Any, reason: str) -> TermsCheck:
    """An official of the placement's authority clears a flagged check after review, with the
    reason: the change is lawful (a later start agreed by the worker, a currency stated
    differently). The placement may go on."""
    check = terms_check_get(actor=actor, check_id=check_id)
    if not user_can_in(actor, Perm.CLEAR_SUBSTITUTION_FLAGS, check.placement.jurisdiction_id):
        raise NotAllowed(_("You may not make this change."), code="not_allowed")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(
            _("Give the reason for this decision."), code="reason_required", field="reason"
        )
    with transaction.atomic():
        locked = TermsCheck.objects.select_for_update().get(pk=check.pk)
        if locked.state != TermsCheckState.FLAGGED:
            raise Conflict(NOT_FLAGGED, code="terms_check_not_flagged")
        locked.state = TermsCheckState.CLEARED
        locked.cleared_by = actor
        locked.cleared_at = timezone.now()
        locked.cleared_reason = reason
        locked.save(
            update_fields=["state", "cleared_by", "cleared_at", "cleared_reason", "updated_at"]
        )
        audit_record(
            verb=AuditVerb.TERMS_CLEARED,
            actor=actor,
            obj=check.placement,
            jurisdiction=check.placement.jurisdiction_id,
            before={"state": TermsCheckState.FLAGGED},
            after={"check": locked.pk, "state": locked.state},
            reason=reason,
        )
    return locked


# --- costs the worker paid -----------------------------------------------------------------------


def _recruiters(placement: Placement) -> list[int]:
    order = placement.order
    return [pk for pk in (order.employer_id, order.agency_id) if pk]


def fee_record(
    *,
    actor: Actor,
    placement_id: Any,
    item: str,
    payee: str,
    amount: Decimal,
    currency: str,
    paid_on: date,
    payee_name: str = "",
    evidence: UploadedFile | None = None,
) -> FeeRecord:
    """Record a cost the worker paid (the worker on their phone, or a caseworker or official).
    Checked against the order's pack: a cost the employer must bear is a violation, counted on
    the employer's and the recruiting agency's pages until it is refunded."""
    placement = placement_for_costs(actor=actor, placement_id=placement_id)
    if amount <= 0:
        raise ValidationFailed(AMOUNT_POSITIVE, code="fee_amount_not_positive", field="amount")
    if paid_on > timezone.localdate():
        raise ValidationFailed(PAID_IN_FUTURE, code="fee_paid_in_future", field="paid_on")
    if not is_currency(currency.upper()):
        raise ValidationFailed(NOT_A_CURRENCY, code="currency_unknown", field="currency")
    finding = fee_finding(item, order_pack(placement.order))
    stored = evidence_store(evidence) if evidence else ""
    with transaction.atomic():
        fee = FeeRecord.objects.create(
            placement=placement,
            item=item,
            payee=payee,
            payee_name=payee_name.strip()[:200],
            amount=amount,
            currency=currency.upper(),
            paid_on=paid_on,
            evidence=stored,
            recorded_by=actor,
            state=FeeState.VIOLATION if finding.violation else FeeState.RECORDED,
            finding={
                "reason": finding.reason,
                "explanation": finding.explanation,
                "source": finding.source,
            },
        )
        if finding.violation:
            Organisation.objects.filter(pk__in=_recruiters(placement)).update(
                fee_violations=F("fee_violations") + 1,
                fee_violations_open=F("fee_violations_open") + 1,
            )
        audit_record(
            verb=AuditVerb.FEE_RECORDED,
            actor=actor,
            obj=placement,
            jurisdiction=placement.jurisdiction_id,
            after={
                "fee": fee.pk,
                "item": item,
                "amount": str(amount),
                "currency": fee.currency,
                "state": fee.state,
            },
        )
    return fee


def fee_refund(
    *,
    actor: Actor,
    fee_id: Any,
    refunded_on: date,
    evidence: UploadedFile | None,
    note: str = "",
) -> FeeRecord:
    """Close a violation with the proof of its refund: a caseworker or official of the
    placement's authority, never the worker alone."""
    fee = fee_get(actor=actor, fee_id=fee_id)
    if not user_can_in(actor, Perm.MANAGE_PLACEMENTS, fee.placement.jurisdiction_id):
        raise NotAllowed(_("You may not make this change."), code="not_allowed")
    if evidence is None:
        raise ValidationFailed(REFUND_PROOF, code="refund_evidence_required", field="evidence")
    if refunded_on > timezone.localdate():
        raise ValidationFailed(PAID_IN_FUTURE, code="fee_paid_in_future", field="refunded_on")
    stored = evidence_store(evidence)
    with transaction.atomic():
        locked = FeeRecord.objects.select_for_update().get(pk=fee.pk)
        if locked.state != FeeState.VIOLATION:
            raise Conflict(NOT_A_VIOLATION, code="fee_not_open")
        locked.state = FeeState.REFUNDED
        locked.refunded_on = refunded_on
        locked.refund_evidence = stored
        locked.refund_note = note.strip()
        locked.refunded_by = actor
        locked.save()
        Organisation.objects.filter(
            pk__in=_recruiters(fee.placement), fee_violations_open__gt=0
        ).update(fee_violations_open=F("fee_violations_open") - 1)
        audit_record(
            verb=AuditVerb.FEE_REFUNDED,
            actor=actor,
            obj=fee.placement,
            jurisdiction=fee.placement.jurisdiction_id,
            before={"state": FeeState.VIOLATION},
            after={"fee": locked.pk, "state": locked.state},
            reason=locked.refund_note,
        )
    return locked


# --- while away ----------------------------------------------------------------------------------


def _checkins_schedule(placement: Placement, start: date) -> None:
    CheckIn.objects.bulk_create(
        CheckIn(placement=placement, due_on=day)
        for day in checkin_schedule(start, placement.order.end_date)
    )


def checkin_answer(
    *,
    actor: Actor,
    checkin_id: Any,
    paid_on_time: bool | None,
    pay_amount: Decimal | None,
    pay_currency: str,
    pay_period: str,
    hours_worked: Decimal | None,
    housing_ok: bool | None,
    documents_in_hand: bool | None,
    safe: bool | None,
    wants_contact: bool | None,
    recovering_deductions: Decimal = Decimal(0),
    note: str = "",
) -> CheckIn:
    """The worker's answers to a check-in, given on their phone or to a caseworker on a call. A
    worrying answer opens a follow-up on the caseworkers' queue, with the answers that caused it.
    A check-in is answered once: a second answer at the same time is refused."""
    checkin = checkin_get(actor=actor, checkin_id=checkin_id)
    if pay_amount is not None:
        if pay_amount <= 0:
            raise ValidationFailed(AMOUNT_POSITIVE, code="pay_not_positive", field="pay_amount")
        if not is_currency(pay_currency.upper()) or not pay_period:
            raise ValidationFailed(PAY_INCOMPLETE, code="pay_incomplete", field="pay_currency")
    found = worries(
        paid_on_time=paid_on_time,
        documents_in_hand=documents_in_hand,
        safe=safe,
        housing_ok=housing_ok,
        wants_contact=wants_contact,
    )
    with transaction.atomic():
        locked = CheckIn.objects.select_for_update().get(pk=checkin.pk)
        if locked.answered_at is not None:
            raise Conflict(ALREADY_ANSWERED, code="checkin_already_answered")
        for name, value in {
            "paid_on_time": paid_on_time,
            "pay_amount": pay_amount,
            "pay_currency": pay_currency.upper() if pay_amount is not None else "",
            "pay_period": pay_period if pay_amount is not None else "",
            "recovering_deductions": recovering_deductions,
            "hours_worked": hours_worked,
            "housing_ok": housing_ok,
            "documents_in_hand": documents_in_hand,
            "safe": safe,
            "wants_contact": wants_contact,
            "note": note.strip(),
        }.items():
            setattr(locked, name, value)
        locked.answered_at = timezone.now()
        locked.answered_by = actor
        locked.save()
        if found:
            FollowUp.objects.create(placement=checkin.placement, checkin=locked, reasons=found)
        audit_record(
            verb=AuditVerb.CHECKIN_ANSWERED,
            actor=actor,
            obj=checkin.placement,
            jurisdiction=checkin.placement.jurisdiction_id,
            after={"checkin": locked.pk, "worries": found},
        )
    return locked


def followup_close(*, actor: Actor, followup_id: Any, outcome: str) -> FollowUp:
    """A caseworker closes a follow-up, saying what was done (a call, a visit, a referral)."""
    followup = followup_get(actor=actor, followup_id=followup_id)
    if not outcome.strip():
        raise ValidationFailed(OUTCOME_REQUIRED, code="outcome_required", field="outcome")
    with transaction.atomic():
        locked = FollowUp.objects.select_for_update().get(pk=followup.pk)
        if locked.closed_at is not None:
            raise Conflict(ALREADY_CLOSED, code="followup_already_closed")
        locked.closed_at = timezone.now()
        locked.closed_by = actor
        locked.outcome = outcome.strip()
        locked.save(update_fields=["closed_at", "closed_by", "outcome", "updated_at"])
        audit_record(
            verb=AuditVerb.FOLLOWUP_CLOSED,
            actor=actor,
            obj=followup.placement,
            jurisdiction=followup.placement.jurisdiction_id,
            after={"followup": locked.pk},
            reason=locked.outcome,
        )
    return locked


# --- exchange rates ------------------------------------------------------------------------------


@dataclass(frozen=True)
class RatesImported:
    added: int
    unchanged: int
    errors: list[tuple[int, str]]


RATE_COLUMNS = ("date", "base", "quote", "rate", "source")
CSV_MAX_BYTES = 2 * 1024 * 1024
CSV_TOO_BIG = _("The file is larger than 2 MB.")


def csv_text(upload: UploadedFile) -> str:
    """An uploaded CSV's text (rates, a roster): UTF-8, or Latin-1 as a spreadsheet may save
    it; refused past CSV_MAX_BYTES."""
    raw = upload.read(CSV_MAX_BYTES + 1)
    if len(raw) > CSV_MAX_BYTES:
        raise ValidationFailed(CSV_TOO_BIG, code="file_too_big", field="file")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("latin-1")


def rates_import(*, actor: Actor, text: str) -> RatesImported:
    """Reference rates from a CSV (date, base, quote, rate, source; a header row first). Every bad
    row is reported with its line, and then nothing is written; a rate already recorded with the
    same value is left as it is, with another value it is an error (a published rate does not
    change)."""
    if not user_can(actor, Perm.KEEP_EXCHANGE_RATES):
        raise NotAllowed(_("You may not make this change."), code="not_allowed")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    header = [c.strip().lower() for c in rows[0]] if rows else []
    if header[: len(RATE_COLUMNS)] != list(RATE_COLUMNS):
        raise ValidationFailed(
            RATES_HEADER % {"columns": ", ".join(RATE_COLUMNS)}, code="rates_header", field="file"
        )
    errors: list[tuple[int, str]] = []
    found: dict[tuple[date, str, str], tuple[Decimal, str, int]] = {}
    for line, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        problem, parsed = rate_row(row)
        if problem:
            errors.append((line, str(problem)))
        elif parsed[:3] in found and found[parsed[:3]][0] != parsed[3]:
            errors.append((line, str(RATE_TWICE)))
        else:
            found[parsed[:3]] = (*parsed[3:], line)
    existing = {
        (r.on, r.base, r.quote): r.rate
        for r in ExchangeRate.objects.filter(on__in={key[0] for key in found})
    }
    for key, (rate, _source, line) in found.items():
        if key in existing and existing[key] != rate:
            errors.append((line, str(RATE_CHANGED % {"rate": existing[key]})))
    if errors:
        return RatesImported(0, 0, sorted(errors))
    new = [
        ExchangeRate(on=on, base=base, quote=quote, rate=rate, source=source, recorded_by=actor)
        for (on, base, quote), (rate, source, _line) in found.items()
        if (on, base, quote) not in existing
    ]
    with transaction.atomic():
        ExchangeRate.objects.bulk_create(new)
        audit_record(
            verb=AuditVerb.RATES_IMPORTED,
            actor=actor,
            obj=None,
            jurisdiction=None,
            after={"added": len(new), "unchanged": len(found) - len(new)},
        )
    return RatesImported(len(new), len(found) - len(new), [])


def rate_row(row: list[str]) -> tuple[Any, tuple[Any, ...]]:
    """One CSV row of rates: (problem, ()) or ("", (date, base, quote, rate, source))."""
    cells = [c.strip() for c in row] + [""] * (len(RATE_COLUMNS) - len(row))
    day, base, quote, rate, source = cells[: len(RATE_COLUMNS)]
    try:
        on = date.fromisoformat(day)
    except ValueError:
        return RATE_DATE, ()
    base, quote = base.upper(), quote.upper()
    if not is_currency(base) or not is_currency(quote) or base == quote:
        return RATE_PAIR, ()
    try:
        value = Decimal(rate.replace(",", "."))
    except ArithmeticError:
        value = Decimal(0)
    if not value.is_finite() or value <= 0 or value >= Decimal(10) ** 12:
        return RATE_VALUE, ()
    if not source:
        return RATE_SOURCE, ()
    if on > timezone.localdate():
        return PAID_IN_FUTURE, ()
    return "", (on, base, quote, value.quantize(Decimal("0.00000001")), source[:200])


# --- the worker signs on their phone -------------------------------------------------------------

CODE_MINUTES = 10
CODE_ATTEMPTS = 5


def _code_hash(contract: Contract, code: str) -> str:
    key = f"{settings.SECRET_KEY}:contract-code:{contract.pk}".encode()
    return hmac.new(key, code.encode(), hashlib.sha256).hexdigest()


def contract_code_send(*, actor: Actor, placement_id: Any) -> Contract:
    """Send the worker a one-time code (by SMS, or e-mail without a phone) to sign the contract
    offered on their own placement. A new code replaces the last one."""
    placement = placement_of_worker(actor=actor, placement_id=placement_id)
    worker = placement.worker
    if not (worker.phone or actor.email):
        raise Conflict(NO_ADDRESS, code="worker_unreachable")
    with transaction.atomic():
        contract = placement_contract(placement, lock=True)
        if contract is None or placement.state != Step.CONTRACT_OFFERED:
            raise Conflict(NO_CONTRACT, code="contract_not_offered")
        if contract.signed_at is not None:
            raise Conflict(ALREADY_SIGNED, code="contract_already_signed")
        code = f"{secrets.randbelow(10**6):06d}"
        contract.code_hash = _code_hash(contract, code)
        contract.code_expires_at = timezone.now() + timedelta(minutes=CODE_MINUTES)
        contract.code_attempts = 0
        contract.save(update_fields=["code_hash", "code_expires_at", "code_attempts"])
        notify(
            user=actor,
            phone=worker.phone,
            email="" if worker.phone else actor.email,
            language=getattr(actor, "preferred_language", "") or "es",
            kind="contract.code",
            subject=CODE_SUBJECT,
            body=CODE_BODY,
            values={"code": code, "contract": contract.code, "minutes": CODE_MINUTES},
            secret=True,
        )
    return contract


def contract_sign_by_code(*, actor: Actor, placement_id: Any, code: str) -> Placement:
    """The worker signs the contract offered on their own placement with the code sent to
    them: a wrong code counts, and after CODE_ATTEMPTS a new code must be sent."""
    placement = placement_of_worker(actor=actor, placement_id=placement_id)
    contract = placement_contract(placement)
    if contract is None:
        raise Conflict(NO_CONTRACT, code="contract_not_offered")
    if contract.signed_at is not None:
        raise Conflict(ALREADY_SIGNED, code="contract_already_signed")
    usable = (
        contract.code_hash
        and contract.code_expires_at
        and contract.code_expires_at > timezone.now()
        and contract.code_attempts < CODE_ATTEMPTS
    )
    if not usable:
        raise ValidationFailed(CODE_EXPIRED, code="signing_code_expired", field="code")
    if not hmac.compare_digest(contract.code_hash, _code_hash(contract, code.strip())):
        # Counted in a transaction of its own: the refusal must not undo it.
        Contract.objects.filter(pk=contract.pk).update(code_attempts=F("code_attempts") + 1)
        raise ValidationFailed(CODE_WRONG, code="signing_code_wrong", field="code")
    with transaction.atomic():
        contract = placement_contract(placement, lock=True)
        if contract.signed_at is not None or not contract.code_hash:
            raise Conflict(ALREADY_SIGNED, code="contract_already_signed")
        contract.signed_at = timezone.now()
        contract.signed_how = SignedHow.PHONE_CODE
        contract.signed_with = actor
        contract.code_hash = ""
        contract.save(
            update_fields=["signed_at", "signed_how", "signed_with", "code_hash", "updated_at"]
        )
        return transition(
            PLACEMENT,
            pk=placement.pk,
            to=Step.CONTRACT_SIGNED,
            actor=actor,
            expected=Step.CONTRACT_OFFERED,
            guard=lambda record: _guard(record, Step.CONTRACT_SIGNED),
            audit={"contract": contract.code, "signed_how": SignedHow.PHONE_CODE},
        )


# --- the end of the season -----------------------------------------------------------------------

# A season's evaluations are given once the contract has ended.
EVALUABLE = frozenset({Step.CONTRACT_ENDED, Step.RETURNED})


def evaluation_record(
    *, actor: Actor, placement_id: Any, side: str, rehire: bool, rating: int, comment: str = ""
) -> Evaluation:
    """The employer's or the caseworker's end-of-season evaluation. The employer's says whether
    the worker is asked back: a worker asked back earns the "returning" points in matching."""
    if side == EvaluationSide.EMPLOYER:
        placement = hosted_get(actor=actor, placement_id=placement_id)
    else:
        placement = placement_get(actor=actor, placement_id=placement_id)
    if placement.state not in EVALUABLE:
        raise Conflict(NOT_EVALUABLE, code="placement_not_evaluable")
    if not 1 <= rating <= 5:
        raise ValidationFailed(RATING_RANGE, code="rating_out_of_range", field="rating")
    try:
        with transaction.atomic():
            evaluation = Evaluation.objects.create(
                placement=placement,
                side=side,
                rehire=rehire,
                rating=rating,
                comment=comment.strip(),
                by=actor,
            )
            if side == EvaluationSide.EMPLOYER:
                Candidacy.objects.filter(pk=placement.candidacy_id).update(rehire=rehire)
            audit_record(
                verb=AuditVerb.PLACEMENT_EVALUATED,
                actor=actor,
                obj=placement,
                jurisdiction=placement.jurisdiction_id,
                after={"side": side, "rehire": rehire, "rating": rating},
            )
    except IntegrityError:
        raise Conflict(ALREADY_EVALUATED, code="already_evaluated") from None
    return evaluation


def attendance_log(*, actor: Actor, placement_id: Any, kind: str, on: date) -> Attendance:
    """The employer logs a worker's arrival at, or departure from, the worksite."""
    placement = hosted_get(actor=actor, placement_id=placement_id)
    return _attendance_write(actor, placement, kind, on, from_roster=False)


def _attendance_write(
    actor: Actor, placement: Placement, kind: str, on: date, *, from_roster: bool
) -> Attendance:
    if on > timezone.localdate():
        raise ValidationFailed(PAID_IN_FUTURE, code="attendance_in_future", field="on")
    entry, created = Attendance.objects.get_or_create(
        placement=placement,
        kind=kind,
        on=on,
        defaults={"recorded_by": actor, "from_roster": from_roster},
    )
    if created:
        audit_record(
            verb=AuditVerb.ATTENDANCE_LOGGED,
            actor=actor,
            obj=placement,
            jurisdiction=placement.jurisdiction_id,
            after={"kind": kind, "on": on.isoformat(), "roster": from_roster},
        )
    return entry


ROSTER_COLUMNS = ("contract", "event", "date")


def attendance_roster(*, actor: Actor, text: str) -> list[tuple[int, str]]:
    """A roster of arrivals and departures (contract code, "arrived" or "left", date): every bad
    row is reported with its line and then nothing is written. The errors, or none."""
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    header = [c.strip().lower() for c in rows[0]] if rows else []
    if header[: len(ROSTER_COLUMNS)] != list(ROSTER_COLUMNS):
        raise ValidationFailed(
            RATES_HEADER % {"columns": ", ".join(ROSTER_COLUMNS)},
            code="roster_header",
            field="file",
        )
    mine = {
        c.code.upper(): c.placement
        for c in Contract.objects.filter(
            placement__in=hosted_placements(actor=actor)
        ).select_related("placement")
    }
    errors: list[tuple[int, str]] = []
    entries: list[tuple[Placement, str, date]] = []
    for line, row in enumerate(rows[1:], start=2):
        cells = [c.strip() for c in row] + ["", "", ""]
        if not any(cells):
            continue
        code, kind, day = cells[0].upper(), cells[1].lower(), cells[2]
        if code not in mine:
            errors.append((line, str(ROSTER_UNKNOWN)))
            continue
        if kind not in AttendanceKind.values:
            errors.append((line, str(ROSTER_EVENT)))
            continue
        try:
            on = date.fromisoformat(day)
        except ValueError:
            errors.append((line, str(RATE_DATE)))
            continue
        if on > timezone.localdate():
            errors.append((line, str(PAID_IN_FUTURE)))
            continue
        entries.append((mine[code], kind, on))
    if errors:
        return errors
    with transaction.atomic():
        for placement, kind, on in entries:
            _attendance_write(actor, placement, kind, on, from_roster=True)
    return []


def rehire_by_name(*, actor: Actor, placement_id: Any, order_id: Any) -> Placement:
    """The employer asks a worker back by name for next season's order: from the evaluated
    placement in which they said so, a new placement opens (matching selects the worker). When
    employer, country and occupation are unchanged, it is on the fast path: what is still valid
    from last season is carried over (placement_open)."""
    placement = hosted_get(actor=actor, placement_id=placement_id)
    asked_back = placement.evaluations.filter(side=EvaluationSide.EMPLOYER, rehire=True).exists()
    if placement.state != Step.EVALUATED or not asked_back:
        raise Conflict(NOT_ASKED_BACK, code="not_asked_back")
    candidacy = candidacy_rehire(actor=actor, order_id=order_id, worker_id=placement.worker_id)
    return Placement.objects.get(candidacy=candidacy)
