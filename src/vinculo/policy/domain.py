"""Evaluating the rules of a policy pack. Plain Python: each check returns a verdict a person can
read, in Spanish and English, with the evidence and the legal source it applied."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.utils import translation
from django.utils.formats import date_format, number_format
from django.utils.functional import Promise
from django.utils.translation import gettext, gettext_lazy, gettext_noop

from vinculo.policy.schema import MinimumWage, PolicyPack, Texts

COST_LABELS = {
    "recruitment_fee": gettext_lazy("Recruitment fee"),
    "travel_in": gettext_lazy("Travel to the job"),
    "travel_out": gettext_lazy("Travel home"),
    "visa": gettext_lazy("Visa"),
    "permit": gettext_lazy("Work permit"),
    "medical": gettext_lazy("Medical examination"),
    "insurance": gettext_lazy("Insurance"),
    "housing": gettext_lazy("Housing"),
    "documents": gettext_lazy("Documents"),
    "training": gettext_lazy("Training"),
    "local_transport": gettext_lazy("Local transport"),
}
BASIS_LABELS = {
    "hour": gettext_lazy("hour"),
    "day": gettext_lazy("day"),
    "month": gettext_lazy("month"),
}


@dataclass(frozen=True)
class RuleResult:
    code: str
    passed: bool
    reason: str
    explanation: dict[str, str]
    evidence: dict[str, Any] = field(default_factory=dict)
    source: str = ""


def both_languages(template: str, **values: Any) -> dict[str, str]:
    """The same message rendered in Spanish and English, for storage beside a decision. Values
    that are themselves bilingual (Texts, lazy translations) are rendered in each language, and
    so are numbers and dates ("17,60" in Spanish, "17.60" in English)."""
    out = {}
    for lang in ("es", "en"):
        with translation.override(lang):
            resolved = {key: _in_language(value, lang) for key, value in values.items()}
            out[lang] = gettext(template) % resolved
    return out


def _in_language(value: Any, lang: str) -> Any:
    if isinstance(value, Texts):
        return getattr(value, lang)
    if isinstance(value, Promise):
        return str(value)
    if isinstance(value, Decimal | float) or (
        isinstance(value, int) and not isinstance(value, bool)
    ):
        return number_format(value, use_l10n=True)
    if isinstance(value, date):
        return date_format(value, "SHORT_DATE_FORMAT", use_l10n=True)
    return value


def minimum_wages_in_force(
    pack: PolicyPack, *, on: date, sector: str = "all", region: str = "", company_size: str = ""
) -> list[MinimumWage]:
    """The minimum wages that apply on a date to a sector, region and company size. A figure for
    the exact sector wins over the general ("all") figure; a figure for the exact region or size
    wins over one that names none."""

    def fits(wage: MinimumWage) -> bool:
        return (
            wage.in_force(on)
            and wage.sector in (sector, "all")
            and wage.region in (region, "")
            and wage.company_size in (company_size, "")
        )

    candidates = [w for w in pack.minimum_wages if fits(w)]
    if not candidates:
        return []

    def specificity(wage: MinimumWage) -> tuple[int, int, int]:
        return (
            wage.sector == sector,
            wage.region == region and bool(region),
            wage.company_size == company_size and bool(company_size),
        )

    best = max(specificity(w) for w in candidates)
    return [w for w in candidates if specificity(w) == best]


def check_minimum_wage(
    pack: PolicyPack,
    *,
    amount: Decimal,
    currency: str,
    basis: str,
    on: date,
    sector: str = "all",
    region: str = "",
    company_size: str = "",
) -> RuleResult:
    code = "minimum_wage"
    wages = [
        w
        for w in minimum_wages_in_force(
            pack, on=on, sector=sector, region=region, company_size=company_size
        )
        if w.basis == basis
    ]
    evidence: dict[str, Any] = {
        "offered": str(amount),
        "currency": currency,
        "basis": basis,
        "sector": sector,
        "region": region,
        "on": on.isoformat(),
    }
    if not wages:
        return RuleResult(
            code,
            False,
            "no_minimum_for_basis",
            both_languages(
                gettext_noop(
                    "The pack %(pack)s has no minimum wage per %(basis)s in force on %(on)s "
                    "for this sector and region."
                ),
                pack=pack.code,
                basis=BASIS_LABELS[basis],
                on=on.isoformat(),
            ),
            evidence,
        )
    floor = max(wages, key=lambda w: w.amount)
    floor_currency = pack.wage_currency(floor)
    evidence.update(
        minimum=str(floor.amount), minimum_currency=floor_currency, minimum_label=floor.label.en
    )
    if currency.upper() != floor_currency:
        return RuleResult(
            code,
            False,
            "currency_mismatch",
            both_languages(
                gettext_noop("The wage is in %(currency)s but the minimum is set in %(minimum)s."),
                currency=currency.upper(),
                minimum=floor_currency,
            ),
            evidence,
            floor.source.cite(),
        )
    passed = amount >= floor.amount
    template = (
        gettext_noop(
            "%(offered)s %(currency)s per %(basis)s meets the minimum of %(minimum)s (%(label)s)."
        )
        if passed
        else gettext_noop(
            "%(offered)s %(currency)s per %(basis)s is below the minimum of "
            "%(minimum)s (%(label)s)."
        )
    )
    explanation = both_languages(
        template,
        offered=amount,
        currency=currency.upper(),
        basis=BASIS_LABELS[basis],
        minimum=floor.amount,
        label=floor.label,
    )
    return RuleResult(
        code,
        passed,
        "at_or_above_minimum" if passed else "below_minimum",
        explanation,
        evidence,
        floor.source.cite(),
    )


def check_worker_cost(pack: PolicyPack, *, cost: str, paid_by_worker: bool) -> RuleResult:
    """Whether a worker may be made to pay a cost: never a recruitment fee; a related cost only
    where the pack names it as recoverable, within its limit."""
    code = "worker_pays_no_fees"
    fees = pack.fees
    if not paid_by_worker:
        return RuleResult(
            code,
            True,
            "employer_pays",
            fees.explain.model_dump(),
            {"cost": cost},
            fees.source.cite(),
        )
    permitted = next((p for p in fees.permitted_worker_costs if p.cost == cost), None)
    if permitted is not None and cost != "recruitment_fee":
        return RuleResult(
            code,
            True,
            "recoverable_within_limit",
            permitted.limit.model_dump(),
            {"cost": cost},
            permitted.source.cite(),
        )
    return RuleResult(
        code, False, "worker_charged", fees.explain.model_dump(), {"cost": cost}, fees.source.cite()
    )


# --- job orders: the programme's terms ---------------------------------------------------------


def check_hours(
    pack: PolicyPack, *, guaranteed_hours: int | None, weekly_hours: Decimal | None
) -> RuleResult | None:
    """The hours a job order guarantees, in all and each week, against the programme's floor.
    None where the pack sets no hours."""
    rule = pack.hours
    if rule is None:
        return None
    evidence = {
        "guaranteed_hours": guaranteed_hours,
        "weekly_hours": str(weekly_hours) if weekly_hours is not None else None,
        "min_guaranteed_hours": rule.min_guaranteed_hours,
        "min_weekly_hours": rule.min_weekly_hours,
    }
    problems = []
    if rule.min_guaranteed_hours and (guaranteed_hours or 0) < rule.min_guaranteed_hours:
        problems.append(
            both_languages(
                gettext_noop(
                    "The order guarantees %(hours)s hours of work; %(pack)s requires at least "
                    "%(minimum)s."
                ),
                hours=guaranteed_hours or 0,
                pack=pack.code,
                minimum=rule.min_guaranteed_hours,
            )
        )
    if rule.min_weekly_hours and (weekly_hours or 0) < rule.min_weekly_hours:
        problems.append(
            both_languages(
                gettext_noop(
                    "The order offers %(hours)s hours a week; %(pack)s requires full-time work of "
                    "at least %(minimum)s."
                ),
                hours=weekly_hours or 0,
                pack=pack.code,
                minimum=rule.min_weekly_hours,
            )
        )
    if problems:
        joined = {lang: " ".join(p[lang] for p in problems) for lang in ("es", "en")}
        return RuleResult(
            "hours", False, "below_programme_hours", joined, evidence, rule.source.cite()
        )
    return RuleResult(
        "hours",
        True,
        "within_programme_hours",
        both_languages(
            gettext_noop("The hours guaranteed meet what %(pack)s requires."), pack=pack.code
        ),
        evidence,
        rule.source.cite(),
    )


def _month_day(text: str, year: int) -> date:
    month, day = (int(part) for part in text.split("-"))
    return date(year, month, day)


def _months_between(start: date, end: date) -> Decimal:
    """Whole and part months from start to end (inclusive), e.g. 1 May to 31 Dec is 8."""
    months = (end.year - start.year) * 12 + (end.month - start.month)
    days = end.day - start.day + 1
    return Decimal(months) + Decimal(days) / Decimal(31)


def check_duration(pack: PolicyPack, *, start: date, end: date) -> RuleResult | None:
    """The length of the job and the part of the year it falls in, against the programme.
    None where the pack sets no duration."""
    rule = pack.duration
    if rule is None:
        return None
    days = (end - start).days + 1
    months = _months_between(start, end)
    evidence = {
        "start": start.isoformat(),
        "end": end.isoformat(),
        "days": days,
        "min_weeks": rule.min_weeks,
        "max_months": rule.max_months,
        "season_from": rule.season_from,
        "season_to": rule.season_to,
    }
    problems = []
    if rule.min_weeks and days < rule.min_weeks * 7:
        problems.append(
            both_languages(
                gettext_noop(
                    "The job lasts %(days)s days; %(pack)s requires at least %(weeks)s weeks."
                ),
                days=days,
                pack=pack.code,
                weeks=rule.min_weeks,
            )
        )
    if rule.max_months and months > rule.max_months:
        problems.append(
            both_languages(
                gettext_noop("The job lasts more than the %(months)s months %(pack)s allows."),
                months=rule.max_months,
                pack=pack.code,
            )
        )
    if rule.season_from and rule.season_to:
        opens = _month_day(rule.season_from, start.year)
        closes = _month_day(rule.season_to, start.year)
        if start < opens or end > closes:
            problems.append(
                both_languages(
                    gettext_noop(
                        "%(pack)s jobs run between %(opens)s and %(closes)s of the same year."
                    ),
                    pack=pack.code,
                    opens=opens.isoformat(),
                    closes=closes.isoformat(),
                )
            )
    if problems:
        joined = {lang: " ".join(p[lang] for p in problems) for lang in ("es", "en")}
        return RuleResult(
            "duration", False, "outside_programme_duration", joined, evidence, rule.source.cite()
        )
    return RuleResult(
        "duration",
        True,
        "within_programme_duration",
        both_languages(
            gettext_noop(
                "%(days)s days, from %(start)s to %(end)s, are within what %(pack)s allows."
            ),
            days=days,
            start=start.isoformat(),
            end=end.isoformat(),
            pack=pack.code,
        ),
        evidence,
        rule.source.cite(),
    )


def check_collective(pack: PolicyPack, *, positions: int) -> RuleResult | None:
    """Collective hiring: at least the pack's number of homogeneous positions in one order.
    None where the pack does not hire collectively."""
    rule = pack.collective
    if rule is None:
        return None
    passed = positions >= rule.min_positions
    template = (
        gettext_noop(
            "%(positions)s positions meet the %(minimum)s that collective hiring under "
            "%(pack)s requires."
        )
        if passed
        else gettext_noop(
            "Collective hiring under %(pack)s needs at least %(minimum)s homogeneous positions in "
            "one order; this one has %(positions)s."
        )
    )
    return RuleResult(
        "collective_positions",
        passed,
        "enough_positions" if passed else "too_few_positions",
        both_languages(template, positions=positions, minimum=rule.min_positions, pack=pack.code),
        {"positions": positions, "min_positions": rule.min_positions},
        rule.source.cite(),
    )


RECRUITER_FACTS = {
    ("employer_verified", True): gettext_noop("%(name)s has been verified by the authority."),
    ("employer_verified", False): gettext_noop("%(name)s has not been verified by the authority."),
    ("agency_licensed", True): gettext_noop("%(name)s holds a licence in force."),
    ("agency_licensed", False): gettext_noop("%(name)s holds no licence in force."),
}


def check_recruiter(pack: PolicyPack, *, rule_name: str, name: str, passed: bool) -> RuleResult:
    """Who may recruit (`employer_verified`, `agency_licensed`), on the approving authority's
    pack: the fact comes from the registry, the ground and its source from the pack."""
    fact = both_languages(RECRUITER_FACTS[(rule_name, passed)], name=name)
    evidence = {"name": name}
    recruitment = pack.recruitment
    if recruitment is None:
        missing = both_languages(
            gettext_noop("The pack %(pack)s does not say who may recruit; ask the authority."),
            pack=pack.code,
        )
        text = {lang: f"{fact[lang]} {missing[lang]}" for lang in ("es", "en")}
        return RuleResult(rule_name, False, "no_recruitment_rule", text, evidence)
    rule = getattr(recruitment, rule_name)
    text = {lang: f"{fact[lang]} {getattr(rule.explain, lang)}" for lang in ("es", "en")}
    return RuleResult(
        rule_name, passed, "met" if passed else "not_met", text, evidence, rule.source.cite()
    )
