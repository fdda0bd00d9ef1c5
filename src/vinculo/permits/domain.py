"""Labour authorisation in plain Python: the rules a work-permit application is decided on, each
read from the jurisdiction's policy pack and answering with a verdict a person can read (figures,
legal source and evidence, in Spanish and English); the clock that counts how long a case took;
and the live status of a permit.

Nothing here touches the database: the services pass in what the registry and the application
say, and store the answers beside the decision they led to.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from vinculo.core.lifecycle import Move
from vinculo.core.permissions import Perm
from vinculo.core.values import add_months
from vinculo.policy.domain import RuleResult, both_languages, check_minimum_wage
from vinculo.policy.schema import (
    AgeRule,
    Authorisation,
    LabourMarketRule,
    NationalShare,
    PassportRule,
    PermitCategory,
    PolicyPack,
    ShareWaiver,
)

HUNDRED = Decimal(100)


class ApplicationState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Being decided")
    INFO_REQUESTED = "info_requested", _("Information requested")
    APPROVED = "approved", _("Approved")
    REFUSED = "refused", _("Refused")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class StepState(models.TextChoices):
    WAITING = "waiting", _("Waiting for an earlier step")
    OPEN = "open", _("To decide")
    INFO_REQUESTED = "info_requested", _("Information requested")
    APPROVED = "approved", _("Approved")
    REFUSED = "refused", _("Refused")
    CLOSED = "closed", _("Not needed")


class PermitState(models.TextChoices):
    VALID = "valid", _("Valid")
    SUSPENDED = "suspended", _("Suspended")
    REVOKED = "revoked", _("Revoked")
    EXPIRED = "expired", _("Expired")


# How an issued permit changes: only the issuing jurisdiction's officials, always with a reason.
PERMIT_MOVES = {
    (PermitState.VALID, PermitState.SUSPENDED): Move(
        _("Suspend"), "permit.suspended", Perm.DECIDE_PERMITS, needs_reason=True
    ),
    (PermitState.SUSPENDED, PermitState.VALID): Move(
        _("Reinstate"), "permit.reinstated", Perm.DECIDE_PERMITS, needs_reason=True
    ),
    (PermitState.VALID, PermitState.REVOKED): Move(
        _("Revoke"), "permit.revoked", Perm.DECIDE_PERMITS, needs_reason=True
    ),
    (PermitState.SUSPENDED, PermitState.REVOKED): Move(
        _("Revoke"), "permit.revoked", Perm.DECIDE_PERMITS, needs_reason=True
    ),
}

# Where a move can take a permit (expiry is read from its dates, never set).
PERMIT_TARGETS = [(state.value, state.label) for state in PermitState if state != "expired"]


def stay_end(start: date, months: int) -> date:
    """The last day of a stay of `months` from `start` (3 months from 1 March: 31 May)."""
    return add_months(start, months) - timedelta(days=1)


def pct(part: Decimal, whole: Decimal) -> Decimal:
    if not whole:
        return Decimal(0)
    return (HUNDRED * part / whole).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


# --- the rules --------------------------------------------------------------------------------


def check_category(category: PermitCategory | None, *, code: str, months: int) -> RuleResult:
    if category is None:
        return RuleResult(
            "category",
            False,
            "unknown_category",
            both_languages(gettext_noop("The category %(code)s is not in the pack."), code=code),
            {"category": code},
        )
    allowed = ", ".join(str(m) for m in category.months)
    evidence = {"category": code, "months": months, "allowed": category.months}
    passed = months in category.months
    template = (
        gettext_noop("A stay of %(months)s months is one of those of %(name)s (%(allowed)s).")
        if passed
        else gettext_noop(
            "%(name)s allows stays of %(allowed)s months; the application asks for %(months)s."
        )
    )
    return RuleResult(
        "category",
        passed,
        "stay_allowed" if passed else "stay_not_allowed",
        both_languages(template, months=months, name=category.name, allowed=allowed),
        evidence,
        category.source.cite(),
    )


def age_on(birth: date, on: date) -> int:
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


def check_adult(rule: AgeRule, *, birth_date: date, on: date) -> RuleResult:
    age = age_on(birth_date, on)
    passed = age >= rule.adult_age
    template = (
        gettext_noop("The applicant is %(age)s years old: an adult.")
        if passed
        else gettext_noop(
            "The applicant is %(age)s years old; a work permit needs someone of at least %(adult)s."
        )
    )
    return RuleResult(
        "adult",
        passed,
        "adult" if passed else "minor",
        both_languages(template, age=age, adult=rule.adult_age),
        {"age": age, "adult_age": rule.adult_age, "on": on.isoformat()},
        rule.source.cite(),
    )


def check_passport(rule: PassportRule, *, expires_on: date | None, stay_ends: date) -> RuleResult:
    needed = stay_ends + timedelta(days=rule.beyond_days)
    evidence = {
        "expires_on": expires_on.isoformat() if expires_on else None,
        "stay_ends": stay_ends.isoformat(),
    }
    if expires_on is None:
        return RuleResult(
            "passport",
            False,
            "no_passport",
            both_languages(gettext_noop("No passport with its expiry date is on the record.")),
            evidence,
            rule.source.cite(),
        )
    passed = expires_on > needed
    template = (
        gettext_noop("The passport is valid until %(expires)s, beyond the stay's end (%(end)s).")
        if passed
        else gettext_noop(
            "The passport expires on %(expires)s, before the stay asked for ends (%(end)s)."
        )
    )
    return RuleResult(
        "passport",
        passed,
        "valid_for_stay" if passed else "expires_during_stay",
        both_languages(template, expires=expires_on, end=stay_ends),
        evidence,
        rule.source.cite(),
    )


def check_employer(
    pack: PolicyPack, *, name: str, verified: bool, open_violations: int
) -> RuleResult:
    """An employer the authority has verified, with no open sanction (a fee taken from a worker
    and not refunded counts as one)."""
    evidence = {"employer": name, "verified": verified, "open_violations": open_violations}
    source = pack.recruitment.employer_verified.source.cite() if pack.recruitment else ""
    if not verified:
        text = gettext_noop("%(name)s has not been verified by the authority.")
        reason = "not_verified"
    elif open_violations:
        text = gettext_noop(
            "%(name)s has %(count)s open fee violations (fees taken from workers and not refunded)."
        )
        reason = "open_sanction"
    else:
        text = gettext_noop("%(name)s is verified and has no open sanction.")
        reason = "in_good_standing"
    return RuleResult(
        "employer",
        reason == "in_good_standing",
        reason,
        both_languages(text, name=name, count=open_violations),
        evidence,
        source,
    )


@dataclass(frozen=True)
class Workforce:
    """The employer's declared staff and monthly payroll, by nationality, before the hire."""

    national_workers: int
    foreign_workers: int
    national_payroll: Decimal
    foreign_payroll: Decimal


def check_national_share(
    auth: Authorisation,
    share: NationalShare,
    *,
    workforce: Workforce | None,
    monthly_pay: Decimal,
    waiver: ShareWaiver | None,
) -> RuleResult:
    """Counting the hire applied for, the share of national workers and of the payroll against
    the pack's minimum, or against a company waiver's reduced minimum while it runs."""
    if workforce is None:
        return RuleResult(
            "national_share",
            False,
            "no_workforce",
            both_languages(
                gettext_noop(
                    "The employer's staff and payroll by nationality are missing; they are needed "
                    "to check the share of national workers."
                )
            ),
            {},
            share.source.cite(),
        )
    workers = workforce.national_workers + workforce.foreign_workers + 1
    payroll = workforce.national_payroll + workforce.foreign_payroll + monthly_pay
    workers_pct = pct(Decimal(workforce.national_workers), Decimal(workers))
    payroll_pct = pct(workforce.national_payroll, payroll)
    need_workers = waiver.min_workers_pct if waiver else share.min_workers_pct
    need_payroll = waiver.min_payroll_pct if waiver else share.min_payroll_pct
    evidence: dict[str, Any] = {
        "national_workers": workforce.national_workers,
        "workers_with_hire": workers,
        "national_workers_pct": str(workers_pct),
        "min_workers_pct": str(need_workers),
        "national_payroll": str(workforce.national_payroll),
        "payroll_with_hire": str(payroll),
        "national_payroll_pct": str(payroll_pct),
        "min_payroll_pct": str(need_payroll),
        "rule_from": share.effective_from.isoformat(),
    }
    values = {
        "national": workforce.national_workers,
        "workers": workers,
        "workers_pct": workers_pct,
        "need_workers": need_workers,
        "payroll_pct": payroll_pct,
        "need_payroll": need_payroll,
    }
    workers_ok = workers_pct >= need_workers
    payroll_ok = payroll_pct >= need_payroll
    parts = [
        both_languages(
            gettext_noop(
                "Counting this hire, %(national)s of %(workers)s workers would be nationals "
                "(%(workers_pct)s %%); at least %(need_workers)s %% is required."
            ),
            **values,
        ),
        both_languages(
            gettext_noop(
                "Nationals would earn %(payroll_pct)s %% of the payroll; at least "
                "%(need_payroll)s %% is required."
            ),
            **values,
        ),
    ]
    if waiver is not None:
        evidence["waiver"] = waiver.resolution
        parts.append(
            both_languages(
                gettext_noop(
                    "Reduced minimums of the company waiver %(resolution)s, in force until "
                    "%(until)s."
                ),
                resolution=waiver.resolution,
                until=waiver.valid_to,
            )
        )
        if auth.waiver is not None:
            parts.append(auth.waiver.interpretation.model_dump())
    text = {lang: " ".join(p[lang] for p in parts) for lang in ("es", "en")}
    if not workers_ok:
        reason = "below_national_workers"
    elif not payroll_ok:
        reason = "below_national_payroll"
    else:
        reason = "within_national_share"
    return RuleResult(
        "national_share",
        workers_ok and payroll_ok,
        reason,
        text,
        evidence,
        share.source.cite(),
    )


@dataclass(frozen=True)
class LabourMarket:
    """What the matcher found among the jurisdiction's own job seekers (at most `cap` looked at),
    and how many of them had been offered a job of this occupation by the employer."""

    available: int
    offered: int
    cap: int


def check_labour_market(
    rule: LabourMarketRule, *, found: LabourMarket | None, unit: str
) -> RuleResult:
    if found is None:
        return RuleResult(
            "labour_market",
            True,
            "not_required",
            both_languages(gettext_noop("This category does not need a labour-market test.")),
            {},
            rule.source.cite(),
        )
    evidence = {
        "occupation": unit,
        "available": found.available,
        "offered": found.offered,
        "cap": found.cap,
    }
    shown = found.available if found.available < found.cap else f"{found.cap}+"
    if found.available == 0:
        reason, passed = "no_nationals_available", True
        text = gettext_noop(
            "The matcher found no suitable nationals available for occupation %(unit)s in this "
            "period."
        )
    elif found.offered:
        reason, passed = "nationals_offered", True
        text = gettext_noop(
            "The matcher found %(available)s suitable nationals for occupation %(unit)s; "
            "%(offered)s of them had been offered the job by this employer."
        )
    else:
        reason, passed = "nationals_not_offered", False
        text = gettext_noop(
            "The matcher found %(available)s suitable nationals for occupation %(unit)s, and "
            "none had been offered the job by this employer."
        )
    explanation = both_languages(text, available=shown, offered=found.offered, unit=unit)
    return RuleResult(
        "labour_market",
        passed,
        reason,
        {lang: f"{explanation[lang]} {getattr(rule.explain, lang)}" for lang in ("es", "en")},
        evidence,
        rule.source.cite(),
    )


@dataclass(frozen=True)
class Facts:
    """What an application says, read from the registry and the application itself."""

    filed_on: date
    decided_on: date
    category: str
    months: int
    start_on: date
    birth_date: date
    passport_expires_on: date | None
    salary: Decimal
    currency: str
    sector: str
    employer: str
    employer_tax_id: str
    employer_verified: bool
    employer_open_violations: int
    workforce: Workforce | None
    occupation: str = ""
    labour_market: LabourMarket | None = None


def rules_evaluate(pack: PolicyPack, facts: Facts, rules: Iterable[str]) -> list[RuleResult]:
    """The named rules of a decision step, in the pack's order, against the pack in force: each
    dated rule is the version in force when the application was filed (or, where the pack says
    so, when it is decided)."""
    auth = pack.authorisation
    if auth is None:
        raise ValueError(f"pack {pack.code} has no authorisation section")
    results = []
    ends = stay_end(facts.start_on, facts.months)
    for rule in rules:
        if rule == "category":
            results.append(
                check_category(
                    auth.category(facts.category), code=facts.category, months=facts.months
                )
            )
        elif rule == "adult":
            results.append(check_adult(auth.age, birth_date=facts.birth_date, on=facts.filed_on))
        elif rule == "passport":
            results.append(
                check_passport(auth.passport, expires_on=facts.passport_expires_on, stay_ends=ends)
            )
        elif rule == "minimum_wage":
            results.append(
                check_minimum_wage(
                    pack,
                    amount=facts.salary,
                    currency=facts.currency,
                    basis="month",
                    on=facts.filed_on,
                    sector=facts.sector or "all",
                )
            )
        elif rule == "employer":
            results.append(
                check_employer(
                    pack,
                    name=facts.employer,
                    verified=facts.employer_verified,
                    open_violations=facts.employer_open_violations,
                )
            )
        elif rule == "labour_market" and auth.labour_market is not None:
            results.append(
                check_labour_market(
                    auth.labour_market, found=facts.labour_market, unit=facts.occupation
                )
            )
        elif rule == "national_share":
            share = auth.share_on(facts.filed_on, facts.decided_on)
            if share is None:
                continue
            results.append(
                check_national_share(
                    auth,
                    share,
                    workforce=facts.workforce,
                    monthly_pay=facts.salary,
                    waiver=auth.waiver_for(facts.employer_tax_id, facts.decided_on),
                )
            )
    return results


def trace_of(results: Iterable[RuleResult]) -> list[dict[str, Any]]:
    """The results as stored beside a decision (JSON)."""
    return [asdict(result) for result in results]


def trace_passed(trace: list[dict[str, Any]]) -> bool:
    return all(entry["passed"] for entry in trace)


# --- the clock --------------------------------------------------------------------------------


def processing_days(start: date, end: date, pauses: Iterable[tuple[date, date | None]]) -> int:
    """Days from a complete application to its decision (or to `end`), without the days it waited
    for the applicant to answer a request. Overlapping pauses count once."""
    paused: set[date] = set()
    for frm, to in pauses:
        day = max(frm, start)
        last = min(to or end, end)
        while day < last:
            paused.add(day)
            day += timedelta(days=1)
    return max(0, (end - start).days - len(paused))


@dataclass(frozen=True)
class ClockFigures:
    count: int
    median: Decimal | None
    p90: Decimal | None
    target: int | None


def clock_figures(days: list[int], target: int | None) -> ClockFigures:
    """Median and 90th percentile of processing days (inclusive method, so one or two cases give
    figures inside their own range)."""
    if not days:
        return ClockFigures(0, None, None, target)
    median = Decimal(str(statistics.median(days)))
    if len(days) == 1:
        p90 = Decimal(days[0])
    else:
        p90 = Decimal(str(statistics.quantiles(days, n=10, method="inclusive")[8]))
    return ClockFigures(len(days), median, p90.quantize(Decimal("0.1")), target)


def permit_status(state: str, valid_to: date, today: date) -> str:
    """The live status: revoked and suspended win; a valid permit past its last day is expired."""
    if state in (PermitState.REVOKED, PermitState.SUSPENDED):
        return state
    return PermitState.EXPIRED if today > valid_to else PermitState.VALID


def initials(*names: str) -> str:
    """ "María José Hernández López" → "M. J. H. L." (the most a public check shows of a name)."""
    return " ".join(f"{part[0].upper()}." for name in names for part in name.split() if part)
