"""The two stages on columns: each filter passes and fails, the score's parts, and the tiered
top k equal to scoring everyone."""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vinculo.matching import domain as d
from vinculo.matching.index import postings, tiers_for

START, END = date(2027, 4, 1), date(2027, 10, 31)


def _needs(**changes):
    values = {
        "jurisdiction": 1,
        "unit": 9211,
        "start": d.day(START, 0),
        "end": d.day(END, 0),
        "min_years": 2,
        "languages": ((d.language_code("es"), d.LEVELS["B1"]),),
        "worksite_country": d.country_code("CA"),
        "worksite_region": d.place_key("CA-ON"),
        "worksite_municipality": d.place_key("CA-ON", "Leamington"),
    }
    return d.OrderNeeds(**{**values, **changes})


def _worker(unit=9211, worked=3, **changes):
    c = d.empty_columns(1)
    values = {
        "worker_id": 7,
        "jurisdiction": 1,
        "birth": d.day(date(1990, 1, 1), 0),
        "available_from": d.ALWAYS,
        "available_to": d.NEVER,
        "document_valid_to": d.day(date(2030, 1, 1), 0),
        "passport_valid_to": d.day(date(2030, 1, 1), 0),
        "consent": True,
        "fraud": False,
        "work_abroad": True,
        "relocate": False,
        "nationality": d.country_code("HN"),
        "residence": d.country_code("HN"),
        "placed_from": d.NEVER,
        "placed_to": d.ALWAYS,
        "sex": 1,
    }
    for name, value in {**values, **changes}.items():
        c[name][0] = value
    c["occupations"][0, 0], c["years"][0, 0] = unit, worked
    c["languages"][0, 0], c["levels"][0, 0] = d.language_code("es"), d.LEVELS["native"]
    return c


def test_an_ideal_worker_passes_every_filter():
    assert all(ok[0] for ok in d.eligibility(_worker(), _needs()).values())


@pytest.mark.parametrize(
    ("changes", "needs", "failing"),
    [
        ({"birth": d.day(date(2009, 4, 2), 0)}, {}, "adult"),  # 17 on the start date
        ({"available_from": d.day(date(2027, 4, 2), 0)}, {}, "available"),
        ({"available_to": d.day(date(2027, 10, 30), 0)}, {}, "available"),
        ({"passport_valid_to": d.day(date(2027, 10, 30), 0)}, {}, "document"),
        ({"consent": False}, {}, "consent"),
        (
            {"placed_from": d.day(date(2027, 6, 1), 0), "placed_to": d.day(date(2027, 9, 1), 0)},
            {},
            "not_placed",
        ),
        ({"fraud": True}, {}, "not_flagged"),
        ({"work_abroad": False}, {}, "willing"),
        ({}, {"nationalities": frozenset({d.country_code("MX")})}, "nationality"),
    ],
)
def test_each_filter_refuses_its_near_miss(changes, needs, failing):
    result = d.eligibility(_worker(**changes), _needs(**needs))
    assert [name for name, ok in result.items() if not ok[0]] == [failing]


def test_eighteen_on_the_start_date_is_adult():
    assert d.eligibility(_worker(birth=d.day(date(2009, 4, 1), 0)), _needs())["adult"][0]


def test_a_national_id_serves_at_home_and_a_passport_abroad():
    home = _needs(worksite_country=d.country_code("HN"), worksite_region=d.place_key("HN-CR"))
    worker = _worker(passport_valid_to=d.ALWAYS, region=d.place_key("HN-CR"))
    assert d.eligibility(worker, home)["document"][0]
    assert not d.eligibility(worker, _needs())["document"][0]


def test_the_score_adds_up_its_reasons():
    parts = d.score(_worker(worked=5), _needs())
    assert parts["occupation"][0] == 40 and parts["experience"][0] == 20 + 3
    assert parts["languages"][0] == 15 and parts["place"][0] == 10
    assert parts["total"][0] == 40 + 23 + 15 + 10


@pytest.mark.parametrize(
    ("unit", "points"), [(9211, 40), (9212, 25), (9215, 25), (9290, 12), (6111, 0)]
)
def test_occupation_closeness_follows_the_isco_hierarchy(unit, points):
    assert d.score(_worker(unit=unit), _needs())["occupation"][0] == points


def test_a_level_below_the_one_asked_earns_half():
    c = _worker()
    c["levels"][0, 0] = d.LEVELS["A2"]
    assert d.score(c, _needs())["languages"][0] == 7.5


def test_sex_and_nationality_never_change_the_score():
    a, b = (
        _worker(sex=1, nationality=d.country_code("HN")),
        _worker(sex=2, nationality=d.country_code("GT")),
    )
    assert d.score(a, _needs())["total"][0] == d.score(b, _needs())["total"][0]


def test_named_and_returning_workers_earn_their_points():
    parts = d.score(_worker(), _needs(named=frozenset({7}), returning=frozenset({7})))
    assert parts["named"][0] == 30 and parts["returning"][0] == 10


def _random_registry(n: int, seed: int) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)
    c = d.empty_columns(n)
    c["worker_id"][:] = np.arange(1, n + 1)
    c["jurisdiction"][:] = rng.integers(1, 3, n)
    c["birth"][:] = rng.integers(d.day(date(1960, 1, 1), 0), d.day(date(2010, 1, 1), 0), n)
    c["available_from"][:] = d.ALWAYS
    c["available_to"][:] = d.NEVER
    c["document_valid_to"][:] = rng.integers(
        d.day(date(2026, 1, 1), 0), d.day(date(2032, 1, 1), 0), n
    )
    c["passport_valid_to"][:] = c["document_valid_to"]
    c["consent"][:] = rng.random(n) < 0.8
    c["fraud"][:] = rng.random(n) < 0.02
    c["work_abroad"][:] = rng.random(n) < 0.7
    c["nationality"][:] = c["residence"][:] = d.country_code("HN")
    c["placed_from"][:] = d.NEVER
    c["placed_to"][:] = d.ALWAYS
    units = np.array([9211, 9212, 9214, 9215, 9216, 9290, 9311, 6111, 6112, 7212])
    c["occupations"][:, 0] = rng.choice(units, n)
    c["occupations"][:, 1] = np.where(rng.random(n) < 0.4, rng.choice(units, n), 0)
    c["years"][:] = rng.integers(0, 12, (n, d.OCCUPATION_SLOTS))
    c["languages"][:, 0] = d.language_code("es")
    c["levels"][:, 0] = d.LEVELS["native"]
    c["languages"][:, 1] = np.where(rng.random(n) < 0.3, d.language_code("en"), 0)
    c["levels"][:, 1] = rng.integers(1, 7, n)
    return c


def _everyone_top(c, needs, k):
    everyone = (
        (c["jurisdiction"] == needs.jurisdiction)
        & d.eligible(c, needs)
        & (d.closeness_level(c["occupations"], needs.unit) > 0)
    )
    total = d.score(c, needs)["total"]
    idx = np.flatnonzero(everyone)
    return list(c["worker_id"][idx[np.lexsort((c["worker_id"][idx], -total[idx]))][:k]])


@pytest.mark.parametrize("seed", [1, 2, 3])
@pytest.mark.parametrize("k", [1, 10, 50])
def test_the_tiered_top_k_is_the_top_of_scoring_everyone(seed, k):
    c = _random_registry(5_000, seed)
    needs = _needs(languages=((d.language_code("en"), d.LEVELS["B2"]),), min_years=5)
    keys, rows = postings(c)
    ranked = d.rank(c, needs, k, tiers_for(keys, rows, 1, needs.unit))
    assert list(c["worker_id"][ranked.rows]) == _everyone_top(c, needs, k)


@pytest.mark.parametrize("chunk", [1, 100_000])
def test_a_wider_tier_that_can_only_tie_is_still_read_for_lower_ids(chunk):
    """The unit group's best (id 100) scores exactly what a minor group's worker can at most
    (75): a worker of the minor group with a lower id (50) wins the tie, so the minor tier is
    read although it cannot score more; from id 101 on it could not win, and is not needed."""
    near = d.score(_worker(unit=9211, worked=1), _needs())["total"][0]
    assert near == d.best_possible(_needs(), 3, np.empty(0, dtype=np.int64)) == 75
    for lower, expected in ((50, 50), (101, 100)):
        rows = [
            _worker(unit=9211, worked=1, worker_id=100),
            _worker(unit=9212, worked=9, worker_id=lower),
        ]
        rows.sort(key=lambda c: c["worker_id"][0])
        c = {name: np.concatenate([r[name] for r in rows]) for name in rows[0]}
        keys, postings_rows = postings(c)
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(d, "TIER_CHUNK", chunk)
            ranked = d.rank(c, _needs(), 1, tiers_for(keys, postings_rows, 1, 9211))
        assert list(c["worker_id"][ranked.rows]) == [expected]


@settings(max_examples=60, deadline=None)
@given(
    seed=st.integers(0, 10_000),
    k=st.sampled_from([1, 5, 50, 400]),
    chunk=st.sampled_from([1, 7, 64, 100_000]),
    min_years=st.integers(0, 8),
    english=st.sampled_from([None, "A2", "B2", "C2"]),
    unit=st.sampled_from([9211, 9216, 6111, 7212]),
    named=st.integers(0, 3),
)
def test_a_tier_left_early_loses_nobody_of_the_top_k(
    seed, k, chunk, min_years, english, unit, named
):
    """Scored a few rows at a time and left as soon as the rest could not enter (ties go to
    the lower worker id): the same top k as scoring everyone, named workers included."""
    c = _random_registry(3_000, seed)
    languages = ((d.language_code("en"), d.LEVELS[english]),) if english else ()
    rng = np.random.default_rng(seed)
    needs = _needs(
        unit=unit,
        languages=languages,
        min_years=min_years,
        named=frozenset(int(i) for i in rng.choice(c["worker_id"], named, replace=False)),
    )
    keys, rows = postings(c)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(d, "TIER_CHUNK", chunk)
        ranked = d.rank(c, needs, k, tiers_for(keys, rows, 1, needs.unit))
    assert list(c["worker_id"][ranked.rows]) == _everyone_top(c, needs, k)
