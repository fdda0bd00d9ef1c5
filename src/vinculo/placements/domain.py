"""A placement: one worker's journey on one job order, from selection to return and re-hire.

Pure Python, no database: the steps of the journey and which of them a programme uses, the costs
a worker may have paid (in the ILO's categories), the conversion of amounts between currencies
with a named reference rate, and SDG indicator 10.7.1 for one placement and for a corridor.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from vinculo.core.audit import AuditVerb
from vinculo.core.lifecycle import Move
from vinculo.core.permissions import Perm
from vinculo.core.values import add_months
from vinculo.policy.domain import both_languages, check_worker_cost
from vinculo.policy.schema import PolicyPack

# --- the journey ---------------------------------------------------------------------------------


class Step(models.TextChoices):
    SELECTED = "selected", _("Selected")
    CONTRACT_OFFERED = "contract_offered", _("Contract offered")
    CONTRACT_SIGNED = "contract_signed", _("Contract signed")
    MEDICAL_CLEARED = "medical_cleared", _("Medical clearance")
    PERMIT_REQUESTED = "permit_requested", _("Visa or permit requested")
    PERMIT_GRANTED = "permit_granted", _("Visa or permit granted")
    ORIENTED = "oriented", _("Pre-departure orientation done")
    DEPARTED = "departed", _("Departed")
    ARRIVED = "arrived", _("Arrived")
    EMPLOYED = "employed", _("Working")
    CONTRACT_ENDED = "contract_ended", _("Contract ended")
    RETURNED = "returned", _("Returned home")
    EVALUATED = "evaluated", _("Evaluated")


class Exit(models.TextChoices):
    """Ways a placement ends before its journey does; each needs its reason."""

    WITHDRAWN = "withdrawn", _("Withdrawn")
    REJECTED = "rejected", _("Rejected")
    EARLY_RETURN = "early_return", _("Returned early")
    IRREGULAR = "irregular", _("Irregular")
    DECEASED = "deceased", _("Deceased")


JOURNEY: tuple[str, ...] = tuple(Step.values)
# Every journey has a beginning and an end; the steps between them are the programme's choice.
FIXED = frozenset({Step.SELECTED, Step.CONTRACT_SIGNED, Step.EMPLOYED, Step.EVALUATED})
# Steps only a move across a border has: a domestic placement skips them.
CROSS_BORDER = frozenset(
    {Step.PERMIT_REQUESTED, Step.PERMIT_GRANTED, Step.DEPARTED, Step.ARRIVED, Step.RETURNED}
)
# The exits that are not open once the worker has travelled, and those only open then.
BEFORE_TRAVEL_EXITS = frozenset({Exit.WITHDRAWN, Exit.REJECTED})
AWAY_EXITS = frozenset({Exit.EARLY_RETURN, Exit.IRREGULAR})


class StepsInvalid(ValueError):
    """A programme's list of skipped steps names a step that is not one, or one no journey can
    do without."""


def journey(skipped: Iterable[str] = ()) -> tuple[str, ...]:
    """The steps of a programme's journey, in order: every step but those its pack skips."""
    skipped = set(skipped)
    unknown = sorted(skipped - set(JOURNEY))
    if unknown:
        raise StepsInvalid(f"not steps of a placement: {', '.join(unknown)}")
    fixed = sorted(skipped & FIXED)
    if fixed:
        raise StepsInvalid(f"no journey can skip: {', '.join(fixed)}")
    return tuple(s for s in JOURNEY if s not in skipped)


# What a named re-hire on the fast path (same employer, country and occupation) does not do
# again whatever its date: the pre-departure orientation of last season. The programme's pack
# may carry more steps while they are valid (a medical clearance for 12 months).
CARRIED_ON_FAST_PATH = (Step.ORIENTED,)


def carried_over(
    steps: Sequence[str],
    last_season: Sequence[str],
    *,
    done_on: Mapping[str, date] | None = None,
    valid_months: Mapping[str, int] | None = None,
    starts_on: date | None = None,
) -> list[str]:
    """The steps of a new journey carried over from last season's, in the journey's order: the
    orientation, and each step the pack keeps valid for `valid_months` that was done (`done_on`)
    no more than that before the new season `starts_on`. Only steps both journeys have."""
    done_on, valid_months = done_on or {}, valid_months or {}

    def still_valid(step: str) -> bool:
        done = done_on.get(step)
        months = valid_months.get(step)
        return bool(done and months and starts_on and add_months(done, months) >= starts_on)

    return [s for s in steps if s in last_season and (s in CARRIED_ON_FAST_PATH or still_valid(s))]


def next_step(steps: Sequence[str], current: str) -> str | None:
    """The step after `current` on this journey, or None at its end (or off it)."""
    if current not in steps:
        return None
    i = steps.index(current)
    return steps[i + 1] if i + 1 < len(steps) else None


def exits_from(steps: Sequence[str], current: str) -> frozenset[str]:
    """The exits open at `current`: withdrawing or being rejected until the worker travels (or,
    on a journey without travel, starts work); returning early or becoming irregular once away;
    a death at any point. None once the journey is over."""
    if current not in steps or current == steps[-1]:
        return frozenset()
    travelled_at = Step.DEPARTED if Step.DEPARTED in steps else Step.EMPLOYED
    away = steps.index(current) >= steps.index(travelled_at)
    return frozenset(
        {Exit.DECEASED, *(AWAY_EXITS if away else BEFORE_TRAVEL_EXITS)}
        - ({Exit.IRREGULAR} if Step.DEPARTED not in steps else set())
    )


# --- what a worker paid ------------------------------------------------------------------------


class CostItem(models.TextChoices):
    """The ILO's categories (General principles and operational guidelines for fair recruitment
    and Definition of recruitment fees and related costs, 2019, part II): the fee, the related
    costs, and what is never a legitimate cost at all."""

    RECRUITMENT_FEE = "recruitment_fee", _("Recruitment fee")
    MEDICAL = "medical", _("Medical examination")
    INSURANCE = "insurance", _("Insurance")
    SKILLS_TEST = "skills_test", _("Skills or language test")
    TRAINING = "training", _("Training and orientation")
    EQUIPMENT = "equipment", _("Equipment, tools or clothing")
    TRAVEL = "travel", _("Travel and lodging")
    DOCUMENTS = "documents", _("Documents and certificates")
    PASSPORT = "passport", _("Passport")
    VISA = "visa", _("Visa or permit")
    BANK = "bank", _("Bank and transfer charges")
    BOND = "bond", _("Bond or deposit")
    BRIBE = "bribe", _("Bribe, kickback or gift")


# A bond, a deposit, a bribe or a kickback is never legitimate, whoever the pack says bears costs.
ALWAYS_ILLEGITIMATE = frozenset({CostItem.BOND, CostItem.BRIBE})


# The currencies costs are offered in first: the region's (Mexico, Central America, the
# Caribbean) and the destinations'. Any ISO 4217 code is accepted through the API.
REGION_CURRENCIES = (
    *("MXN", "GTQ", "HNL", "NIO", "CRC", "PAB", "DOP", "HTG", "JMD", "TTD", "BZD"),
    *("USD", "CAD", "EUR"),
)


class Payee(models.TextChoices):
    AGENCY = "agency", _("The recruitment agency")
    EMPLOYER = "employer", _("The employer")
    INTERMEDIARY = "intermediary", _("An intermediary: a recruiter, a “coyote”, a fixer")
    AUTHORITY = "authority", _("A public authority")


# Each ILO item as the policy packs name the costs a worker may be allowed to pay
# (policy.schema.Cost); an item with no such name is never one a pack lets the worker pay.
POLICY_COST = {
    CostItem.RECRUITMENT_FEE: "recruitment_fee",
    CostItem.MEDICAL: "medical",
    CostItem.INSURANCE: "insurance",
    CostItem.SKILLS_TEST: "training",
    CostItem.TRAINING: "training",
    CostItem.TRAVEL: "travel_in",
    CostItem.DOCUMENTS: "documents",
    CostItem.PASSPORT: "documents",
    CostItem.VISA: "visa",
}
ILO_FAIR_RECRUITMENT = (
    "ILO, General principles and operational guidelines for fair recruitment and Definition of "
    "recruitment fees and related costs, 2019, principle 7 and part II"
)


@dataclass(frozen=True)
class FeeFinding:
    """Whether a cost a worker paid is a violation, why, in both languages, and the source."""

    violation: bool
    reason: str
    explanation: dict[str, str]
    source: str


def fee_finding(item: str, pack: PolicyPack | None) -> FeeFinding:
    """A cost the worker paid, against the programme's pack (or the worksite country's): a bond,
    a deposit, a bribe or a kickback always violates; any other cost violates unless the pack
    names it as one the worker may pay (then within its limit). Without a pack, the ILO's
    baseline: the worker pays no fee and no related cost."""
    if item in ALWAYS_ILLEGITIMATE:
        return FeeFinding(
            True,
            "never_legitimate",
            both_languages(
                gettext_noop("%(item)s: never a legitimate cost to a worker, whoever receives it."),
                item=CostItem(item).label,
            ),
            ILO_FAIR_RECRUITMENT,
        )
    if pack is None:
        return FeeFinding(
            True,
            "ilo_baseline",
            both_languages(
                gettext_noop(
                    "%(item)s: no policy pack covers this job, and under the ILO's principles "
                    "the worker pays no recruitment fee and no related cost."
                ),
                item=CostItem(item).label,
            ),
            ILO_FAIR_RECRUITMENT,
        )
    result = check_worker_cost(
        pack, cost=POLICY_COST.get(CostItem(item), item), paid_by_worker=True
    )
    return FeeFinding(not result.passed, result.reason, result.explanation, result.source)


# --- currencies ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Rate:
    """One reference rate an official recorded: 1 `base` = `rate` `quote`, on `on`."""

    on: date
    base: str
    quote: str
    rate: Decimal
    source: str


@dataclass(frozen=True)
class Money:
    amount: Decimal
    currency: str


@dataclass(frozen=True)
class Conversion:
    """An amount in another currency, with the rate it used (None: the same currency)."""

    original: Money
    converted: Money
    rate: Rate | None
    inverted: bool = False


class NoRate(LookupError):
    """No reference rate between the two currencies on or before the date."""


class Rates:
    """The reference rates in force: a conversion takes the pair's latest rate on or before the
    day of the amount, directly or inverted, and says which one it took."""

    def __init__(self, rates: Iterable[Rate]) -> None:
        self._by_pair: dict[tuple[str, str], list[Rate]] = {}
        for rate in rates:
            if rate.rate <= 0:
                raise ValueError(f"a rate must be positive: {rate}")
            self._by_pair.setdefault((rate.base, rate.quote), []).append(rate)
        for found in self._by_pair.values():
            found.sort(key=lambda r: r.on)

    def _latest(self, base: str, quote: str, on: date) -> Rate | None:
        found = [r for r in self._by_pair.get((base, quote), ()) if r.on <= on]
        return found[-1] if found else None

    def convert(self, money: Money, to: str, on: date) -> Conversion:
        if money.currency == to:
            return Conversion(money, money, None)
        direct = self._latest(money.currency, to, on)
        inverse = self._latest(to, money.currency, on)
        if direct is not None and (inverse is None or direct.on >= inverse.on):
            return Conversion(money, Money(money.amount * direct.rate, to), direct)
        if inverse is not None:
            return Conversion(money, Money(money.amount / inverse.rate, to), inverse, True)
        raise NoRate(f"no rate from {money.currency} to {to} on or before {on.isoformat()}")


# --- while away --------------------------------------------------------------------------------

# When a worker away is asked how things are, counting from the day they start work: after a
# week, after a month, then every month until the contract ends. Vínculo's default, after the
# first-month follow-up of Mexico's employment service; no pack sets its own yet.
FIRST_CHECKINS = (7, 30)
CHECKIN_EVERY = 30


def checkin_schedule(start: date, end: date) -> list[date]:
    """The days check-ins fall due, from the start of work to the end of the contract."""
    days = list(FIRST_CHECKINS)
    while days[-1] + CHECKIN_EVERY <= (end - start).days:
        days.append(days[-1] + CHECKIN_EVERY)
    return [start + timedelta(days=d) for d in days if start + timedelta(days=d) <= end]


class Worry(models.TextChoices):
    """Answers of a check-in that put the worker on a caseworker's queue."""

    NOT_PAID = "not_paid", _("Not paid on time")
    DOCUMENTS_RETAINED = "documents_retained", _("Passport or documents kept by someone else")
    UNSAFE = "unsafe", _("Does not feel safe")
    HOUSING = "housing", _("Housing not decent")
    WANTS_CONTACT = "wants_contact", _("Wants to talk to someone")


def worries(
    *,
    paid_on_time: bool | None,
    documents_in_hand: bool | None,
    safe: bool | None,
    housing_ok: bool | None,
    wants_contact: bool | None,
) -> list[str]:
    """The worrying answers of a check-in (an answer not given worries nobody)."""
    found = {
        Worry.NOT_PAID: paid_on_time is False,
        Worry.DOCUMENTS_RETAINED: documents_in_hand is False,
        Worry.UNSAFE: safe is False,
        Worry.HOUSING: housing_ok is False,
        Worry.WANTS_CONTACT: wants_contact is True,
    }
    return [str(worry) for worry, yes in found.items() if yes]


# A pay received for a period, as a month of it: 52 weeks or 26 fortnights make 12 months.
MONTHS_OF = {"week": Decimal(52) / 12, "fortnight": Decimal(26) / 12, "month": Decimal(1)}


def monthly(amount: Decimal, period: str) -> Decimal:
    return (amount * MONTHS_OF[period]).quantize(Decimal("0.01"), rounding=ROUND_HALF_EVEN)


class Mismatch(models.TextChoices):
    """Where the employer's attendance log and the placement's journey disagree."""

    NO_ARRIVAL = "no_arrival", _("Working, but the employer has not logged the arrival")
    ARRIVED_EARLY = "arrived_early", _("Logged at the worksite before departing")
    LEFT = "left", _("Left the worksite while still placed")


# Days a worker may be at work before a missing arrival in the employer's log is a mismatch.
ARRIVAL_GRACE_DAYS = 3


def attendance_mismatch(
    steps: Sequence[str], state: str, logged: set[str], *, days_at_work: int
) -> str | None:
    """How the employer's log (`logged`: "arrived", "left") disagrees with the journey, or None:
    a departure from the worksite of a worker still placed; an arrival before the worker has
    departed; a worker at work for more than ARRIVAL_GRACE_DAYS with no arrival logged."""
    if "left" in logged and state in ACTIVE:
        return Mismatch.LEFT
    before_travel = Step.DEPARTED in steps and state in {Step.PERMIT_GRANTED, Step.ORIENTED}
    if "arrived" in logged and before_travel:
        return Mismatch.ARRIVED_EARLY
    if "arrived" not in logged and state == Step.EMPLOYED and days_at_work > ARRIVAL_GRACE_DAYS:
        return Mismatch.NO_ARRIVAL
    return None


# --- SDG indicator 10.7.1 ------------------------------------------------------------------------


@dataclass(frozen=True)
class CostPaid:
    item: str
    money: Money
    paid_on: date


@dataclass(frozen=True)
class PlacementIndicator:
    """Indicator 10.7.1 for one placement: what the worker paid, in the currency of their pay,
    over one month of that pay; with every conversion it took."""

    cost: Decimal
    monthly_income: Decimal
    currency: str
    ratio: Decimal
    conversions: tuple[Conversion, ...]


RATIO_PLACES = Decimal("0.0001")


def placement_indicator(
    costs: Iterable[CostPaid],
    *,
    monthly_income: Money,
    recovering_deductions: Decimal = Decimal(0),
    income_on: date,
    rates: Rates,
) -> PlacementIndicator:
    """SDG indicator 10.7.1 ("recruitment cost borne by employee as a proportion of monthly
    income earned in country of destination"; ILO and World Bank, the cost and the income of the
    same worker) for one placement.

    The cost is everything the worker paid to find, qualify for, secure and reach the job, each
    amount converted into the currency of the pay at the reference rate in force on the day it
    was paid. The income is the first job's monthly pay, less the monthly deductions that
    recover recruitment costs (those are costs, not income), converted at the rate of
    `income_on`, the check-in that recorded it.
    """
    currency = monthly_income.currency
    conversions = tuple(rates.convert(c.money, currency, c.paid_on) for c in costs)
    cost = sum((c.converted.amount for c in conversions), Decimal(0))
    income = monthly_income.amount - recovering_deductions
    if income <= 0:
        raise ValueError("the monthly income, net of the deductions that recover costs, is 0")
    ratio = (cost / income).quantize(RATIO_PLACES, rounding=ROUND_HALF_EVEN)
    return PlacementIndicator(cost, income, currency, ratio, conversions)


@dataclass(frozen=True)
class CorridorFigure:
    """Indicator 10.7.1 over a corridor's (or a programme's) placements: the count behind it,
    the mean and the median ratio, and the fourth quintile — the ratio four fifths of the
    placements stay at or under (the upper bound of the fourth fifth)."""

    count: int
    mean: Decimal | None
    median: Decimal | None
    fourth_quintile: Decimal | None


def corridor_figure(ratios: Iterable[Decimal]) -> CorridorFigure:
    values = sorted(ratios)
    if not values:
        return CorridorFigure(0, None, None, None)

    def rounded(value: Decimal) -> Decimal:
        return Decimal(value).quantize(RATIO_PLACES, rounding=ROUND_HALF_EVEN)

    # `statistics.quantiles` needs two values; with one, that value is every quantile.
    fifths = statistics.quantiles(values, n=5, method="inclusive") if len(values) > 1 else values
    return CorridorFigure(
        count=len(values),
        mean=rounded(statistics.mean(values)),
        median=rounded(statistics.median(values)),
        fourth_quintile=rounded(fifths[-1]),
    )


# --- moves ---------------------------------------------------------------------------------------

STATES = [*Step.choices, *Exit.choices]
# A worker on one of these is on a journey: no second placement opens for them meanwhile.
ACTIVE = frozenset(JOURNEY[: JOURNEY.index(Step.EMPLOYED) + 1])
# Away at work: check-ins fall due on these.
AWAY = frozenset({Step.ARRIVED, Step.EMPLOYED})
# Where the employer's attendance log and the journey can disagree.
ATTENDANCE_STATES = frozenset(
    {Step.PERMIT_GRANTED, Step.ORIENTED, Step.DEPARTED, Step.ARRIVED, Step.EMPLOYED}
)


# The worker of a placement: they sign their own contract, on their phone, with a one-time code.
WORKER_SIDE = "worker"

# What the worker brings to the next step, said on their journey page and in the notice.
BRING = {
    Step.CONTRACT_SIGNED: _("Your identity document, to sign the contract."),
    Step.MEDICAL_CLEARED: _("Your identity document, to the medical examination."),
    Step.PERMIT_REQUESTED: _("Your passport, the signed contract and two passport photos."),
    Step.PERMIT_GRANTED: _("Nothing: the consulate answers the request."),
    Step.ORIENTED: _("Your passport, to the pre-departure orientation."),
    Step.DEPARTED: _("Your passport with the visa or permit, the contract and your ticket."),
    Step.ARRIVED: _("Your passport and the contract, at the border."),
    Step.EMPLOYED: _("The contract, on the first day of work."),
    Step.RETURNED: _("Your passport, for the journey home."),
}


def _moves() -> dict[tuple[str, str], Move]:
    """Every move any programme's journey may make, by a caseworker or an official of the
    placement's authority: to a later step (the placement's own journey decides which one is
    next, `off_its_journey`, and a refusal names the steps still to do), or out by an exit,
    with a reason."""
    table: dict[tuple[str, str], Move] = {}
    for i, step in enumerate(JOURNEY[:-1]):
        for later in JOURNEY[i + 1 :]:
            table[(step, later)] = Move(
                Step(later).label,
                AuditVerb.PLACEMENT_ADVANCED,
                Perm.MANAGE_PLACEMENTS,
                sides=frozenset({WORKER_SIDE})
                if (step, later) == (Step.CONTRACT_OFFERED, Step.CONTRACT_SIGNED)
                else frozenset(),
            )
        for way_out in Exit:
            table[(step, way_out)] = Move(
                way_out.label,
                AuditVerb.PLACEMENT_ENDED,
                Perm.MANAGE_PLACEMENTS,
                needs_reason=True,
            )
    return table


def off_its_journey(placement: Any, move_to: str) -> str | None:
    """Refuses a move the placement's own journey does not make from where it is: a step it
    skips or one further on, or an exit not open there. None when the move may be made."""
    steps = list(placement.steps)
    if move_to in Exit.values:
        if move_to not in exits_from(steps, placement.state):
            return "exit_not_open"
    elif next_step(steps, placement.state) != move_to:
        return "not_the_next_step"
    return None


PLACEMENT_MOVES = _moves()


def steps_missing(steps: Sequence[str], current: str, to: str) -> list[str]:
    """The steps of this journey still to be done before `to` can be (empty when `to` is the
    next one, is not on the journey, or is already behind): what a refused move names."""
    if to not in steps or current not in steps:
        return []
    return list(steps[steps.index(current) + 1 : steps.index(to)])


def held_by_flags(steps: Sequence[str], current: str, to: str) -> bool:
    """A move an open substitution flag or fee violation holds back: along the journey from the
    signature up to the worker's travel (departure, or starting work on a journey without
    one). Exits stay open, and once the worker is away the record of where they are goes on:
    the flag stays open on the placement and on the employer's and agency's pages."""
    if to not in steps or current not in steps:
        return False
    travel = Step.DEPARTED if Step.DEPARTED in steps else Step.EMPLOYED
    return steps.index(Step.CONTRACT_SIGNED) <= steps.index(current) < steps.index(travel)


def journey_for(
    *, worksite_country: str, home_country: str, skipped: Iterable[str] = ()
) -> tuple[str, ...]:
    """The steps of a placement: those its programme's pack leaves out (`skipped`) are skipped,
    and one within the worker's own country crosses no border, so it has no visa, departure,
    arrival or return either."""
    leave_out = set(skipped)
    if worksite_country and worksite_country == home_country:
        leave_out |= CROSS_BORDER
    return journey(leave_out)


@dataclass(frozen=True)
class Late:
    due_on: date
    days: int


def deadline_late(
    steps: Sequence[str],
    current: str,
    *,
    step: str,
    after: str,
    days: int,
    done_on: date | None,
    today: date,
) -> Late | None:
    """How late a journey is on a deadline: `step` still to be done `days` after `after` was
    done (on `done_on`). None when the deadline is not passed, or does not bear on the journey
    now: a step not on it, `after` not done yet, `step` done, or the journey left by an exit."""
    if done_on is None or not {step, after, current} <= set(steps):
        return None
    if not steps.index(after) <= steps.index(current) < steps.index(step):
        return None
    due = done_on + timedelta(days=days)
    return Late(due, (today - due).days) if today > due else None
