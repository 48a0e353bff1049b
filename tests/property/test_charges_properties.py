"""Properties of the Zerodha option charges that hold for every turnover and trade date."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from nautilus_options.domain.charges import Side, exercise_stt, order_charges, schedule_on

HALF_PAISA = 0.005 + 1e-9

days = st.dates(date(2024, 9, 1), date(2027, 12, 31))
sides = st.sampled_from(["BUY", "SELL"])
turnovers = st.integers(0, 10**10).map(lambda paise: paise / 100)  # up to Rs 10 crore
orders = st.integers(0, 5)


@given(sides, turnovers, turnovers, days, orders)
def test_total_is_monotone_in_turnover(side: Side, a: float, b: float, day: date, n: int) -> None:
    low, high = sorted((a, b))
    assert order_charges(side, low, day, n).total <= order_charges(side, high, day, n).total


@given(turnovers, days)
def test_stt_only_on_sells_and_stamp_only_on_buys(turnover: float, day: date) -> None:
    buy = order_charges("BUY", turnover, day)
    sell = order_charges("SELL", turnover, day)
    assert buy.stt == 0.0
    assert sell.stamp == 0.0
    assert (buy.exchange_txn, buy.sebi, buy.brokerage) == (
        sell.exchange_txn,
        sell.sebi,
        sell.brokerage,
    )


@given(sides, turnovers, days, orders)
def test_each_component_is_its_rate_rounded_to_the_paisa(
    side: Side, turnover: float, day: date, n: int
) -> None:
    rates = schedule_on(day)
    charges = order_charges(side, turnover, day, n)
    t = Decimal(str(turnover))
    sell, buy = side == "SELL", side == "BUY"
    assert charges.brokerage == 20.0 * n
    assert abs(charges.stt - float(t * rates.stt_sell_rate) * sell) <= HALF_PAISA
    assert abs(charges.stamp - float(t * rates.stamp_buy_rate) * buy) <= HALF_PAISA
    assert abs(charges.exchange_txn - float(t * rates.exchange_txn_rate)) <= HALF_PAISA
    assert abs(charges.sebi - float(t * rates.sebi_rate)) <= HALF_PAISA


@given(sides, turnovers, days, orders)
def test_gst_is_18_percent_of_the_taxable_base(
    side: Side, turnover: float, day: date, n: int
) -> None:
    charges = order_charges(side, turnover, day, n)
    base = charges.brokerage + charges.exchange_txn + charges.sebi
    assert abs(charges.gst - 0.18 * base) <= HALF_PAISA


@given(sides, turnovers, days, orders)
def test_total_is_the_sum_of_the_components(side: Side, turnover: float, day: date, n: int) -> None:
    c = order_charges(side, turnover, day, n)
    parts = (c.brokerage, c.stt, c.exchange_txn, c.sebi, c.stamp, c.gst)
    assert round(c.total, 2) == c.total
    assert abs(c.total - sum(parts)) < 1e-6


@given(turnovers, turnovers, days)
def test_exercise_stt_is_monotone_and_at_most_0_15_percent(a: float, b: float, day: date) -> None:
    low, high = sorted((a, b))
    assert 0.0 <= exercise_stt(low, day) <= exercise_stt(high, day)
    assert exercise_stt(high, day) <= 0.0015 * high + HALF_PAISA
