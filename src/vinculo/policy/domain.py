"""Evaluating the rules of a policy pack. Plain Python: each check returns a verdict a person can
read, in Spanish and English, with the evidence and the legal source it applied."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.utils import translation
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


def _both_languages(template: str, **values: Any) -> dict[str, str]:
    """The same message rendered in Spanish and English, for storage beside a decision. Values
    that are themselves bilingual (Texts, lazy translations) are rendered in each language."""
    out = {}
    for lang in ("es", "en"):
        with translation.override(lang):
            resolved = {
                key: getattr(value, lang)
                if isinstance(value, Texts)
                else str(value)
                if isinstance(value, Promise)
                else value
                for key, value in values.items()
            }
            out[lang] = gettext(template) % resolved
    return out


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
            _both_languages(
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
            _both_languages(
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
    explanation = _both_languages(
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
