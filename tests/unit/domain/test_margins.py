"""The margin approximation: laws of SPAN-style margins, checked by hand-worked bounds."""

from __future__ import annotations

from datetime import date

import pytest

from nautilus_options.domain.margins import (
    EXPOSURE_RATE,
    Leg,
    Margin,
    order_premium,
    portfolio_margin,
    scenarios,
)
from nautilus_options.domain.nse import expiry_ns

SPOT = 24_000.0
NOW = expiry_ns(date(2025, 11, 25)) - 7 * 86_400 * 10**9  # a week before expiry
EXPIRY = expiry_ns(date(2025, 11, 25))


def leg(strike: float, is_call: bool, quantity: int, price: float) -> Leg:
    return Leg("NIFTY", strike, is_call, EXPIRY, quantity, price)


def margin(*legs: Leg) -> Margin:
    return portfolio_margin(legs, {"NIFTY": SPOT}, NOW)


def test_sixteen_scenarios() -> None:
    assert len(scenarios(SPOT)) == 16


def test_a_long_option_needs_no_span_nor_exposure() -> None:
    assert margin(leg(24_000, True, 75, 150.0)) == Margin(0.0, 0.0, 0.0)


def test_exposure_is_two_percent_of_short_notional() -> None:
    short = margin(leg(24_500, True, -75, 40.0))
    assert short.exposure == pytest.approx(EXPOSURE_RATE * SPOT * 75, abs=0.01)
    assert short.span > 0


def test_an_iron_condor_needs_far_less_than_its_naked_shorts() -> None:
    shorts = (leg(24_500, True, -75, 40.0), leg(23_500, False, -75, 45.0))
    wings = (leg(24_700, True, 75, 15.0), leg(23_300, False, 75, 18.0))
    naked, condor = margin(*shorts), margin(*shorts, *wings)
    assert condor.span < naked.span / 2
    # a defined-risk spread never needs more SPAN than its widest wing's max loss
    assert condor.span <= 200 * 75
    assert condor.exposure == naked.exposure  # exposure counts short quantity only


def test_premium_is_paid_by_buys_only() -> None:
    assert order_premium("BUY", 75, 12.5) == 937.5
    assert order_premium("SELL", 75, 12.5) == 0.0


def test_legs_of_another_underlying_need_its_spot() -> None:
    with pytest.raises(KeyError):
        portfolio_margin([Leg("BANKNIFTY", 52_000, True, EXPIRY, -35, 100.0)], {}, NOW)
