"""The programme rules job orders are held to: each passes and fails, with its source."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from vinculo.policy.domain import check_collective, check_duration, check_hours, check_recruiter
from vinculo.policy.loader import pack_get


@pytest.mark.parametrize(
    ("hours", "passed"), [(240, True), (1000, True), (239, False), (None, False)]
)
def test_sawp_guarantees_240_hours(hours, passed):
    result = check_hours(pack_get("CA-SAWP"), guaranteed_hours=hours, weekly_hours=Decimal(40))
    assert result.passed is passed
    assert "Seasonal Agricultural Worker Program" in result.source
    if not passed:
        assert "240" in result.explanation["en"] and "240" in result.explanation["es"]


@pytest.mark.parametrize(("weekly", "passed"), [("30", True), ("45.5", True), ("29.5", False)])
def test_the_agricultural_stream_is_full_time(weekly, passed):
    result = check_hours(pack_get("CA-TFWP-AG"), guaranteed_hours=500, weekly_hours=Decimal(weekly))
    assert result.passed is passed
    assert result.reason == ("within_programme_hours" if passed else "below_programme_hours")


def test_a_pack_without_hours_has_no_hours_finding():
    assert check_hours(pack_get("HN"), guaranteed_hours=1, weekly_hours=Decimal(1)) is None


@pytest.mark.parametrize(
    ("start", "end", "passed"),
    [
        (date(2027, 5, 1), date(2027, 12, 15), True),  # 7.5 months, inside the season
        (date(2027, 1, 1), date(2027, 2, 11), True),  # exactly 6 weeks
        (date(2027, 1, 1), date(2027, 2, 10), False),  # a day short of 6 weeks
        (date(2027, 3, 1), date(2027, 11, 15), False),  # more than 8 months
        (date(2027, 6, 1), date(2027, 12, 20), False),  # ends after 15 December
    ],
)
def test_sawp_duration_and_season(start, end, passed):
    result = check_duration(pack_get("CA-SAWP"), start=start, end=end)
    assert result.passed is passed, result.explanation["en"]
    assert result.source


def test_gecco_allows_nine_months():
    pack = pack_get("ES-GECCO")
    assert check_duration(pack, start=date(2027, 2, 1), end=date(2027, 10, 31)).passed
    refused = check_duration(pack, start=date(2027, 1, 1), end=date(2027, 10, 31))
    assert not refused.passed and "9" in refused.explanation["es"]
    assert "1155/2024" in refused.source


@pytest.mark.parametrize(("positions", "passed"), [(10, True), (40, True), (9, False), (1, False)])
def test_gecco_hires_at_least_ten_homogeneous_positions(positions, passed):
    result = check_collective(pack_get("ES-GECCO"), positions=positions)
    assert result.passed is passed
    assert result.evidence == {"positions": positions, "min_positions": 10}


def test_only_collective_programmes_count_positions():
    assert check_collective(pack_get("CA-SAWP"), positions=1) is None


@pytest.mark.parametrize("rule", ["employer_verified", "agency_licensed"])
@pytest.mark.parametrize("passed", [True, False])
def test_who_may_recruit_comes_from_the_authority_pack(rule, passed):
    result = check_recruiter(pack_get("HN"), rule_name=rule, name="Granja Uno", passed=passed)
    assert result.passed is passed and result.reason == ("met" if passed else "not_met")
    assert "Granja Uno" in result.explanation["es"] and "Granja Uno" in result.explanation["en"]
    assert "OIT" in result.source


def test_a_pack_that_does_not_say_who_may_recruit_refuses():
    result = check_recruiter(
        pack_get("CA-SAWP"), rule_name="employer_verified", name="X", passed=True
    )
    assert not result.passed and result.reason == "no_recruitment_rule"


def test_sawp_recruits_mexico_and_the_caribbean_only():
    rule = pack_get("CA-SAWP").nationalities
    assert "MX" in rule.countries and "JM" in rule.countries and "HN" not in rule.countries
    assert pack_get("CA-TFWP-AG").nationalities is None
