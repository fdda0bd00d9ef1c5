"""Ranking one job order: its needs from the order and its packs, the exact top k over the
index and its delta, the reasons of each score, the equity re-ranking and the eligible pool."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
from django.utils.translation import gettext_lazy as _

from vinculo.jobs.models import JobOrder
from vinculo.matching import domain as d
from vinculo.matching import index as ix
from vinculo.policy.loader import PolicyPackNotFound, pack_get

REASON_TEXTS = {
    "occupation_4": _("Same occupation (ISCO-08 unit group %(group)s)"),
    "occupation_3": _("Related occupation (same ISCO-08 minor group %(group)s)"),
    "occupation_2": _("Nearby occupation (same ISCO-08 sub-major group %(group)s)"),
    "experience": _("%(years)s years of experience in it; %(asked)s asked"),
    "languages": _("Languages asked: %(held)s"),
    "place_municipality": _("Lives in the municipality of the worksite"),
    "place_region": _("Lives in the region of the worksite"),
    "place_relocate": _("Willing to move within the country"),
    "place_abroad": _("Willing to work abroad"),
    "place_none": _("Lives elsewhere and has not said they would move"),
    "named": _("Requested by name by the employer"),
    "returning": _("Worked for this employer in an earlier season"),
    "equity": _(
        "Moved down to spread selection: %(n)s candidates from the same municipality rank above"
    ),
}
FILTER_TEXTS = {
    "adult": _("At least 18 years old on the start date"),
    "available": _("Available for the whole period"),
    "document": _("An identity document valid to the end (a passport for work abroad)"),
    "consent": _("Has consented to matching"),
    "not_placed": _("Not placed in another job at the same time"),
    "not_flagged": _("Not flagged for fraud"),
    "willing": _("Willing to work where the job is"),
    "nationality": _("A nationality the programme recruits"),
}
EQUITY_STEP = 6.0  # points off for each candidate of the same municipality already above


def needs_for(order: JobOrder) -> d.OrderNeeds:
    from vinculo.matching.models import CandidacyStatus

    nationalities = None
    if order.programme:
        try:
            rule = pack_get(order.programme).nationalities
        except PolicyPackNotFound:
            rule = None
        if rule is not None:
            nationalities = frozenset(d.country_code(c) for c in rule.countries)
    returning = frozenset(
        order.employer.job_orders.exclude(pk=order.pk)
        .filter(
            candidacies__status=CandidacyStatus.SELECTED,
            end_date__lt=order.start_date,
        )
        .values_list("candidacies__worker_id", flat=True)
    )
    return d.OrderNeeds(
        jurisdiction=order.jurisdiction_id,
        unit=int(order.isco_unit),
        start=d.day(order.start_date, 0),
        end=d.day(order.end_date, 0),
        min_years=order.min_experience_years,
        languages=tuple((d.language_code(c), d.LEVELS.get(lv, 1)) for c, lv in order.languages),
        worksite_country=d.country_code(order.worksite_country),
        worksite_region=d.place_key(order.worksite_subdivision),
        worksite_municipality=d.place_key(order.worksite_subdivision, order.worksite_municipality),
        nationalities=nationalities,
        named=frozenset(order.named_workers.values_list("pk", flat=True)),
        returning=returning,
    )


@dataclass
class Match:
    worker_id: int
    score: float
    reasons: list[dict[str, Any]]
    sex: int = 0
    municipality: int = 0
    equity_penalty: float = 0.0


@dataclass
class Ranking:
    matches: list[Match]
    scored: int
    generation: str = ""
    delta: int = 0
    filters: list[tuple[str, Any]] = field(default_factory=list)


def reasons(
    parts: dict[str, np.ndarray], i: int, c: dict[str, np.ndarray], needs: d.OrderNeeds
) -> list[dict]:
    """The reasons of row i's score, each with its points, as stored and shown."""
    out: list[dict] = []
    level = int(d.closeness_level(c["occupations"][i : i + 1], needs.unit)[0])
    if level:
        group = str(needs.unit)[:level]
        out.append(
            {
                "code": f"occupation_{level}",
                "points": float(parts["occupation"][i]),
                "params": {"group": group},
            }
        )
    divisor = 10 ** (4 - max(level, 1))
    units, years = c["occupations"][i], c["years"][i]
    worked = max(
        (
            int(y)
            for u, y in zip(units, years, strict=True)
            if u and u // divisor == needs.unit // divisor
        ),
        default=0,
    )
    out.append(
        {
            "code": "experience",
            "points": float(parts["experience"][i]),
            "params": {"years": worked, "asked": needs.min_years},
        }
    )
    if needs.languages:
        held = []
        for code, least in needs.languages:
            have = [
                int(lv)
                for lc, lv in zip(c["languages"][i], c["levels"][i], strict=True)
                if lc == code
            ]
            level_held = max(have, default=0)
            name, has = _language_name(code), d.LEVEL_NAMES.get(level_held, "—")
            held.append(f"{name} {has} / {d.LEVEL_NAMES.get(least)}")
        out.append(
            {
                "code": "languages",
                "points": float(parts["languages"][i]),
                "params": {"held": ", ".join(held)},
            }
        )
    abroad = c["residence"][i] != needs.worksite_country
    if abroad:
        place = "place_abroad"
    elif c["municipality"][i] == needs.worksite_municipality:
        place = "place_municipality"
    elif c["region"][i] == needs.worksite_region:
        place = "place_region"
    elif c["relocate"][i]:
        place = "place_relocate"
    else:
        place = "place_none"
    out.append({"code": place, "points": float(parts["place"][i]), "params": {}})
    if parts["named"][i]:
        out.append({"code": "named", "points": float(parts["named"][i]), "params": {}})
    if parts["returning"][i]:
        out.append({"code": "returning", "points": float(parts["returning"][i]), "params": {}})
    return out


def _language_name(code: int) -> str:
    letters = []
    while code:
        code, rest = divmod(code, 27)
        letters.append(chr(rest + 96))
    return "".join(reversed(letters))


def _top_of(
    c: dict[str, np.ndarray], needs: d.OrderNeeds, k: int, tiers: dict[int, np.ndarray]
) -> list[Match]:
    ranked = d.rank(c, needs, k, tiers)
    sub = d.take(c, ranked.rows)
    return [
        Match(
            worker_id=int(sub["worker_id"][i]),
            score=float(ranked.parts["total"][i]),
            reasons=reasons(ranked.parts, i, sub, needs),
            sex=int(sub["sex"][i]),
            municipality=int(sub["municipality"][i]),
        )
        for i in range(len(ranked.rows))
    ], ranked.scored


def _without(tiers: dict[int, np.ndarray], stale: np.ndarray) -> dict[int, np.ndarray]:
    if not len(stale):
        return tiers
    return {level: np.setdiff1d(rows, stale, assume_unique=False) for level, rows in tiers.items()}


def rank_order(order: JobOrder, *, k: int = 50, equity: bool = False) -> Ranking:
    """The exact top k eligible workers of the order's jurisdiction, best first, explained.
    With `equity`, a wider top is re-ranked to spread selection across municipalities."""
    needs = needs_for(order)
    want = k * 3 if equity else k
    index = ix.index_current()
    delta = ix.delta_for(index)
    matches: list[Match] = []
    scored = 0
    if index is not None and index.size:
        tiers = _without(
            ix.tiers_for(index.keys, index.rows, needs.jurisdiction, needs.unit), delta.stale_rows
        )
        found, n = _top_of(index.columns, needs, want, tiers)
        matches += found
        scored += n
    if len(delta.columns["worker_id"]):
        keys, rows = ix.postings(delta.columns)
        found, n = _top_of(
            delta.columns, needs, want, ix.tiers_for(keys, rows, needs.jurisdiction, needs.unit)
        )
        matches += found
        scored += n
    matches.sort(key=lambda m: (-m.score, m.worker_id))
    matches = matches[:want]
    if equity:
        matches = equity_rerank(matches)
    return Ranking(matches[:k], scored, index.generation if index else "", delta.changes)


def equity_rerank(matches: list[Match]) -> list[Match]:
    """Greedy: each pick takes the best score after EQUITY_STEP points off for every candidate
    of the same municipality already picked; the points taken off are a reason of their own."""
    left = list(matches)
    picked: list[Match] = []
    per_place: dict[int, int] = {}
    while left:
        best = max(
            left,
            key=lambda m: (m.score - EQUITY_STEP * per_place.get(m.municipality, 0), -m.worker_id),
        )
        left.remove(best)
        above = per_place.get(best.municipality, 0)
        if above:
            best.equity_penalty = EQUITY_STEP * above
            best.reasons = [
                *best.reasons,
                {"code": "equity", "points": -best.equity_penalty, "params": {"n": above}},
            ]
        per_place[best.municipality] = above + 1
        picked.append(best)
    return picked


def pool_by_sex(order: JobOrder) -> dict[int, int]:
    """How many workers of the order's jurisdiction pass every filter and share at least the
    order's ISCO sub-major group, by sex code: the pool the fairness audit compares with. The
    order's own candidates count in it (they passed every filter when shortlisted; once selected,
    their placement on this very order would otherwise take them out)."""
    from vinculo.matching.models import CandidacyStatus

    needs = needs_for(order)
    candidates = list(
        order.candidacies.exclude(status=CandidacyStatus.WITHDRAWN).values_list(
            "worker_id", flat=True
        )
    )
    counts: dict[int, int] = {}
    index = ix.index_current()
    delta = ix.delta_for(index)
    blocks = []
    if index is not None and index.size:
        rows = ix.tiers_for(index.keys, index.rows, needs.jurisdiction, needs.unit)[2]
        rows = np.setdiff1d(rows, delta.stale_rows) if len(delta.stale_rows) else rows
        blocks.append(d.take(index.columns, rows))
    if len(delta.columns["worker_id"]):
        keys, rows = ix.postings(delta.columns)
        blocks.append(
            d.take(delta.columns, ix.tiers_for(keys, rows, needs.jurisdiction, needs.unit)[2])
        )
    for c in blocks:
        ok = (c["jurisdiction"] == needs.jurisdiction) & (
            d.eligible(c, needs) | np.isin(c["worker_id"], candidates)
        )
        values, n = np.unique(c["sex"][ok], return_counts=True)
        for v, count in zip(values.tolist(), n.tolist(), strict=True):
            counts[v] = counts.get(v, 0) + count
    return counts
