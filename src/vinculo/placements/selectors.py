"""Reads of placements, scoped to the jurisdictions where the actor follows placements."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from vinculo.core.access import get_or_404, scope_for, user_can
from vinculo.core.lifecycle import Lifecycle, Move
from vinculo.core.models import Actor
from vinculo.core.permissions import Perm, Role
from vinculo.jobs.models import JobOrder, JobOrderState
from vinculo.placements import terms as contract_terms
from vinculo.placements.domain import (
    ATTENDANCE_STATES,
    AWAY,
    PLACEMENT_MOVES,
    WORKER_SIDE,
    CorridorFigure,
    CostPaid,
    Exit,
    Late,
    Money,
    NoRate,
    PlacementIndicator,
    Rate,
    Rates,
    Step,
    attendance_mismatch,
    corridor_figure,
    deadline_late,
    monthly,
    off_its_journey,
    placement_indicator,
)
from vinculo.placements.models import (
    CheckIn,
    Contract,
    ExchangeRate,
    FeeRecord,
    FeeState,
    FollowUp,
    Placement,
    PlacementEvent,
    TermsCheck,
)
from vinculo.policy.loader import PolicyPackNotFound, pack_get, packs_all
from vinculo.policy.schema import PolicyPack, StepDeadline


def _sides(actor: Actor, placement: Placement) -> frozenset[str]:
    """The worker stands on their own placement's side (to sign their contract)."""
    user_id = getattr(actor, "pk", None)
    mine = user_id is not None and placement.worker.user_id == user_id
    return frozenset({WORKER_SIDE}) if mine else frozenset()


PLACEMENT = Lifecycle(
    Placement,
    PLACEMENT_MOVES,
    "placement",
    events=PlacementEvent,
    subject="placement",
    sides=_sides,
)


def placement_list(*, actor: Actor) -> QuerySet[Placement]:
    return (
        scope_for(actor, Perm.MANAGE_PLACEMENTS)
        .apply(Placement.objects.all())
        .select_related("worker", "order", "order__employer")
        .order_by("-created_at")
    )


def placement_get(*, actor: Actor, placement_id: Any) -> Placement:
    return get_or_404(placement_list(actor=actor), pk=placement_id)


def placement_journey(placement: Placement) -> list[tuple[str, Any, bool]]:
    """The placement's journey as (step, label, reached) in order: what its page draws."""
    at = placement.steps.index(placement.state) if placement.state in placement.steps else -1
    return [(step, Step(step).label, i <= at) for i, step in enumerate(placement.steps)]


def placement_moves_available(*, actor: Actor, placement: Placement) -> dict[str, Move]:
    """The moves the actor may make now: the next step of its journey and the exits open. The
    signature is not one of them: it is recorded by signing (services.contract_sign)."""
    return {
        to: move
        for to, move in PLACEMENT.available(actor=actor, record=placement).items()
        if off_its_journey(placement, to) is None and to != Step.CONTRACT_SIGNED
    }


def placement_contract(
    placement: Placement, *, first: bool = False, lock: bool = False
) -> Contract | None:
    """The placement's contract in force (its latest version), or the first one offered, the
    frozen offer later documents are compared with."""
    contracts = placement.contracts.order_by("version" if first else "-version")
    if lock:
        contracts = contracts.select_for_update()
    return contracts.first()


def placement_checks(placement: Placement) -> QuerySet[TermsCheck]:
    return placement.checks.select_related("recorded_by", "cleared_by")


def contract_by_code(*, code: str) -> Contract | None:
    """A contract by its public code: the public check, for anyone holding the paper."""
    return (
        Contract.objects.filter(code__iexact=code.strip())
        .select_related("placement__order__employer")
        .first()
    )


def terms_check_get(*, actor: Actor, check_id: Any) -> TermsCheck:
    return get_or_404(
        TermsCheck.objects.filter(placement__in=placement_list(actor=actor)), pk=check_id
    )


def substitution_flags(*, actor: Actor, state: str = "flagged") -> QuerySet[TermsCheck]:
    """The substitution checks of the jurisdictions where the actor clears flags, open ones by
    default, oldest first: what an official reviews."""
    placements = scope_for(actor, Perm.CLEAR_SUBSTITUTION_FLAGS).apply(Placement.objects.all())
    return (
        TermsCheck.objects.filter(placement__in=placements, state=state)
        .select_related("placement__worker", "placement__order__employer", "recorded_by")
        .order_by("created_at" if state == "flagged" else "-created_at")
    )


def placement_order(*, actor: Actor, order_id: int) -> JobOrder:
    """A job order some of whose placements the actor follows (the list's filter)."""
    return get_or_404(
        JobOrder.objects.filter(placements__in=placement_list(actor=actor)).distinct(),
        pk=order_id,
    )


def placement_names(*, actor: Actor, placement_ids: list[int]) -> dict[int, str]:
    """The worker's name of each placement the actor follows, by placement id."""
    visible = placement_list(actor=actor).filter(pk__in=placement_ids)
    return {p.pk: p.worker.full_name for p in visible}


def placement_of_worker(*, actor: Actor, placement_id: Any) -> Placement:
    """A placement of the worker signed in: their own journey, and nobody else's."""
    if not user_can(actor, Perm.FOLLOW_OWN_JOURNEY):
        raise Http404
    return get_or_404(
        Placement.objects.filter(worker__user=actor).select_related("order__employer"),
        pk=placement_id,
    )


def placement_for_costs(*, actor: Actor, placement_id: Any) -> Placement:
    """A placement whose costs the actor may record: one they follow, or their own."""
    if user_can(actor, Perm.MANAGE_PLACEMENTS):
        return placement_get(actor=actor, placement_id=placement_id)
    return placement_of_worker(actor=actor, placement_id=placement_id)


def placement_fees(placement: Placement) -> QuerySet[FeeRecord]:
    return placement.fees.select_related("recorded_by", "refunded_by")


def fee_get(*, actor: Actor, fee_id: Any) -> FeeRecord:
    """A cost on a placement the actor follows, or on their own."""
    return get_or_404(
        FeeRecord.objects.filter(placement__in=_own_or_followed(actor)).select_related("placement"),
        pk=fee_id,
    )


def _own_or_followed(actor: Actor) -> QuerySet[Placement]:
    """The placements an actor follows (caseworkers, officials) or, for a worker, their own."""
    if user_can(actor, Perm.MANAGE_PLACEMENTS):
        return placement_list(actor=actor)
    if user_can(actor, Perm.FOLLOW_OWN_JOURNEY):
        return Placement.objects.filter(worker__user=actor)
    raise Http404


def checkin_get(*, actor: Actor, checkin_id: Any) -> CheckIn:
    return get_or_404(
        CheckIn.objects.filter(placement__in=_own_or_followed(actor)).select_related("placement"),
        pk=checkin_id,
    )


def followup_get(*, actor: Actor, followup_id: Any) -> FollowUp:
    return get_or_404(
        FollowUp.objects.filter(placement__in=placement_list(actor=actor)).select_related(
            "placement"
        ),
        pk=followup_id,
    )


def followups_open(*, actor: Actor) -> QuerySet[FollowUp]:
    """Worrying check-ins not yet closed, oldest first."""
    return (
        FollowUp.objects.filter(placement__in=placement_list(actor=actor), closed_at=None)
        .select_related("placement__worker", "placement__order__employer", "checkin")
        .order_by("created_at")
    )


def checkins_overdue(*, actor: Actor, today: date) -> QuerySet[CheckIn]:
    """Check-ins due and not answered on placements still under way, the latest first."""
    return (
        CheckIn.objects.filter(
            placement__in=placement_list(actor=actor).filter(state__in=AWAY),
            answered_at=None,
            due_on__lt=today,
        )
        .select_related("placement__worker", "placement__order__employer")
        .order_by("due_on")
    )


def order_pack(order: JobOrder) -> PolicyPack | None:
    """The pack the order is held to: its programme's, or the worksite country's."""
    try:
        return pack_get(order.programme or order.worksite_country)
    except PolicyPackNotFound:
        return None


def _deadlines(order: JobOrder) -> list[StepDeadline]:
    pack = order_pack(order)
    return list(pack.placement.deadlines) if pack and pack.placement else []


@dataclass(frozen=True)
class Overdue:
    placement: Placement
    deadline: StepDeadline
    late: Late


def deadlines_overdue(*, actor: Actor, today: date) -> list[Overdue]:
    """The actor's placements past a deadline of their programme's pack, the latest first."""
    return overdue_among(placement_list(actor=actor), today)


def overdue_among(placements: QuerySet[Placement], today: date) -> list[Overdue]:
    """Placements of `placements` past a deadline of their pack, the latest first. Only orders
    held to a pack with deadlines are read, and of them the journeys not ended."""
    codes = [
        code
        for code, loaded in packs_all().items()
        if loaded.pack.placement and loaded.pack.placement.deadlines
    ]
    if not codes:
        return []
    held = Q(order__programme__in=codes) | Q(order__programme="", order__worksite_country__in=codes)
    candidates = [
        (placement, deadlines)
        for placement in placements.filter(held)
        .exclude(state__in=[*Exit.values, Step.EVALUATED])
        .select_related("order__employer", "worker")
        if (deadlines := _deadlines(placement.order))
    ]
    done: dict[tuple[int, str], date] = {}
    for placement_id, state, at in PlacementEvent.objects.filter(
        placement__in=[p.pk for p, _d in candidates],
        to_state__in={d.after for _p, deadlines in candidates for d in deadlines},
    ).values_list("placement_id", "to_state", "at"):
        day = timezone.localtime(at).date()
        done[(placement_id, state)] = max(day, done.get((placement_id, state), day))
    rows = []
    for placement, deadlines in candidates:
        for deadline in deadlines:
            late = deadline_late(
                placement.steps,
                placement.state,
                step=deadline.step,
                after=deadline.after,
                days=deadline.days,
                done_on=done.get((placement.pk, deadline.after)),
                today=today,
            )
            if late is not None:
                rows.append(Overdue(placement, deadline, late))
    return sorted(rows, key=lambda row: (-row.late.days, row.placement.pk))


def exchange_rates() -> QuerySet[ExchangeRate]:
    return ExchangeRate.objects.select_related("recorded_by")


# --- SDG indicator 10.7.1 ------------------------------------------------------------------------


def reference_rates() -> Rates:
    return Rates(
        Rate(on=r.on, base=r.base, quote=r.quote, rate=r.rate, source=r.source)
        for r in ExchangeRate.objects.all()
    )


@dataclass(frozen=True)
class Indicator:
    """Indicator 10.7.1 of one placement, or why it cannot be worked out yet."""

    figure: PlacementIndicator | None
    missing: str = ""


def first_pay(placement: Placement) -> CheckIn | None:
    """The first check-in that recorded the worker's pay: the income of the indicator. Read
    from the placement's check-ins as loaded (the corridor page prefetches them)."""
    paid = [c for c in placement.checkins.all() if c.pay_amount is not None and c.answered_at]
    return min(paid, key=lambda c: c.answered_at, default=None)


def placement_indicator_of(placement: Placement, rates: Rates) -> Indicator:
    pay = first_pay(placement)
    if pay is None:
        return Indicator(None, "no_pay")
    paid = [
        CostPaid(f.item, Money(f.amount, f.currency), f.paid_on)
        for f in placement.fees.all()
        if f.state != FeeState.REFUNDED
    ]
    try:
        figure = placement_indicator(
            paid,
            monthly_income=Money(monthly(pay.pay_amount, pay.pay_period), pay.pay_currency),
            recovering_deductions=monthly(pay.recovering_deductions, pay.pay_period),
            income_on=timezone.localtime(pay.answered_at).date(),
            rates=rates,
        )
    except NoRate:
        return Indicator(None, "no_rate")
    except ValueError:
        return Indicator(None, "no_income")
    return Indicator(figure)


@dataclass(frozen=True)
class CorridorRow:
    origin: str
    destination: str
    programme: str
    figure: CorridorFigure
    not_computable: int


def corridor_figures(*, actor: Actor) -> list[CorridorRow]:
    """Indicator 10.7.1 by corridor (the worker's country of nationality to the worksite's) and
    programme, over the placements the actor follows whose pay is recorded, with the count of
    those that cannot be worked out yet (a cost in a currency with no reference rate)."""
    rates = reference_rates()
    ratios: dict[tuple[str, str, str], list[Decimal]] = {}
    stuck: dict[tuple[str, str, str], int] = {}
    placements = (
        placement_list(actor=actor)
        .filter(checkins__pay_amount__isnull=False)
        .distinct()
        .prefetch_related("fees", "checkins")
    )
    for placement in placements:
        key = (
            placement.worker.nationality,
            placement.order.worksite_country,
            placement.order.programme,
        )
        indicator = placement_indicator_of(placement, rates)
        if indicator.figure is None:
            stuck[key] = stuck.get(key, 0) + 1
        else:
            ratios.setdefault(key, []).append(indicator.figure.ratio)
    return [
        CorridorRow(*key, corridor_figure(ratios.get(key, [])), stuck.get(key, 0))
        for key in sorted(set(ratios) | set(stuck))
    ]


def placements_of_worker(*, actor: Actor) -> QuerySet[Placement]:
    """The journeys of the worker signed in, the latest first."""
    if not user_can(actor, Perm.FOLLOW_OWN_JOURNEY):
        raise Http404
    return (
        Placement.objects.filter(worker__user=actor)
        .select_related("order__employer", "jurisdiction", "worker")
        .order_by("-created_at")
    )


def caseworker_of(placement: Placement) -> Any:
    """Who follows the placement: the last caseworker or official who moved it."""
    event = (
        placement.events.exclude(actor=None)
        .exclude(actor_id=placement.worker.user_id)
        .select_related("actor")
        .order_by("-at")
        .first()
    )
    return event.actor if event else None


# --- the employer's side -------------------------------------------------------------------------


def hosted_placements(*, actor: Actor) -> QuerySet[Placement]:
    """The placements of workers placed with the employers the actor works for."""
    if not user_can(actor, Perm.HOST_PLACED_WORKERS):
        return Placement.objects.none()
    employers = [
        m.organisation_id
        for m in actor.active_memberships
        if m.role == Role.EMPLOYER_STAFF and m.organisation_id
    ]
    return (
        Placement.objects.filter(order__employer_id__in=employers)
        .select_related("worker", "order", "order__employer")
        .order_by("order__start_date", "worker__first_surname", "pk")
    )


def hosted_get(*, actor: Actor, placement_id: Any) -> Placement:
    return get_or_404(hosted_placements(actor=actor), pk=placement_id)


def attendance_mismatches(*, actor: Actor, today: date) -> list[tuple[Placement, str]]:
    """Placements whose employer's log and journey disagree, for the caseworkers' queue."""
    found = []
    placements = (
        placement_list(actor=actor)
        .filter(state__in=ATTENDANCE_STATES)
        .prefetch_related("attendance", "events")
    )
    for placement in placements:
        employed = next((e.at for e in placement.events.all() if e.to_state == Step.EMPLOYED), None)
        mismatch = attendance_mismatch(
            placement.steps,
            placement.state,
            {a.kind for a in placement.attendance.all()},
            days_at_work=(today - timezone.localtime(employed).date()).days if employed else 0,
        )
        if mismatch:
            found.append((placement, mismatch))
    return found


def rehire_orders(*, actor: Actor, placement: Placement) -> QuerySet[JobOrder]:
    """The employer's orders a worker may be asked back for: open, of the same employer,
    starting after the season evaluated."""
    return JobOrder.objects.filter(
        employer_id=placement.order.employer_id,
        state__in=(JobOrderState.APPROVED, JobOrderState.PUBLISHED),
        start_date__gt=placement.order.end_date,
    ).order_by("start_date")


def changes_since_last_season(placement: Placement, contract: Contract) -> list[Any] | None:
    """A re-hired worker's contract beside last season's: the terms that changed (None when the
    placement is no re-hire, or last season had no contract)."""
    last = placement_contract(placement.carried_from) if placement.carried_from_id else None
    if last is None:
        return None
    return [c for c in contract_terms.compare(last.terms, contract.terms) if c.changed]
