from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from vinculo.policy.domain import check_minimum_wage, check_worker_cost, minimum_wages_in_force
from vinculo.policy.loader import pack_get


@pytest.mark.parametrize(
    ("offered", "passed", "reason"),
    [
        ("17.60", True, "at_or_above_minimum"),
        ("18.00", True, "at_or_above_minimum"),
        ("17.59", False, "below_minimum"),
    ],
)
def test_sawp_ontario_minimum_wage(offered, passed, reason):
    result = check_minimum_wage(
        pack_get("CA-SAWP"),
        amount=Decimal(offered),
        currency="CAD",
        basis="hour",
        sector="agriculture",
        region="CA-ON",
        on=date(2026, 5, 1),
    )
    assert (result.passed, result.reason) == (passed, reason)
    assert result.evidence["minimum"] == "17.60"
    assert "Employment Standards Act, 2000 (Ontario)" in result.source


def test_the_explanation_is_in_both_languages():
    result = check_minimum_wage(
        pack_get("CA-SAWP"),
        amount=Decimal("15.00"),
        currency="CAD",
        basis="hour",
        sector="agriculture",
        region="CA-ON",
        on=date(2026, 5, 1),
    )
    assert result.explanation["en"] == (
        "15.00 CAD per hour is below the minimum of 17.60 (Ontario, general minimum wage)."
    )
    assert result.explanation["es"] == (
        "15,00 CAD por hora está por debajo del mínimo de 17,60 (Ontario, salario mínimo general)."
    )


def test_the_figure_in_force_on_the_date_applies():
    quebec = pack_get("CA-SAWP")
    kwargs = {
        "currency": "CAD",
        "basis": "hour",
        "sector": "agriculture",
        "region": "CA-QC",
        "amount": Decimal("16.30"),
    }
    assert check_minimum_wage(quebec, on=date(2026, 4, 30), **kwargs).passed  # 16.10 then
    assert not check_minimum_wage(quebec, on=date(2026, 5, 1), **kwargs).passed  # 16.60 now


def test_a_region_specific_figure_wins_over_the_general_one():
    mexico = pack_get("MX")
    border = minimum_wages_in_force(mexico, on=date(2026, 3, 1), region="MX-ZLFN")
    general = minimum_wages_in_force(mexico, on=date(2026, 3, 1))
    assert [w.amount for w in border] == [Decimal("440.87")]
    assert [w.amount for w in general] == [Decimal("315.04")]


def test_a_sector_figure_wins_and_company_size_is_respected():
    honduras = pack_get("HN")
    small = minimum_wages_in_force(
        honduras, on=date(2025, 6, 1), sector="agriculture", company_size="1-10"
    )
    assert [w.amount for w in small] == [Decimal("9052.96")]


def test_no_figure_for_the_basis_fails_with_a_reason():
    result = check_minimum_wage(
        pack_get("HN"),
        amount=Decimal("100"),
        currency="HNL",
        basis="hour",
        sector="agriculture",
        on=date(2025, 6, 1),
    )
    assert (result.passed, result.reason) == (False, "no_minimum_for_basis")
    assert "HN" in result.explanation["es"] and "hora" in result.explanation["es"]


def test_a_wage_in_another_currency_is_refused():
    result = check_minimum_wage(
        pack_get("SV"),
        amount=Decimal("500"),
        currency="EUR",
        basis="month",
        sector="commerce",
        on=date(2026, 1, 1),
    )
    assert (result.passed, result.reason) == (False, "currency_mismatch")


def test_a_worker_never_pays_a_recruitment_fee():
    for code in ("HN", "CA-SAWP", "ES-GECCO"):
        result = check_worker_cost(pack_get(code), cost="recruitment_fee", paid_by_worker=True)
        assert (result.passed, result.reason) == (False, "worker_charged")
        assert result.explanation["es"] and result.explanation["en"]
        assert check_worker_cost(
            pack_get(code), cost="recruitment_fee", paid_by_worker=False
        ).passed


def test_a_related_cost_is_recoverable_only_where_the_pack_says_so():
    sawp = check_worker_cost(pack_get("CA-SAWP"), cost="travel_in", paid_by_worker=True)
    assert (sawp.passed, sawp.reason) == (True, "recoverable_within_limit")
    assert "10%" in sawp.explanation["en"]
    honduras = check_worker_cost(pack_get("HN"), cost="travel_in", paid_by_worker=True)
    assert (honduras.passed, honduras.reason) == (False, "worker_charged")
