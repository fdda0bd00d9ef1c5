"""Matching a job order with workers, in two stages, on columns of numbers (numpy).

1. Hard eligibility filters, each a rule a person can name: adult on the start date, available
   for the whole period, an identity document valid to the end (a passport for work abroad),
   consent to matching, not already placed in an overlapping job, not flagged for fraud, willing
   to work where the job is, and, where a programme recruits only some nationalities, one of
   them (a filter with its legal source; nationality never enters a score).
2. An exact score, the sum of points a person can read: occupation closeness through the ISCO-08
   hierarchy, experience against the requirement, languages and their levels, where the worker
   lives or is willing to go, and a named request or an earlier season with the same employer.

Sex, ethnicity and nationality are not columns of the score: `sex` is carried only for the
fairness audit, which compares selection rates with the eligible pool.

The top of the ranking is exact, found tier by tier down the ISCO hierarchy: workers sharing the
order's unit group are scored first; a wider tier (minor, then sub-major group) is scored only if
its best possible score could still enter the top k. Nothing is approximated.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np
from django.utils.translation import gettext_lazy as _

from vinculo.core.audit import AuditVerb
from vinculo.core.lifecycle import Move
from vinculo.core.permissions import Perm
from vinculo.core.values import fold
from vinculo.matching.models import CandidacyStatus

# --- encodings ---------------------------------------------------------------------------------

EPOCH = date(1970, 1, 1)
NEVER = np.iinfo(np.int32).max  # "no end" for availability and documents
ALWAYS = np.iinfo(np.int32).min

# CEFR levels as numbers; a mother tongue is above C2.
LEVELS = {"A1": 1, "A2": 2, "B1": 3, "B2": 4, "C1": 5, "C2": 6, "native": 7}
LEVEL_NAMES = {v: k for k, v in LEVELS.items()}
SEX_CODES = {"F": 1, "M": 2, "X": 3}
OCCUPATION_SLOTS = 3  # a worker's first three occupations count
LANGUAGE_SLOTS = 4


def day(value: date | None, default: int) -> int:
    return (value - EPOCH).days if value else default


def country_code(code: str) -> int:
    """ "HN" → a small number; 0 for none."""
    code = (code or "").upper()
    if len(code) != 2:
        return 0
    return 1 + (ord(code[0]) - 65) * 26 + (ord(code[1]) - 65)


def language_code(code: str) -> int:
    """An ISO 639 code (two or three letters) → a number below 2**16; 0 for none."""
    code = (code or "").lower()
    n = 0
    for ch in code[:3]:
        n = n * 27 + (ord(ch) - 96)
    return n


def place_key(*parts: str) -> int:
    """A region or a municipality as a number, for equality only (CRC-32 of the folded names)."""

    text = "|".join(fold(p or "") for p in parts)
    return zlib.crc32(text.encode()) if any(parts) else 0


# --- the columns -------------------------------------------------------------------------------

# name → (dtype, per-row width): what the index keeps of each worker.
COLUMNS: dict[str, tuple[str, int]] = {
    "worker_id": ("int64", 1),
    "jurisdiction": ("int32", 1),
    "birth": ("int32", 1),
    "available_from": ("int32", 1),
    "available_to": ("int32", 1),
    "document_valid_to": ("int32", 1),  # any identity document, latest expiry
    "passport_valid_to": ("int32", 1),
    "consent": ("bool", 1),
    "fraud": ("bool", 1),
    "work_abroad": ("bool", 1),
    "relocate": ("bool", 1),
    "nationality": ("int16", 1),
    "residence": ("int16", 1),
    "region": ("uint32", 1),
    "municipality": ("uint32", 1),
    "occupations": ("int16", OCCUPATION_SLOTS),  # ISCO-08 unit codes, 0 empty
    "years": ("int16", OCCUPATION_SLOTS),
    "languages": ("int32", LANGUAGE_SLOTS),
    "levels": ("int8", LANGUAGE_SLOTS),
    "placed_from": ("int32", 1),  # the worker's current placement, if any
    "placed_to": ("int32", 1),
    "sex": ("int8", 1),  # for the fairness audit only: never read by `score`
}


def empty_columns(n: int) -> dict[str, np.ndarray]:
    return {
        name: np.zeros((n, width) if width > 1 else n, dtype=dtype)
        for name, (dtype, width) in COLUMNS.items()
    }


# --- what an order needs ------------------------------------------------------------------------


@dataclass(frozen=True)
class OrderNeeds:
    jurisdiction: int
    unit: int  # ISCO-08 unit group, e.g. 9211
    start: int  # days since 1970
    end: int
    min_years: int = 0
    languages: tuple[tuple[int, int], ...] = ()  # (language code, least level)
    worksite_country: int = 0
    worksite_region: int = 0
    worksite_municipality: int = 0
    nationalities: frozenset[int] | None = None  # a programme's, with its legal source
    named: frozenset[int] = frozenset()  # worker ids requested by name
    returning: frozenset[int] = frozenset()  # worker ids of an earlier season with the employer
    min_age: int = 18


# --- stage 1: eligibility -------------------------------------------------------------------

# Each filter's code, in the order a person reads them; `eligibility` returns them all.
FILTERS = (
    "adult",
    "available",
    "document",
    "consent",
    "not_placed",
    "not_flagged",
    "willing",
    "nationality",
)


def _age_limit(start: int, years: int) -> int:
    """The latest birth day (days since 1970) of someone `years` old on day `start`."""
    on = EPOCH.toordinal() + start
    d = date.fromordinal(on)
    try:
        limit = d.replace(year=d.year - years)
    except ValueError:  # 29 February
        limit = d.replace(year=d.year - years, day=28)
    return (limit - EPOCH).days


WHERE_COLUMNS = (
    "residence",
    "work_abroad",
    "region",
    "relocate",
    "nationality",
    "passport_valid_to",
    "document_valid_to",
)


def _documented(c: dict[str, np.ndarray], needs: OrderNeeds) -> np.ndarray:
    return np.where(
        c["nationality"] != needs.worksite_country,
        c["passport_valid_to"] >= needs.end,
        c["document_valid_to"] >= needs.end,
    )


def _willing(c: dict[str, np.ndarray], needs: OrderNeeds) -> np.ndarray:
    abroad = c["residence"] != needs.worksite_country
    return np.where(
        abroad, c["work_abroad"], (c["region"] == needs.worksite_region) | c["relocate"]
    )


def eligibility(c: dict[str, np.ndarray], needs: OrderNeeds) -> dict[str, np.ndarray]:
    """Each filter as a boolean column over the rows of `c`."""
    out = {
        "adult": c["birth"] <= _age_limit(needs.start, needs.min_age),
        "available": (c["available_from"] <= needs.start) & (c["available_to"] >= needs.end),
        "document": _documented(c, needs),
        "consent": c["consent"],
        "not_placed": (c["placed_to"] < needs.start) | (c["placed_from"] > needs.end),
        "not_flagged": ~c["fraud"],
        "willing": _willing(c, needs),
    }
    if needs.nationalities is not None:
        out["nationality"] = np.isin(c["nationality"], list(needs.nationalities))
    else:
        out["nationality"] = np.ones(len(c["birth"]), dtype=bool)
    return out


def eligible(c: dict[str, np.ndarray], needs: OrderNeeds) -> np.ndarray:
    result = np.ones(len(c["birth"]), dtype=bool)
    for mask in eligibility(c, needs).values():
        result &= mask
    return result


# --- stage 2: the score -------------------------------------------------------------------------

# Points (the weights users see). Closeness of the closest of a worker's occupations.
CLOSENESS = {4: 40, 3: 25, 2: 12}  # same unit, minor group, sub-major group
EXPERIENCE = 20  # all of it when the worker has the years asked (or none are asked)
EXPERIENCE_EXTRA = 5  # up to this for more years than asked (one point a year)
LANGUAGES = 15  # shared between the languages asked
PLACE = {"municipality": 10, "region": 8, "relocate": 5, "abroad": 10}
NAMED = 30
RETURNING = 10

COMPONENTS = ("occupation", "experience", "languages", "place", "named", "returning")


def closeness_level(units: np.ndarray, unit: int) -> np.ndarray:
    """For each row, the deepest ISCO level shared with `unit` (4, 3, 2) by any of the row's
    occupations, else 0, and which slot shares it."""
    best = np.zeros(units.shape[0], dtype=np.int8)
    for digits, divisor in ((2, 100), (3, 10), (4, 1)):
        match = (units // divisor == unit // divisor) & (units > 0)
        best = np.where(match.any(axis=1), np.int8(digits), best)
    return best


def score(c: dict[str, np.ndarray], needs: OrderNeeds) -> dict[str, np.ndarray]:
    """Each component's points per row (float32), their sum under "total", and, for the
    reasons, the ISCO level shared ("level") and the years of experience counted ("worked").
    Reads SCORE_COLUMNS only."""
    n = len(c["worker_id"])
    units, years = c["occupations"], c["years"]
    level = closeness_level(units, needs.unit)
    occupation = np.zeros(n, dtype=np.float32)
    for digits, points in CLOSENESS.items():
        occupation[level == digits] = points
    # Experience in the closest of the worker's occupations (the most years among equally close).
    divisor = 10 ** (4 - np.maximum(level, 1).astype(np.int32))
    close = (units // divisor[:, None] == needs.unit // divisor[:, None]) & (units > 0)
    worked = np.where(close, years, 0).max(axis=1).astype(np.float32)
    if needs.min_years > 0:
        experience = EXPERIENCE * np.minimum(worked / needs.min_years, 1.0)
        extra = np.clip(worked - needs.min_years, 0, EXPERIENCE_EXTRA)
    else:
        experience = np.full(n, EXPERIENCE, dtype=np.float32)
        extra = np.clip(worked, 0, EXPERIENCE_EXTRA)
    experience = (experience + extra).astype(np.float32)
    languages = np.zeros(n, dtype=np.float32)
    if needs.languages:
        share = LANGUAGES / len(needs.languages)
        for code, least in needs.languages:
            level_held = np.where(c["languages"] == code, c["levels"], 0).max(axis=1)
            languages += np.where(
                level_held >= least, share, np.where(level_held == least - 1, share / 2, 0)
            ).astype(np.float32)
    else:
        languages[:] = LANGUAGES
    abroad = c["residence"] != needs.worksite_country
    place = np.where(
        abroad,
        PLACE["abroad"],
        np.where(
            c["municipality"] == needs.worksite_municipality,
            PLACE["municipality"],
            np.where(
                c["region"] == needs.worksite_region,
                PLACE["region"],
                np.where(c["relocate"], PLACE["relocate"], 0),
            ),
        ),
    ).astype(np.float32)
    ids = c["worker_id"]
    named = (
        np.isin(ids, list(needs.named)).astype(np.float32) * NAMED
        if needs.named
        else np.zeros(n, dtype=np.float32)
    )
    returning = (
        np.isin(ids, list(needs.returning)).astype(np.float32) * RETURNING
        if needs.returning
        else np.zeros(n, dtype=np.float32)
    )
    parts = {
        "occupation": occupation,
        "experience": experience,
        "languages": languages,
        "place": place,
        "named": named,
        "returning": returning,
    }
    parts["total"] = sum(parts.values())  # type: ignore[assignment]
    # Not points: what the reasons of each score say (the level shared, the years counted).
    parts["level"], parts["worked"] = level, worked
    return parts


def best_possible(needs: OrderNeeds, level: int, ids: np.ndarray) -> float:
    """The highest score any row of an ISCO tier could reach: what the tier search prunes on."""
    bonus = 0.0
    if needs.named and np.isin(ids, list(needs.named)).any():
        bonus += NAMED
    if needs.returning and np.isin(ids, list(needs.returning)).any():
        bonus += RETURNING
    return CLOSENESS[level] + EXPERIENCE + EXPERIENCE_EXTRA + LANGUAGES + PLACE["abroad"] + bonus


@dataclass
class Ranked:
    """The top of a ranking: rows of the columns it was computed on, best first, each with its
    components, and how many eligible rows were scored to find it."""

    rows: np.ndarray
    parts: dict[str, np.ndarray]
    scored: int = 0


def _top(total: np.ndarray, ids: np.ndarray, k: int) -> np.ndarray:
    """Positions of the k best, by score then by worker id (a stable, fair tie-break)."""
    if len(total) > k:
        cut = np.partition(-total, k - 1)[k - 1]
        keep = np.flatnonzero(-total <= cut)
    else:
        keep = np.arange(len(total))
    order = np.lexsort((ids[keep], -total[keep]))
    return keep[order][:k]


# What stage one reads (and the tier test): gathered before the rest of a row.
FILTER_COLUMNS = (
    "jurisdiction",
    "birth",
    "available_from",
    "available_to",
    "document_valid_to",
    "passport_valid_to",
    "consent",
    "fraud",
    "work_abroad",
    "relocate",
    "nationality",
    "residence",
    "region",
    "placed_from",
    "placed_to",
    "occupations",
)


# What the score reads of a row.
SCORE_COLUMNS = (
    "worker_id",
    "occupations",
    "years",
    "languages",
    "levels",
    "residence",
    "municipality",
    "region",
    "relocate",
)


def take(
    c: dict[str, np.ndarray], rows: Any, names: tuple[str, ...] | None = None
) -> dict[str, np.ndarray]:
    return {name: c[name][rows] for name in (names or c)}


TIER_CHUNK = 16_384  # rows of a tier scored at a time, so a large tier can stop early


def _settled(
    best_total: np.ndarray, best_ids: np.ndarray, k: int, bound: float, next_id: int
) -> bool:
    """Whether rows scoring at most `bound`, all with worker ids from `next_id` up, could still
    change the top k so far (`best_total`, `best_ids`: best first, as `_top` leaves them): not
    if the k-th scores more, nor if it scores the same with a lower id (ties go to the lower
    id)."""
    if len(best_total) < k:
        return False
    return bool(best_total[-1] > bound or (best_total[-1] == bound and best_ids[-1] < next_id))


def rank(
    c: dict[str, np.ndarray],
    needs: OrderNeeds,
    k: int,
    tiers: Any,
) -> Ranked:
    """The exact top k of the workers of `needs.jurisdiction` by score among the eligible.

    `tiers(level)` gives, for ISCO levels 4, 3 and 2, the rows whose occupations share that
    level with the order (each a superset of the next: the sub-major tier holds the minor one),
    in ascending order, either as rows or as (rows, their columns) when the caller keeps
    gathered tiers; a dict of rows works too. Rows of `c` are in worker-id order (the index and
    its delta are built so).

    A wider tier is asked for, and scored, only while its best possible score could still change
    the top k; a tier is scored TIER_CHUNK rows at a time, in worker-id order, and left as soon
    as the rest of it could not: once the top k all score the tier's best possible, say, every
    later row of the tier could at most tie, and would lose the tie on its higher id."""
    tier = tiers.get if isinstance(tiers, dict) else tiers
    best_rows = np.empty(0, dtype=np.int64)
    best_total = np.empty(0, dtype=np.float32)
    scored = 0
    # Named and returning workers are few and known, so they count as present in every tier.
    bonus_ids = np.fromiter(needs.named | needs.returning, np.int64)
    ids = c["worker_id"]
    for level in (4, 3, 2):
        bound = best_possible(needs, level, bonus_ids)
        if _settled(best_total, ids[best_rows], k, bound, np.iinfo(np.int64).min):
            break
        got = tier(level)
        if got is None:
            continue
        all_rows, all_sub = got if isinstance(got, tuple) else (got, None)
        for start in range(0, len(all_rows), TIER_CHUNK):
            rows = all_rows[start : start + TIER_CHUNK]
            if _settled(best_total, ids[best_rows], k, bound, ids[rows[0]]):
                break
            sub = None if all_sub is None else take(all_sub, slice(start, start + len(rows)))
            # The filters first, on their own columns: only the rows that pass are gathered
            # whole; where to work and which document first, as they leave out the most.
            if sub is None:
                where = take(c, rows, WHERE_COLUMNS)
                near = _willing(where, needs) & _documented(where, needs)
                rows = rows[near]
            first = sub if sub is not None else take(c, rows, FILTER_COLUMNS)
            keep = (first["jurisdiction"] == needs.jurisdiction) & eligible(first, needs)
            if level < 4:  # rows sharing more digits belong to a narrower tier, already scored
                keep &= closeness_level(first["occupations"], needs.unit) == level
            rows = rows[keep]
            if not len(rows):
                continue
            if sub is not None:
                sub = take(sub, np.flatnonzero(keep))
            else:
                sub = take(c, rows, SCORE_COLUMNS)
            scored += len(rows)
            total = score(sub, needs)["total"]
            best_rows = np.concatenate([best_rows, rows])
            best_total = np.concatenate([best_total, total])
            top = _top(best_total, ids[best_rows], k)
            best_rows, best_total = best_rows[top], best_total[top]
    top = _top(best_total, ids[best_rows], k)
    rows = best_rows[top]
    return Ranked(rows=rows, parts=score(take(c, rows), needs), scored=scored)


# --- the candidacy's lifecycle ----------------------------------------------------------------

# Who moves a candidacy: the authority shortlists (its permission, in the order's jurisdiction);
# the employer's side of the order (the filer) selects or not, with a reason when not; the
# worker applies again after withdrawing. A candidacy begins shortlisted or applied.
EMPLOYER, WORKER = frozenset({"filer"}), frozenset({"worker"})
_SHORTLIST = Move(_("Shortlist"), AuditVerb.CANDIDATE_SHORTLISTED, Perm.SHORTLIST_CANDIDATES)
C = CandidacyStatus
# A candidacy in one of these has been on the order's shortlist: the fair figures count them.
SHORTLIST_REACHED = frozenset({C.SHORTLISTED, C.SELECTED, C.NOT_SELECTED})
CANDIDACY_MOVES: dict[tuple[str, str], Move] = {
    (C.APPLIED, C.SHORTLISTED): _SHORTLIST,
    (C.NOT_SELECTED, C.SHORTLISTED): _SHORTLIST,
    (C.WITHDRAWN, C.SHORTLISTED): _SHORTLIST,
    (C.SHORTLISTED, C.SELECTED): Move(_("Select"), AuditVerb.CANDIDATE_SELECTED, sides=EMPLOYER),
    (C.SHORTLISTED, C.NOT_SELECTED): Move(
        _("Not selected"), AuditVerb.CANDIDATE_NOT_SELECTED, sides=EMPLOYER, needs_reason=True
    ),
    (C.WITHDRAWN, C.APPLIED): Move(_("Apply"), AuditVerb.CANDIDATE_APPLIED, sides=WORKER),
}
