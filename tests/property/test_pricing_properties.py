"""Properties of Black-76 pricing that hold for every market state."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from nautilus_options.domain.pricing import (
    black76_greeks,
    black76_price,
    forward_from_parity,
    implied_vol,
    implied_vol_array,
    no_arbitrage_bounds,
)

forwards = st.floats(1_000.0, 80_000.0)
moneyness = st.floats(0.7, 1.3)
times = st.floats(1.0 / (365.0 * 24.0 * 4.0), 1.0)
vols = st.floats(0.03, 1.5)
rates = st.floats(0.0, 0.12)


@given(forwards, moneyness, times, vols, rates)
def test_put_call_parity(f: float, m: float, t: float, vol: float, r: float) -> None:
    k = f * m
    call = black76_price(f, k, t, vol, r, True)
    put = black76_price(f, k, t, vol, r, False)
    assert call - put == pytest.approx(math.exp(-r * t) * (f - k), abs=1e-9 * f)


@given(forwards, moneyness, times, vols, rates, st.booleans())
def test_price_within_no_arbitrage_bounds(
    f: float, m: float, t: float, vol: float, r: float, is_call: bool
) -> None:
    lower, upper = no_arbitrage_bounds(f, f * m, t, r, is_call)
    price = black76_price(f, f * m, t, vol, r, is_call)
    assert lower - 1e-9 * f <= price <= upper


@given(forwards, st.floats(0.85, 1.15), times, st.floats(0.05, 1.0), rates, st.booleans())
def test_implied_vol_round_trip(
    f: float, m: float, t: float, vol: float, r: float, is_call: bool
) -> None:
    k = f * m
    greeks = black76_greeks(f, k, t, vol, r, is_call)
    # Only where the price carries information about the volatility.
    assume(greeks.vega > 1e-6 * f and greeks.price > 1e-6 * f)
    assert implied_vol(greeks.price, f, k, t, r, is_call) == pytest.approx(vol, rel=1e-5)


@given(forwards, moneyness, times, vols, rates, st.booleans())
def test_greek_signs(f: float, m: float, t: float, vol: float, r: float, is_call: bool) -> None:
    greeks = black76_greeks(f, f * m, t, vol, r, is_call)
    assert (greeks.delta >= 0.0) if is_call else (greeks.delta <= 0.0)
    assert abs(greeks.delta) <= 1.0
    assert greeks.gamma >= 0.0
    assert greeks.vega >= 0.0
    if r == 0.0:
        assert greeks.theta <= 0.0


@given(forwards, moneyness, times, vols, st.booleans())
def test_price_increases_with_volatility(
    f: float, m: float, t: float, vol: float, is_call: bool
) -> None:
    low = black76_price(f, f * m, t, vol, 0.05, is_call)
    high = black76_price(f, f * m, t, vol * 1.1, 0.05, is_call)
    assert high >= low - 1e-9 * f


@given(forwards, moneyness, times, rates, st.booleans(), st.floats(1e-6, 0.5))
def test_implied_vol_is_nan_outside_no_arbitrage_bounds(
    f: float, m: float, t: float, r: float, is_call: bool, excess: float
) -> None:
    lower, upper = no_arbitrage_bounds(f, f * m, t, r, is_call)
    assert math.isnan(implied_vol(upper * (1.0 + excess), f, f * m, t, r, is_call))
    if lower > 0.0:
        assert math.isnan(implied_vol(lower * (1.0 - excess) - 1e-6, f, f * m, t, r, is_call))


@given(forwards, moneyness, times, vols, rates)
def test_forward_from_parity_recovers_the_forward(
    f: float, m: float, t: float, vol: float, r: float
) -> None:
    call = black76_price(f, f * m, t, vol, r, True)
    put = black76_price(f, f * m, t, vol, r, False)
    assert forward_from_parity(call, put, f * m, t, r) == pytest.approx(f, rel=1e-9, abs=1e-6)


@given(st.lists(st.tuples(moneyness, vols, st.booleans()), min_size=1, max_size=20), times, rates)
def test_vectorised_implied_vol_agrees_with_the_scalar_solver(
    legs: list[tuple[float, float, bool]], t: float, r: float
) -> None:
    f = 24_000.0
    strikes = np.array([f * m for m, _, _ in legs])
    calls = np.array([c for _, _, c in legs])
    prices = black76_price(f, strikes, t, np.array([v for _, v, _ in legs]), r, calls)
    vector = implied_vol_array(prices, f, strikes, t, r, calls)
    for i, (price, strike, call) in enumerate(zip(prices, strikes, calls, strict=True)):
        scalar = implied_vol(float(price), f, float(strike), t, r, bool(call))
        if np.isnan(scalar):
            assert np.isnan(vector[i])
            continue
        # Deep in the money the time value is a few ulps of the price, so the vol is only
        # known as well as the price resolves it: the two answers must price the same, to a
        # ten-thousandth of a paisa.
        repriced = black76_price(f, strike, t, np.array([vector[i], scalar]), r, bool(call))
        assert repriced[0] == pytest.approx(repriced[1], rel=1e-12, abs=1e-6)
        assert repriced[0] == pytest.approx(price, rel=1e-12, abs=1e-6)
