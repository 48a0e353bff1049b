"""Black-76 pricing against known values and NautilusTrader's own Black-Scholes kernel."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from nautilus_trader.core.nautilus_pyo3 import black_scholes_greeks, imply_vol

from nautilus_options.domain.pricing import (
    MAX_VOL,
    MIN_VOL,
    black76_delta,
    black76_greeks,
    black76_price,
    forward_from_parity,
    implied_vol,
    implied_vol_array,
    no_arbitrage_bounds,
    year_fraction,
)


def test_at_the_money_call_matches_the_closed_form() -> None:
    # F = K: C = F (2 N(sigma sqrt(t) / 2) - 1)
    expected = 100.0 * (2.0 * 0.5 * (1.0 + math.erf(0.1 / math.sqrt(2.0))) - 1.0)
    assert black76_price(100.0, 100.0, 1.0, 0.2, 0.0, True) == pytest.approx(expected, abs=1e-12)


def test_greeks_agree_with_nautilus_black_scholes_with_zero_carry() -> None:
    forward, strike, t, vol, rate = 24_350.0, 24_400.0, 5.5 / 365.0, 0.13, 0.065
    for is_call in (True, False):
        ours = black76_greeks(forward, strike, t, vol, rate, is_call)
        theirs = black_scholes_greeks(forward, rate, 0.0, vol, is_call, strike, t)
        assert ours.price == pytest.approx(theirs.price, rel=1e-4)
        assert ours.delta == pytest.approx(theirs.delta, rel=1e-4)
        assert ours.gamma == pytest.approx(theirs.gamma, rel=1e-4)
        assert ours.vega == pytest.approx(theirs.vega, rel=1e-4)
        # Nautilus divides theta by 365.25 days, this package by 365.
        assert ours.theta * 365.0 == pytest.approx(theirs.theta * 365.25, rel=1e-4)


def test_theta_and_vega_match_finite_differences() -> None:
    forward, strike, t, vol, rate = 24_350.0, 24_300.0, 3.0 / 365.0, 0.14, 0.06
    greeks = black76_greeks(forward, strike, t, vol, rate, True)
    day_later = black76_price(forward, strike, t - 1e-3 / 365.0, vol, rate, True)
    assert (day_later - greeks.price) / 1e-3 == pytest.approx(greeks.theta, rel=1e-3)
    bumped = black76_price(forward, strike, t, vol + 1e-5, rate, True)
    assert (bumped - greeks.price) / 1e-3 == pytest.approx(greeks.vega, rel=1e-3)


def test_expired_option_is_worth_its_discounted_intrinsic_value() -> None:
    assert black76_price(24_500.0, 24_400.0, 0.0, 0.2, 0.07, True) == pytest.approx(100.0)
    assert black76_price(24_500.0, 24_400.0, 0.0, 0.2, 0.07, False) == 0.0
    greeks = black76_greeks(24_500.0, 24_400.0, 0.0, 0.2, 0.0, True)
    assert (greeks.delta, greeks.gamma, greeks.vega) == (1.0, 0.0, 0.0)


def test_vectorised_prices_equal_scalar_prices() -> None:
    strikes = np.array([24_000.0, 24_400.0, 24_800.0])
    calls = np.array([True, False, True])
    vector = black76_price(24_400.0, strikes, 0.02, 0.15, 0.065, calls)
    assert isinstance(vector, np.ndarray)
    for i in range(3):
        scalar = black76_price(24_400.0, float(strikes[i]), 0.02, 0.15, 0.065, bool(calls[i]))
        assert vector[i] == pytest.approx(scalar, rel=1e-15)


def test_implied_vol_round_trip_and_bounds() -> None:
    price = black76_price(24_400.0, 24_600.0, 0.01, 0.17, 0.065, True)
    assert implied_vol(price, 24_400.0, 24_600.0, 0.01, 0.065, True) == pytest.approx(0.17)
    assert math.isnan(implied_vol(30_000.0, 24_400.0, 24_600.0, 0.01, 0.065, True))
    assert math.isnan(implied_vol(-1.0, 24_400.0, 24_600.0, 0.01, 0.065, True))
    assert math.isnan(implied_vol(5.0, 24_400.0, 24_600.0, 0.0, 0.065, True))


def test_forward_from_parity_and_year_fraction() -> None:
    call = black76_price(24_400.0, 24_300.0, 0.05, 0.15, 0.065, True)
    put = black76_price(24_400.0, 24_300.0, 0.05, 0.15, 0.065, False)
    assert forward_from_parity(call, put, 24_300.0, 0.05, 0.065) == pytest.approx(24_400.0)
    one_hour = 3_600 * 1_000_000_000
    assert year_fraction(0, one_hour) == pytest.approx(1.0 / (365.0 * 24.0))
    assert year_fraction(one_hour, 0) == 0.0


@given(
    strike=st.floats(20_000, 30_000),
    days=st.floats(0.01, 60),
    vol=st.floats(0.03, 1.5),
    is_call=st.booleans(),
)
def test_implied_vol_agrees_with_nautilus_rust_solver(
    strike: float, days: float, vol: float, is_call: bool
) -> None:
    forward, t, rate = 24_500.0, days / 365.0, 0.065
    price = black76_price(forward, strike, t, vol, rate, is_call)
    lower, upper = no_arbitrage_bounds(forward, strike, t, rate, is_call)
    assume(price - lower > 1e-6 * forward and upper - price > 1e-6 * forward)
    ours = implied_vol(price, forward, strike, t, rate, is_call)
    theirs = imply_vol(forward, rate, 0.0, is_call, strike, t, price)
    assert ours == pytest.approx(theirs, rel=1e-6)
    assert ours == pytest.approx(vol, rel=1e-6)


def test_implied_vol_array_matches_the_scalar_solver_case_by_case() -> None:
    forward, t, rate = 24_400.0, 4.0 / 365.0, 0.065
    strikes = np.arange(22_000.0, 27_001.0, 250.0)
    calls = strikes >= forward
    vols = 0.12 + strikes / 1e6
    prices = black76_price(forward, strikes, t, vols, rate, calls)
    informative = prices > 0.05  # a tick: far wings are worth less and carry no vol
    # unknown, below and above the bounds, on the lower bound, below the MIN_VOL price
    edge_prices = [math.nan, -1.0, 1e9, 0.0, 5e-4]
    prices = np.concatenate([prices, edge_prices, [forward - 20_000.0 + 1.0]])
    strikes = np.concatenate([strikes, [24_500.0] * 4, [forward], [20_000.0]])
    calls = np.concatenate([calls, [False, False, True, True, True], [True]])
    vector = implied_vol_array(prices, forward, strikes, t, rate, calls)
    scalar = [
        implied_vol(float(p), forward, float(k), t, rate, bool(c))
        for p, k, c in zip(prices, strikes, calls, strict=True)
    ]
    np.testing.assert_allclose(vector, scalar, rtol=1e-10, equal_nan=True)
    assert np.isnan(vector[-6:-3]).all()
    assert vector[-3] == 0.0
    assert vector[-2] == MIN_VOL
    assert math.isnan(implied_vol_array(forward * 0.99, forward, 24_000.0, t, rate, True))
    np.testing.assert_allclose(vector[: vols.size][informative], vols[informative], rtol=1e-8)


def test_vectorised_delta_equals_the_greeks_delta() -> None:
    strikes = np.array([23_500.0, 24_400.0, 25_300.0])
    for is_call in (True, False):
        deltas = black76_delta(24_400.0, strikes, 0.02, 0.15, 0.065, is_call)
        for strike, delta in zip(strikes, deltas, strict=True):
            greeks = black76_greeks(24_400.0, float(strike), 0.02, 0.15, 0.065, is_call)
            assert delta == pytest.approx(greeks.delta, rel=1e-12, abs=1e-15)
    assert black76_delta(24_400.0, 24_000.0, 0.0, 0.15, 0.0, True) == 1.0
    assert black76_delta(24_400.0, 24_000.0, 0.0, 0.15, 0.0, False) == 0.0


def test_implied_vol_search_bounds_and_guesses() -> None:
    # Above the price at MAX_VOL but below the upper bound: no vol in the search range.
    at_max = black76_price(100.0, 100.0, 1.0, MAX_VOL, 0.0, True)
    assert math.isnan(implied_vol((at_max + 100.0) / 2, 100.0, 100.0, 1.0, 0.0, True))
    assert implied_vol(
        black76_price(100.0, 100.0, 1.0, 9.0, 0.0, True), 100.0, 100.0, 1.0, 0.0, True
    ) == pytest.approx(9.0)
    # A guess, good, bad or unusable, changes nothing but the work done.
    price = black76_price(24_400.0, 25_000.0, 0.01, 0.18, 0.065, True)
    for guess in (0.18, 0.1801, 0.01, 5.0, -1.0, math.nan):
        vol = implied_vol(price, 24_400.0, 25_000.0, 0.01, 0.065, True, guess)
        assert vol == pytest.approx(0.18, rel=1e-10)
