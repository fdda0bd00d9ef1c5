"""The points listed under a ranked worker add up to the total shown, always."""

from __future__ import annotations

import numpy as np
import pytest
from django.utils import translation
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.matching.test_domain import _needs, _worker
from vinculo.matching import domain as d
from vinculo.matching.ranking import Match, equity_rerank, reasons_all
from vinculo.matching.templatetags.matching import reason_text
from vinculo.reference.countries import language_name


def _reasons(c, needs):
    parts = d.score(c, needs)
    return parts, reasons_all(parts, c, needs)[0]


@settings(max_examples=80, deadline=None)
@given(
    worked=st.integers(0, 20),
    unit=st.sampled_from([9211, 9212, 9290, 6111]),
    asks_language=st.booleans(),
    level=st.sampled_from(["A1", "B1", "C1", "native"]),
    named=st.booleans(),
)
def test_the_reasons_add_up_to_the_score(worked, unit, asks_language, level, named):
    c = _worker(unit=unit, worked=worked)
    c["levels"][0, 0] = d.LEVELS[level]
    needs = _needs(
        languages=((d.language_code("es"), d.LEVELS["B1"]),) if asks_language else (),
        named=frozenset({7}) if named else frozenset(),
    )
    parts, reasons = _reasons(c, needs)
    assert sum(r["points"] for r in reasons) == pytest.approx(float(parts["total"][0]))
    assert any(r["code"].startswith("languages") for r in reasons)


def test_the_equity_penalty_is_taken_off_the_total_shown():
    rows = [
        Match(worker_id=i, score=80.0, reasons=[{"code": "named", "points": 80.0}], municipality=1)
        for i in range(3)
    ]
    for m in equity_rerank(rows):
        assert m.total == pytest.approx(sum(r["points"] for r in m.reasons))
    assert [m.total for m in rows] == [80.0, 74.0, 68.0]


def test_one_year_and_one_candidate_are_singular():
    with translation.override("en"):
        one = reason_text({"code": "experience", "params": {"years": 1, "asked": 1}})
        assert one == "1 year of experience in it; 1 asked"
        moved = reason_text({"code": "equity", "params": {"n": 1}})
        assert "1 candidate from the same municipality ranks above" in moved
    with translation.override("es"):
        assert reason_text({"code": "experience", "params": {"years": 1, "asked": 2}}).startswith(
            "1 año de experiencia"
        )


def test_languages_are_named_in_the_pages_language():
    c = _worker()
    c["levels"][0, 0] = d.LEVELS["native"]
    with translation.override("es"):
        _, reasons = _reasons(c, _needs())
        held = next(r for r in reasons if r["code"] == "languages")["params"]["held"]
        assert held == f"{language_name('es')} lengua materna / B1"
    assert np.isfinite(d.score(c, _needs())["total"][0])
