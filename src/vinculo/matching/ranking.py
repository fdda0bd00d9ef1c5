"""Ranking one job order: its needs from the order and its packs, the exact top k over the
index and its delta, the reasons of each score, the equity re-ranking and the eligible pool."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

import numpy as np
from django.db import connection
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from vinculo.jobs.models import JobOrder
from vinculo.matching import domain as d
from vinculo.matching import index as ix
from vinculo.matching.models import Candidacy, CandidacyStatus
from vinculo.policy.loader import PolicyPackNotFound, pack_get
from vinculo.reference.countries import language_name

REASON_TEXTS = {
    "occupation_4": _("Same occupation (ISCO-08 unit group %(group)s)"),
    "occupation_3": _("Related occupation (same ISCO-08 minor group %(group)s)"),
    "occupation_2": _("Nearby occupation (same ISCO-08 sub-major group %(group)s)"),
    "experience": ngettext_lazy(
        "%(years)s year of experience in it; %(asked)s asked",
        "%(years)s years of experience in it; %(asked)s asked",
        "years",
    ),
    "languages": _("Languages asked: %(held)s"),
    "languages_none": _("No language asked: all the points for languages"),
    "place_municipality": _("Lives in the municipality of the worksite"),
    "place_region": _("Lives in the region of the worksite"),
    "place_relocate": _("Willing to move within the country"),
    "place_abroad": _("Willing to work abroad"),
    "place_none": _("Lives elsewhere and has not said they would move"),
    "named": _("Requested by name by the employer"),
    "returning": _("Worked for this employer in an earlier season and was asked back"),
    "equity": ngettext_lazy(
        "Moved down to spread selection: %(n)s candidate from the same municipality ranks above",
        "Moved down to spread selection: %(n)s candidates from the same municipality rank above",
        "n",
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


def _returning(order: JobOrder) -> frozenset[int]:
    """Workers the employer selected for an earlier job that ended before this one starts and,
    at the end of that season, asked back (the employer's evaluation of the placement).
    Plain SQL: a ranking runs it every time, and the ORM's compiling cost more than the query."""
    candidacy, job = Candidacy._meta, JobOrder._meta
    q = connection.ops.quote_name
    sql = (
        f"SELECT c.{q('worker_id')} FROM {q(candidacy.db_table)} c "  # noqa: S608 (model names)
        f"JOIN {q(job.db_table)} o ON o.{q('id')} = c.{q('order_id')} "
        f"WHERE c.{q('status')} = %s AND c.{q('rehire')} = %s "
        f"AND o.{q('employer_id')} = %s AND o.{q('end_date')} < %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(
            sql, [CandidacyStatus.SELECTED.value, True, order.employer_id, order.start_date]
        )
        return frozenset(row[0] for row in cursor.fetchall())


def needs_for(order: JobOrder) -> d.OrderNeeds:
    nationalities = None
    if order.programme:
        try:
            rule = pack_get(order.programme).nationalities
        except PolicyPackNotFound:
            rule = None
        if rule is not None:
            nationalities = frozenset(d.country_code(c) for c in rule.countries)
    named = (
        frozenset(order.named_workers.values_list("pk", flat=True))
        if order.named_request
        else frozenset()
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
        named=named,
        returning=_returning(order),
    )


@dataclass
class Match:
    worker_id: int
    score: float
    reasons: list[dict[str, Any]]
    sex: int = 0
    municipality: int = 0
    equity_penalty: float = 0.0

    @property
    def total(self) -> float:
        """The score shown: the points of every reason, the equity penalty taken off."""
        return self.score - self.equity_penalty


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
    """The reasons of row i's score (see reasons_all)."""
    return reasons_all(d.take(parts, np.array([i])), d.take(c, np.array([i])), needs)[0]


def reasons_all(
    parts: dict[str, np.ndarray], c: dict[str, np.ndarray], needs: d.OrderNeeds
) -> list[list[dict]]:
    """The reasons of each row's score, each with its points, as stored and shown. The numbers
    are taken out of numpy once per column, not once per row."""
    n = len(c["worker_id"])
    level = parts["level"].tolist()
    worked = parts["worked"].astype(int).tolist()
    points = {name: parts[name].tolist() for name in d.COMPONENTS}
    held_text: list[str] = [""] * n
    if needs.languages:
        columns = []
        for code, least in needs.languages:
            have = np.where(c["languages"] == code, c["levels"], 0).max(axis=1).tolist()
            name = _language_name(code)
            columns.append([f"{name} {_level_name(h)} / {_level_name(least)}" for h in have])
        held_text = [", ".join(parts_) for parts_ in zip(*columns, strict=True)]
    abroad = c["residence"] != needs.worksite_country
    place = np.select(
        [
            abroad,
            c["municipality"] == needs.worksite_municipality,
            c["region"] == needs.worksite_region,
            c["relocate"],
        ],
        ["place_abroad", "place_municipality", "place_region", "place_relocate"],
        "place_none",
    ).tolist()
    unit = str(needs.unit)
    out = []
    for i in range(n):
        row = []
        if level[i]:
            row.append(
                {
                    "code": f"occupation_{level[i]}",
                    "points": points["occupation"][i],
                    "params": {"group": unit[: level[i]]},
                }
            )
        row.append(
            {
                "code": "experience",
                "points": points["experience"][i],
                "params": {"years": worked[i], "asked": needs.min_years},
            }
        )
        # Always a line for languages: when none is asked everyone gets their points, and a
        # total must be the sum of the lines shown under it.
        row.append(
            {
                "code": "languages" if needs.languages else "languages_none",
                "points": points["languages"][i],
                "params": {"held": held_text[i]} if needs.languages else {},
            }
        )
        row.append({"code": place[i], "points": points["place"][i], "params": {}})
        for extra in ("named", "returning"):
            if points[extra][i]:
                row.append({"code": extra, "points": points[extra][i], "params": {}})
        out.append(row)
    return out


def _language_name(code: int) -> str:
    """The index keeps a language as a number (its ISO letters in base 27): its name in the
    page's language ("español", "inglés"), not its code."""
    letters = []
    while code:
        code, rest = divmod(code, 27)
        letters.append(chr(rest + 96))
    return language_name("".join(reversed(letters)))


def _level_name(level: int) -> str:
    """A CEFR level as people read it: "A2", "B1"…, "mother tongue", or "—" for none."""
    name = d.LEVEL_NAMES.get(level)
    if name is None:
        return "—"
    return str(_("mother tongue")) if name == "native" else name


def _top_of(
    c: dict[str, np.ndarray], needs: d.OrderNeeds, k: int, tiers: dict[int, np.ndarray]
) -> list[Match]:
    ranked = d.rank(c, needs, k, tiers)
    sub = d.take(c, ranked.rows)
    why = reasons_all(ranked.parts, sub, needs)
    ids, totals = sub["worker_id"].tolist(), ranked.parts["total"].tolist()
    sexes, places = sub["sex"].tolist(), sub["municipality"].tolist()
    return [
        Match(
            worker_id=ids[i], score=totals[i], reasons=why[i], sex=sexes[i], municipality=places[i]
        )
        for i in range(len(ids))
    ], ranked.scored


def _tiers(
    keys: np.ndarray,
    rows: np.ndarray,
    needs: d.OrderNeeds,
    stale: np.ndarray,
    c: dict[str, np.ndarray],
    kept: dict | None = None,
) -> Any:
    """The order's ISCO tiers with their columns, each looked up only when the ranking asks
    for it, without the rows the delta replaces. `kept` holds gathered tiers across the orders
    of a batch (orders of one occupation group share them)."""
    found = {} if kept is None else kept

    def tier(level: int) -> Any:
        key = (level, needs.jurisdiction, needs.unit // ix.WIDTHS[level])
        if key not in found:
            here = ix.tier_rows(keys, rows, needs.jurisdiction, needs.unit, level)
            here = here[~np.isin(here, stale)] if len(stale) else here
            # One order gathers only what passes its filters; a batch keeps whole tiers.
            found[key] = (here, d.take(c, here)) if kept is not None else here
        return found[key]

    return tier


def _delta(index: ix.Index | None) -> ix.Delta:
    """The workers the index does not hold as they are now; a new build is asked for when they
    have grown many (index.rebuild_wanted)."""
    delta = ix.delta_for(index)
    if ix.rebuild_wanted(delta):
        ix.index_rebuild_soon()
    return delta


def rank_order(order: JobOrder, *, k: int = 50, equity: bool = False) -> Ranking:
    """The exact top k eligible workers of the order's jurisdiction, best first, explained.
    With `equity`, a wider top is re-ranked to spread selection across municipalities."""
    index = ix.index_current()
    return rank_needs(needs_for(order), index, _delta(index), k=k, equity=equity)


def rank_nationals(
    *, jurisdiction_id: int, unit: str, start: date, end: date, country: str, k: int = 100
) -> Ranking:
    """A labour-market test: the nationals of `country` registered with the jurisdiction who meet
    every condition of a job of this occupation and period in their own country, best first (at
    most k)."""
    needs = d.OrderNeeds(
        jurisdiction=jurisdiction_id,
        unit=int(unit),
        start=d.day(start, 0),
        end=d.day(end, 0),
        worksite_country=d.country_code(country),
        nationalities=frozenset({d.country_code(country)}),
    )
    index = ix.index_current()
    return rank_needs(needs, index, _delta(index), k=k)


def rank_orders(orders: list[JobOrder], *, k: int = 50) -> list[Ranking]:
    """Many orders against one reading of the index and its delta (batch matching). Orders are
    ranked by occupation group, so each group's tiers are gathered once and then dropped."""
    index = ix.index_current()
    delta = _delta(index)
    delta_postings = ix.postings(delta.columns) if len(delta.columns["worker_id"]) else None
    results: dict[int, Ranking] = {}
    kept: dict = {}
    group = None
    for i in sorted(
        range(len(orders)), key=lambda i: (orders[i].jurisdiction_id, orders[i].isco_unit)
    ):
        order = orders[i]
        if (order.jurisdiction_id, order.isco_unit[:2]) != group:
            group = (order.jurisdiction_id, order.isco_unit[:2])
            kept = {}
        results[i] = rank_needs(
            needs_for(order), index, delta, k=k, delta_postings=delta_postings, kept=kept
        )
    return [results[i] for i in range(len(orders))]


def rank_needs(
    needs: d.OrderNeeds,
    index: ix.Index | None,
    delta: ix.Delta,
    *,
    k: int = 50,
    equity: bool = False,
    delta_postings: tuple[np.ndarray, np.ndarray] | None = None,
    kept: dict | None = None,
) -> Ranking:
    want = k * 3 if equity else k
    matches: list[Match] = []
    scored = 0
    if index is not None and index.size:
        tiers = _tiers(index.keys, index.rows, needs, delta.stale_rows, index.columns, kept)
        found, n = _top_of(index.columns, needs, want, tiers)
        matches += found
        scored += n
    if len(delta.columns["worker_id"]):
        keys, rows = delta_postings or ix.postings(delta.columns)
        tiers = _tiers(keys, rows, needs, np.empty(0), delta.columns)
        found, n = _top_of(delta.columns, needs, want, tiers)
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
    needs = needs_for(order)
    candidates = list(
        order.candidacies.exclude(status=CandidacyStatus.WITHDRAWN).values_list(
            "worker_id", flat=True
        )
    )
    counts: dict[int, int] = {}
    index = ix.index_current()
    delta = _delta(index)
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
