"""Position-weighted Black-76 risk from leg mids."""

from __future__ import annotations

import math

import pytest

from nautilus_options.domain.pricing import black76_greeks, black76_price
from nautilus_options.monitor.risk import LegMarket, parity_forward, spread_risk

F, T, R, VOL = 24_500.0, 5 / 365, 0.065, 0.14


def _mid(strike: float, is_call: bool, vol: float = VOL) -> float:
    return float(black76_price(F, strike, T, vol, R, is_call))


def test_parity_forward_recovers_the_forward_and_skips_missing_mids() -> None:
    pairs = [
        (24_300.0, _mid(24_300, True), _mid(24_300, False)),
        (24_700.0, _mid(24_700, True), _mid(24_700, False)),
        (24_900.0, math.nan, _mid(24_900, False)),
    ]
    assert parity_forward(pairs, T, R) == pytest.approx(F)
    assert parity_forward([(24_900.0, math.nan, 1.0)], T, R) is None


def test_vols_are_implied_from_mids_and_totals_weighted_by_signed_quantity() -> None:
    legs = [
        LegMarket(24_100.0, False, 65.0, _mid(24_100, False, 0.16)),
        LegMarket(24_300.0, False, -65.0, _mid(24_300, False, 0.15)),
    ]
    risk = spread_risk(legs, F, T, R)
    assert [leg.iv for leg in risk.legs] == pytest.approx([0.16, 0.15])
    long_put = black76_greeks(F, 24_100.0, T, 0.16, R, False)
    short_put = black76_greeks(F, 24_300.0, T, 0.15, R, False)
    assert risk.delta == pytest.approx(65 * (long_put.delta - short_put.delta), rel=1e-12)
    assert risk.gamma == pytest.approx(65 * (long_put.gamma - short_put.gamma), rel=1e-12)
    assert risk.theta == pytest.approx(65 * (long_put.theta - short_put.theta), rel=1e-12)
    assert risk.vega == pytest.approx(65 * (long_put.vega - short_put.vega), rel=1e-12)
    assert risk.delta > 0
    assert risk.theta > 0
    assert risk.vega < 0


def test_unpriceable_mid_falls_back_to_prior_then_to_the_other_legs() -> None:
    below_intrinsic = 1.0  # a deep ITM put cannot be worth 1 point
    with_prior = LegMarket(25_000.0, False, -65.0, below_intrinsic, prior_iv=0.2)
    without_prior = LegMarket(25_000.0, False, -65.0, below_intrinsic)
    good = LegMarket(24_300.0, False, 65.0, _mid(24_300, False, 0.15))
    assert spread_risk([good, with_prior], F, T, R).legs[1].iv == 0.2
    assert spread_risk([good, without_prior], F, T, R).legs[1].iv == pytest.approx(0.15)


def test_no_vol_or_expired_leaves_totals_unknown() -> None:
    nothing = LegMarket(24_300.0, False, -65.0, math.nan)
    assert math.isnan(spread_risk([nothing], F, T, R).delta)
    priced = LegMarket(24_300.0, False, -65.0, _mid(24_300, False))
    assert math.isnan(spread_risk([priced], F, 0.0, R).delta)
    assert math.isnan(spread_risk([priced], math.nan, T, R).delta)
    assert spread_risk([], F, T, R).delta == 0.0
