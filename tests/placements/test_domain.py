"""The placement's journey and SDG indicator 10.7.1, against examples worked by hand."""

from __future__ import annotations

import statistics
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from vinculo.placements.domain import (
    CROSS_BORDER,
    JOURNEY,
    CostItem,
    CostPaid,
    Exit,
    Money,
    NoRate,
    Rate,
    Rates,
    Step,
    StepsInvalid,
    corridor_figure,
    exits_from,
    journey,
    journey_for,
    next_step,
    placement_indicator,
)

D = Decimal


# --- the journey ---------------------------------------------------------------------------------


def test_a_seasonal_journey_abroad_has_every_step():
    steps = journey()
    assert steps == JOURNEY and steps[0] == Step.SELECTED and steps[-1] == Step.EVALUATED
    assert next_step(steps, Step.ORIENTED) == Step.DEPARTED
    assert next_step(steps, Step.EVALUATED) is None


def test_a_domestic_journey_skips_the_border_and_nothing_else():
    steps = journey(
        [Step.PERMIT_REQUESTED, Step.PERMIT_GRANTED, Step.DEPARTED, Step.ARRIVED, Step.RETURNED]
    )
    assert next_step(steps, Step.ORIENTED) == Step.EMPLOYED
    assert next_step(steps, Step.CONTRACT_ENDED) == Step.EVALUATED
    assert next_step(steps, Step.DEPARTED) is None  # not a step of this journey


@pytest.mark.parametrize(
    ("skipped", "why"),
    [(["boarding"], "not steps"), ([Step.CONTRACT_SIGNED], "no journey can skip")],
)
def test_a_pack_cannot_skip_what_is_no_step_or_what_every_journey_needs(skipped, why):
    with pytest.raises(StepsInvalid, match=why):
        journey(skipped)


def test_exits_depend_on_where_the_worker_is():
    abroad = journey()
    assert exits_from(abroad, Step.CONTRACT_SIGNED) == {
        Exit.WITHDRAWN,
        Exit.REJECTED,
        Exit.DECEASED,
    }
    assert exits_from(abroad, Step.EMPLOYED) == {
        Exit.EARLY_RETURN,
        Exit.IRREGULAR,
        Exit.DECEASED,
    }
    assert exits_from(abroad, Step.EVALUATED) == frozenset()
    domestic = journey([Step.PERMIT_REQUESTED, Step.PERMIT_GRANTED, Step.DEPARTED, Step.ARRIVED])
    assert Exit.IRREGULAR not in exits_from(domestic, Step.EMPLOYED)


# --- currencies ----------------------------------------------------------------------------------

RATES = Rates(
    [
        Rate(date(2027, 1, 1), "CAD", "HNL", D("18.20"), "Banco Central de Honduras"),
        Rate(date(2027, 1, 1), "USD", "CAD", D("1.35"), "Bank of Canada"),
        Rate(date(2027, 1, 18), "USD", "CAD", D("1.40"), "Bank of Canada"),
    ]
)


def test_a_conversion_takes_the_latest_rate_on_or_before_the_day_and_names_it():
    early = RATES.convert(Money(D(100), "USD"), "CAD", date(2027, 1, 17))
    late = RATES.convert(Money(D(100), "USD"), "CAD", date(2027, 1, 20))
    assert early.converted == Money(D("135.00"), "CAD") and early.rate.on == date(2027, 1, 1)
    assert late.converted == Money(D("140.00"), "CAD") and late.rate.on == date(2027, 1, 18)
    inverted = RATES.convert(Money(D("1820"), "HNL"), "CAD", date(2027, 2, 1))
    assert inverted.converted == Money(D(100), "CAD") and inverted.inverted
    assert inverted.rate.source == "Banco Central de Honduras"
    with pytest.raises(NoRate):
        RATES.convert(Money(D(1), "USD"), "CAD", date(2026, 12, 31))  # before any rate
    with pytest.raises(NoRate):
        RATES.convert(Money(D(1), "EUR"), "CAD", date(2027, 2, 1))


# --- SDG indicator 10.7.1 ------------------------------------------------------------------------

# A Honduran worker hired for a Canadian greenhouse paid a passport (HNL 1,000), a medical
# examination (HNL 2,500) and a recruitment fee (USD 300), and earns CAD 2,800 a month.
COSTS = [
    CostPaid(CostItem.PASSPORT, Money(D(1000), "HNL"), date(2027, 1, 10)),
    CostPaid(CostItem.MEDICAL, Money(D(2500), "HNL"), date(2027, 1, 15)),
    CostPaid(CostItem.RECRUITMENT_FEE, Money(D(300), "USD"), date(2027, 1, 17)),
]


def test_the_indicator_of_one_placement_worked_by_hand():
    # HNL 3,500 / 18.20 = CAD 192.3077; USD 300 x 1.35 = CAD 405; CAD 597.3077 / 2,800 = 0.2133
    found = placement_indicator(
        COSTS, monthly_income=Money(D(2800), "CAD"), income_on=date(2027, 4, 1), rates=RATES
    )
    assert found.ratio == D("0.2133") and found.currency == "CAD"
    assert found.cost.quantize(D("0.0001")) == D("597.3077")
    assert [c.rate.source for c in found.conversions] == [
        "Banco Central de Honduras",
        "Banco Central de Honduras",
        "Bank of Canada",
    ]


def test_deductions_that_recover_costs_are_not_income_and_the_day_of_payment_sets_the_rate():
    # The fee paid on 20 January takes that week's rate: USD 300 x 1.40 = CAD 420; the cost is
    # CAD 612.3077; the pay less CAD 200 a month recovering the fee is CAD 2,600: 0.2355.
    later = [
        *COSTS[:2],
        CostPaid(CostItem.RECRUITMENT_FEE, Money(D(300), "USD"), date(2027, 1, 20)),
    ]
    found = placement_indicator(
        later,
        monthly_income=Money(D(2800), "CAD"),
        recovering_deductions=D(200),
        income_on=date(2027, 4, 1),
        rates=RATES,
    )
    assert found.monthly_income == D(2600) and found.ratio == D("0.2355")
    with pytest.raises(ValueError):
        placement_indicator(
            COSTS,
            monthly_income=Money(D(200), "CAD"),
            recovering_deductions=D(200),
            income_on=date(2027, 4, 1),
            rates=RATES,
        )


def test_a_placement_where_the_worker_paid_nothing_is_zero():
    found = placement_indicator(
        [], monthly_income=Money(D(2800), "CAD"), income_on=date(2027, 4, 1), rates=RATES
    )
    assert found.ratio == 0 and found.conversions == ()


def test_a_corridor_figure_worked_by_hand():
    # Five placements: mean 2.0 / 5 = 0.40, median 0.30; the fourth quintile lies a fifth of
    # the way from the fourth value to the fifth: 0.40 + (1.00 - 0.40) x 0.2 = 0.52.
    figure = corridor_figure([D("0.30"), D("0.10"), D("1.00"), D("0.40"), D("0.20")])
    assert (figure.count, figure.mean, figure.median) == (5, D("0.4000"), D("0.3000"))
    assert figure.fourth_quintile == D("0.5200")
    assert corridor_figure([D("0.25")]).fourth_quintile == D("0.2500")
    assert corridor_figure([]).count == 0 and corridor_figure([]).mean is None


ratios = st.lists(
    st.decimals(min_value=0, max_value=20, places=4, allow_nan=False), min_size=1, max_size=60
)


@given(ratios)
def test_a_corridor_figure_agrees_with_the_statistics_module(values):
    figure = corridor_figure(values)
    assert figure.count == len(values)
    assert abs(figure.mean - D(statistics.fmean(values))) <= D("0.0001")
    assert figure.median == D(statistics.median(values)).quantize(D("0.0001"))
    assert min(values) <= figure.median <= figure.fourth_quintile <= max(values)
    under = sum(1 for v in values if v <= figure.fourth_quintile)
    assert under >= 0.8 * (len(values) - 1)


@given(st.decimals(min_value=D("0.01"), max_value=1000, places=2), st.integers(1, 5000))
def test_the_ratio_does_not_depend_on_the_currency_it_is_counted_in(rate, fee):
    rates = Rates([Rate(date(2027, 1, 1), "USD", "MXN", rate, "Banxico")])
    paid = [CostPaid(CostItem.RECRUITMENT_FEE, Money(D(fee), "USD"), date(2027, 2, 1))]
    in_dollars = placement_indicator(
        paid, monthly_income=Money(D(1500), "USD"), income_on=date(2027, 3, 1), rates=rates
    )
    in_pesos = placement_indicator(
        paid, monthly_income=Money(D(1500) * rate, "MXN"), income_on=date(2027, 3, 1), rates=rates
    )
    assert in_dollars.ratio == in_pesos.ratio


def test_a_placement_within_the_workers_own_country_crosses_no_border():
    assert journey_for(worksite_country="CA", home_country="HN") == JOURNEY
    at_home = journey_for(worksite_country="MX", home_country="MX")
    assert not CROSS_BORDER & set(at_home) and Step.EMPLOYED in at_home
