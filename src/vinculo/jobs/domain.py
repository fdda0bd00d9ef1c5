"""Rules of job orders in plain Python: the lifecycle table, which policy packs an order is held
to, and the findings of the check, each explained in Spanish and English with its legal source.

No ORM here: services gather the facts (the order's terms, whether the employer is verified and
the agency licensed) and ask this module what follows from them.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from vinculo.core.audit import AuditVerb
from vinculo.core.lifecycle import Move
from vinculo.core.permissions import Perm
from vinculo.jobs.models import ORDER_COSTS, JobOrderState, Payer
from vinculo.policy.domain import (
    RuleResult,
    both_languages,
    check_collective,
    check_duration,
    check_hours,
    check_minimum_wage,
    check_recruiter,
    check_worker_cost,
)
from vinculo.policy.schema import PolicyPack

S = JobOrderState

# --- lifecycle --------------------------------------------------------------------------------

# Who may move an order: the filer's side (staff of the employer or of the agency that filed), as
# a side of the order, and the authority, by its permission to review job orders in the order's
# jurisdiction.
FILER = "filer"
_F = frozenset({FILER})
_R = Perm.REVIEW_JOB_ORDERS
ORDER_MOVES: dict[tuple[str, str], Move] = {
    (S.DRAFT, S.SUBMITTED): Move(_("Submit for approval"), AuditVerb.JOB_ORDER_SUBMITTED, sides=_F),
    (S.RETURNED, S.SUBMITTED): Move(
        _("Submit for approval"), AuditVerb.JOB_ORDER_SUBMITTED, sides=_F
    ),
    (S.SUBMITTED, S.APPROVED): Move(_("Approve"), AuditVerb.JOB_ORDER_APPROVED, _R),
    (S.SUBMITTED, S.RETURNED): Move(
        _("Return for changes"), AuditVerb.JOB_ORDER_RETURNED, _R, needs_reason=True
    ),
    (S.APPROVED, S.PUBLISHED): Move(
        _("Publish on the vacancy board"), AuditVerb.JOB_ORDER_PUBLISHED, _R, sides=_F
    ),
    (S.PUBLISHED, S.FILLED): Move(_("Mark as filled"), AuditVerb.JOB_ORDER_FILLED, _R, sides=_F),
    (S.FILLED, S.PUBLISHED): Move(
        _("Reopen"), AuditVerb.JOB_ORDER_REOPENED, _R, sides=_F, needs_reason=True
    ),
    (S.DRAFT, S.CLOSED): Move(_("Withdraw"), AuditVerb.JOB_ORDER_CLOSED, sides=_F),
    (S.RETURNED, S.CLOSED): Move(_("Withdraw"), AuditVerb.JOB_ORDER_CLOSED, sides=_F),
    (S.APPROVED, S.CLOSED): Move(
        _("Close"), AuditVerb.JOB_ORDER_CLOSED, _R, sides=_F, needs_reason=True
    ),
    (S.PUBLISHED, S.CLOSED): Move(
        _("Close"), AuditVerb.JOB_ORDER_CLOSED, _R, sides=_F, needs_reason=True
    ),
    (S.FILLED, S.CLOSED): Move(_("Close"), AuditVerb.JOB_ORDER_CLOSED, _R, sides=_F),
}

# The filer edits an order only before the authority has it, or after it came back.
EDITABLE_STATES = frozenset({S.DRAFT, S.RETURNED})
# States in which a public code exists and the public check answers.
VERIFIABLE_STATES = frozenset({S.APPROVED, S.PUBLISHED, S.FILLED, S.CLOSED})
# On the public vacancy board.
BOARD_STATES = frozenset({S.PUBLISHED})
# Orders that have been matched: their candidates and fairness audit can be shown.
MATCHED_STATES = frozenset({S.PUBLISHED, S.FILLED, S.CLOSED})
# Moves that need the check to pass at that moment (the facts may have changed since filing:
# an employer's verification withdrawn, a licence suspended, a new minimum wage in force).
CHECKED_MOVES = frozenset(
    {
        (S.DRAFT, S.SUBMITTED),
        (S.RETURNED, S.SUBMITTED),
        (S.SUBMITTED, S.APPROVED),
        (S.APPROVED, S.PUBLISHED),
        (S.FILLED, S.PUBLISHED),
    }
)


# --- which packs ------------------------------------------------------------------------------

# Employer sectors (registry) to the sectors minimum wages are set for (policy packs).
PACK_SECTOR = {
    "agriculture": "agriculture",
    "food_processing": "manufacturing",
    "fishing": "fishing",
    "manufacturing": "manufacturing",
    "maquila": "maquila",
    "construction": "construction",
    "hospitality": "tourism",
    "care": "services",
    "domestic_work": "domestic_work",
    "transport": "services",
    "services": "services",
}


@dataclass(frozen=True)
class OrderTerms:
    """What the check reads of an order."""

    worksite_country: str
    worksite_subdivision: str
    sector: str
    positions: int
    start_date: date
    end_date: date
    wage_amount: Decimal
    wage_currency: str
    wage_basis: str
    weekly_hours: Decimal
    guaranteed_hours: int
    housing_weekly_cost: Decimal
    costs: dict[str, str]


@dataclass(frozen=True)
class Recruiters:
    """The registry's facts about who recruits."""

    employer_name: str
    employer_verified: bool
    agency_name: str = ""
    agency_licensed: bool = False


def _finding(result: RuleResult) -> dict[str, Any]:
    return asdict(result)


def _no_pack(country: str, programme: str) -> RuleResult:
    return RuleResult(
        "policy_pack",
        False,
        "no_pack",
        both_languages(
            gettext_noop(
                "No policy pack covers work in %(country)s%(programme)s, so the terms cannot be "
                "checked against the law. Choose the programme the order is for, or ask the "
                "authority."
            ),
            country=country,
            programme=f" ({programme})" if programme else "",
        ),
        {"country": country, "programme": programme},
    )


def order_findings(
    terms: OrderTerms,
    *,
    destination: PolicyPack | None,
    authority: PolicyPack | None,
    recruiters: Recruiters,
    programme: str = "",
) -> list[dict[str, Any]]:
    """Every finding of the check, passed or not, as stored on the order and shown to people.

    `destination` is the pack of the programme the order is for, or else the worksite country's
    pack: it gives the minimum wage, the costs a worker may be charged, and the programme's
    hours, duration and collective-hiring rules. `authority` is the approving authority's country
    pack: it gives the ground for refusing an unverified employer or an unlicensed agency."""
    results: list[RuleResult] = []
    if destination is None:
        results.append(_no_pack(terms.worksite_country, programme))
    else:
        results.append(
            check_minimum_wage(
                destination,
                amount=terms.wage_amount,
                currency=terms.wage_currency,
                basis=terms.wage_basis,
                on=terms.start_date,
                sector=PACK_SECTOR.get(terms.sector, "all"),
                region=terms.worksite_subdivision,
            )
        )
        charged = [c for c in ORDER_COSTS if terms.costs.get(c) == Payer.WORKER]
        if terms.housing_weekly_cost > 0:
            charged.append("housing")
        if charged:
            results += [
                check_worker_cost(destination, cost=c, paid_by_worker=True) for c in charged
            ]
        else:
            results.append(
                check_worker_cost(destination, cost="recruitment_fee", paid_by_worker=False)
            )
        results += [
            r
            for r in (
                check_hours(
                    destination,
                    guaranteed_hours=terms.guaranteed_hours,
                    weekly_hours=terms.weekly_hours,
                ),
                check_duration(destination, start=terms.start_date, end=terms.end_date),
                check_collective(destination, positions=terms.positions),
            )
            if r is not None
        ]
    if authority is not None:
        results.append(
            check_recruiter(
                authority,
                rule_name="employer_verified",
                name=recruiters.employer_name,
                passed=recruiters.employer_verified,
            )
        )
        if recruiters.agency_name:
            results.append(
                check_recruiter(
                    authority,
                    rule_name="agency_licensed",
                    name=recruiters.agency_name,
                    passed=recruiters.agency_licensed,
                )
            )
    return [_finding(r) for r in results]


def findings_pass(findings: list[dict[str, Any]]) -> bool:
    return bool(findings) and all(f["passed"] for f in findings)
