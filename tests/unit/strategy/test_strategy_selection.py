"""Expiry and strike selection over a Black-76 priced chain."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from nautilus_options.domain.pricing import black76_greeks, black76_price
from nautilus_options.domain.spreads import SpreadType
from nautilus_options.strategy.selection import (
    NS_PER_DAY,
    Chain,
    ExpiryChoice,
    choose_expiry,
    parity_forward,
    pick_strike,
    select_spread,
)

NOW = 1_767_600_000_000_000_000
EXPIRY = NOW + 3 * NS_PER_DAY
T = 3 / 365
RATE = 0.065
FORWARD = 24_030.0


def smile(strike: float) -> float:
    return 0.13 + 0.4 * (math.log(strike / FORWARD)) ** 2


def quoted(
    strikes: np.ndarray, calls: np.ndarray, puts: np.ndarray, spot: float = 24_000.0
) -> Chain:
    """A chain quoted at the given prices on both sides (``nan``: no quote)."""
    return Chain(strikes, calls, calls, puts, puts, spot, EXPIRY)


def chain(spot: float = 24_000.0) -> Chain:
    strikes = np.arange(23_000.0, 25_050.0, 50.0)
    calls = np.array([black76_price(FORWARD, k, T, smile(k), RATE, True) for k in strikes])
    puts = np.array([black76_price(FORWARD, k, T, smile(k), RATE, False) for k in strikes])
    return quoted(strikes, calls, puts, spot)


def test_choose_expiry_rules() -> None:
    weekly = ExpiryChoice(NOW + 1 * NS_PER_DAY, False)
    monthly = ExpiryChoice(NOW + 15 * NS_PER_DAY, True)
    past = ExpiryChoice(NOW - 1, True)
    assert choose_expiry([monthly, weekly, past], NOW, "weekly", 0) == weekly
    assert choose_expiry([monthly, weekly, past], NOW, "weekly", 2) == monthly
    assert choose_expiry([monthly, weekly], NOW, "monthly", 0) == monthly
    assert choose_expiry([weekly], NOW, "monthly", 0) is None


def test_parity_forward_recovers_forward() -> None:
    assert parity_forward(chain(), T, RATE) == pytest.approx(FORWARD, abs=1e-6)


def test_delta_rule_matches_black76_delta() -> None:
    c = chain()
    strike = pick_strike(c, "PE", "delta", 0.2, FORWARD, T, RATE)
    assert strike is not None
    assert strike < FORWARD

    def delta(k: float) -> float:
        return abs(black76_greeks(FORWARD, k, T, smile(k), RATE, False).delta)

    best = min((k for k in c.strikes if k <= FORWARD), key=lambda k: abs(delta(k) - 0.2))
    assert strike == best


@pytest.mark.parametrize(
    ("rule", "value", "right", "expected"),
    [
        ("points", 300, "PE", 23_750.0),
        ("points", 300, "CE", 24_350.0),
        ("percent", 1.0, "CE", 24_250.0),
    ],
)
def test_distance_rules(rule: str, value: float, right: str, expected: float) -> None:
    assert pick_strike(chain(), right, rule, value, FORWARD, T, RATE) == expected  # type: ignore[arg-type]


def test_premium_rule_picks_closest_mid_out_of_the_money() -> None:
    c = chain()
    strike = pick_strike(c, "CE", "premium", 20.0, FORWARD, T, RATE)
    assert strike is not None
    otm = c.strikes >= 24_050
    expected = c.strikes[otm][np.argmin(np.abs(c.mids("CE")[otm] - 20.0))]
    assert strike == expected


def test_missing_quotes_are_skipped() -> None:
    c = chain()
    puts = c.mids("PE").copy()
    puts[c.strikes == 23_750.0] = np.nan
    gappy = quoted(c.strikes, c.mids("CE"), puts, c.spot)
    assert pick_strike(gappy, "PE", "points", 300, FORWARD, T, RATE) in (23_700.0, 23_800.0)


@pytest.mark.parametrize(
    ("spread_type", "rights", "ratios"),
    [
        (SpreadType.BULL_PUT_CREDIT, ("PE", "PE"), (1, -1)),
        (SpreadType.BEAR_CALL_CREDIT, ("CE", "CE"), (-1, 1)),
        (SpreadType.IRON_CONDOR, ("PE", "PE", "CE", "CE"), (1, -1, -1, 1)),
        (SpreadType.IRON_BUTTERFLY, ("PE", "PE", "CE", "CE"), (1, -1, -1, 1)),
        (SpreadType.BULL_CALL_DEBIT, ("CE", "CE"), (1, -1)),
        (SpreadType.BEAR_PUT_DEBIT, ("PE", "PE"), (-1, 1)),
    ],
)
def test_select_spread_shapes(
    spread_type: SpreadType, rights: tuple[str, ...], ratios: tuple[int, ...]
) -> None:
    selection = select_spread(chain(), spread_type, "points", 200, 200, NOW, RATE)
    assert selection is not None
    legs = selection.geometry.legs
    assert tuple(leg.right for leg in legs) == rights
    assert tuple(leg.ratio for leg in legs) == ratios
    assert (selection.net_premium > 0) == spread_type.is_credit
    assert selection.t == pytest.approx(T)
    if spread_type == SpreadType.IRON_BUTTERFLY:
        assert legs[1].strike == legs[2].strike == 24_050.0


def test_wing_outside_chain_gives_none() -> None:
    assert select_spread(chain(), SpreadType.BULL_PUT_CREDIT, "points", 900, 200, NOW, RATE) is None


def test_expired_chain_gives_none() -> None:
    c = chain()
    assert select_spread(c, SpreadType.IRON_CONDOR, "delta", 0.2, 100, EXPIRY, RATE) is None


@given(
    st.sampled_from(["CE", "PE"]),
    st.sampled_from(["delta", "points", "percent", "premium"]),
    st.floats(min_value=0.05, max_value=0.6),
    st.floats(min_value=23_500, max_value=24_500),
    st.lists(st.booleans(), min_size=41, max_size=41),
)
def test_picked_strike_is_quoted_and_out_of_the_money(
    right: str, rule: str, value: float, forward: float, missing: list[bool]
) -> None:
    c = chain()
    mids = np.where(missing, np.nan, c.mids(right))  # type: ignore[arg-type]
    gappy = quoted(
        c.strikes,
        mids if right == "CE" else c.mids("CE"),
        mids if right == "PE" else c.mids("PE"),
        forward,
    )
    target = value if rule in ("delta", "percent") else value * 500
    strike = pick_strike(gappy, right, rule, target, forward, T, RATE)  # type: ignore[arg-type]
    if strike is None:
        return
    atm = c.strikes[np.argmin(np.abs(c.strikes - forward))]
    assert (strike >= atm) if right == "CE" else (strike <= atm)
    assert np.isfinite(gappy.mids(right)[c.strikes == strike][0])  # type: ignore[arg-type]


def test_chain_mids_follow_the_one_mid_rule() -> None:
    strikes = np.array([24_000.0, 24_050.0, 24_100.0])
    c = Chain(
        strikes,
        call_bids=np.array([101.0, 0.0, np.nan]),
        call_asks=np.array([102.0, 5.0, 3.0]),
        put_bids=np.array([90.0, 80.0, 70.0]),
        put_asks=np.array([0.0, 81.0, 71.0]),
        spot=24_050.0,
        expiry_ns=EXPIRY,
    )
    np.testing.assert_array_equal(c.mids("CE"), [101.5, np.nan, np.nan])
    np.testing.assert_array_equal(c.mids("PE"), [np.nan, 80.5, 70.5])
    assert c.mid(24_000.0, "CE") == 101.5
    assert c.mid(24_050.0, "CE") is None  # one-sided: no mid
    assert c.mid(24_150.0, "PE") is None  # not listed


def test_a_leg_quoted_on_one_side_only_is_not_selected() -> None:
    c = chain()
    selection = select_spread(c, SpreadType.BULL_PUT_CREDIT, "points", 300, 200, NOW, RATE)
    assert selection is not None
    hedge = selection.geometry.legs[0].strike
    bids = c.put_bids.copy()
    bids[c.strikes == hedge] = 0.0
    one_sided = Chain(c.strikes, c.call_bids, c.call_asks, bids, c.put_asks, c.spot, EXPIRY)
    assert (
        select_spread(one_sided, SpreadType.BULL_PUT_CREDIT, "points", 300, 200, NOW, RATE) is None
    )
