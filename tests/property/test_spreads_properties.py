"""Properties of spread geometry checked against a brute-force evaluation on a fine spot grid."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from nautilus_options.domain.spreads import SpreadGeometry, SpreadType, build_spread

STEP = 50.0


@st.composite
def spreads(draw: st.DrawFn) -> tuple[SpreadGeometry, float]:
    """A random spread on a 50-point grid and a plausible net credit for it."""
    spread_type = draw(st.sampled_from(SpreadType))
    anchor = STEP * draw(st.integers(300, 600))
    width = STEP * draw(st.integers(1, 10))
    kwargs: dict[str, float] = {}
    if spread_type in (SpreadType.IRON_CONDOR, SpreadType.IRON_BUTTERFLY):
        kwargs["call_wing_width"] = STEP * draw(st.integers(1, 10))
    if spread_type is SpreadType.IRON_CONDOR:
        kwargs["call_anchor"] = anchor + STEP * draw(st.integers(1, 20))
    geometry = build_spread(spread_type, anchor, width, strike_step=STEP, **kwargs)
    fraction = draw(st.floats(0.01, 0.99))
    premium = fraction * geometry.width
    return geometry, premium if spread_type.is_credit else -premium


def grid(geometry: SpreadGeometry) -> np.ndarray:
    """Spots from 0 to well beyond the strikes, containing every strike exactly."""
    top = 2 * max(geometry.strikes)
    return np.unique(np.concatenate([np.arange(0.0, top, 5.0), geometry.strikes, [top]]))


@given(spreads())
def test_max_loss_is_the_worst_pnl_on_the_grid(case: tuple[SpreadGeometry, float]) -> None:
    geometry, credit = case
    pnl = geometry.payoff(grid(geometry)) + credit
    assert geometry.max_loss(credit) == pytest.approx(-pnl.min(), abs=1e-9)


@given(spreads())
def test_max_profit_is_the_best_pnl_on_the_grid(case: tuple[SpreadGeometry, float]) -> None:
    geometry, credit = case
    pnl = geometry.payoff(grid(geometry)) + credit
    assert geometry.max_profit(credit) == pytest.approx(pnl.max(), abs=1e-9)


@given(spreads())
def test_every_built_spread_has_bounded_loss(case: tuple[SpreadGeometry, float]) -> None:
    geometry, credit = case
    assert geometry.is_defined_risk
    assert 0 < geometry.max_loss(credit) < geometry.width
    far = geometry.payoff(np.array([1e-9, 1e7])) + credit
    assert far.min() >= -geometry.max_loss(credit)


@given(spreads())
def test_breakevens_are_the_sign_changes_of_pnl(case: tuple[SpreadGeometry, float]) -> None:
    geometry, credit = case
    breakevens = geometry.breakevens(credit)
    for point in breakevens:
        assert abs(geometry.payoff(point) + credit) < 1e-7
    spots = grid(geometry)
    pnl = geometry.payoff(spots) + credit
    crossings = np.flatnonzero(np.sign(pnl[:-1]) * np.sign(pnl[1:]) < 0)

    def in_crossing(point: float, i: int) -> bool:
        return spots[i] - 1e-6 <= point <= spots[i + 1] + 1e-6

    for i in crossings:
        assert any(in_crossing(point, i) for point in breakevens)
    # Where the P&L touches zero on the grid, only the ends of each zero run are breakevens
    # (a plateau at exactly zero, e.g. a credit equal to one wing, counts its two ends). The
    # P&L is flat beyond the top strike, so a run reaching the grid's top goes on for ever:
    # its top is the grid's edge, not an end.
    zero = pnl == 0
    inner = np.r_[False, zero[:-1]] & np.r_[zero[1:], zero[-1]]
    run_ends = spots[zero & ~inner & (spots > 0)]
    between = [p for p in breakevens if not any(in_crossing(p, i) for i in crossings)]
    assert between == pytest.approx(sorted(run_ends.tolist()))
    assert len(breakevens) == len(crossings) + len(run_ends)


@given(
    st.integers(300, 600),
    st.integers(1, 20),
    st.integers(1, 10),
    st.integers(1, 10),
)
def test_iron_condor_is_a_bull_put_plus_a_bear_call(
    put_short: int, gap: int, put_wing: int, call_wing: int
) -> None:
    anchor, call_anchor = STEP * put_short, STEP * (put_short + gap)
    condor = build_spread(
        SpreadType.IRON_CONDOR,
        anchor,
        STEP * put_wing,
        call_anchor=call_anchor,
        call_wing_width=STEP * call_wing,
    )
    bull_put = build_spread(SpreadType.BULL_PUT_CREDIT, anchor, STEP * put_wing)
    bear_call = build_spread(SpreadType.BEAR_CALL_CREDIT, call_anchor, STEP * call_wing)
    assert set(condor.legs) == set(bull_put.legs) | set(bear_call.legs)
    spots = grid(condor)
    np.testing.assert_array_equal(
        condor.payoff(spots), bull_put.payoff(spots) + bear_call.payoff(spots)
    )


@given(spreads())
def test_opening_order_never_leaves_a_naked_short(case: tuple[SpreadGeometry, float]) -> None:
    geometry, _ = case
    opening = [geometry.legs[i] for i in geometry.execution_order(opening=True)]
    closing = [geometry.legs[i] for i in geometry.execution_order(opening=False)]
    assert opening == sorted(opening, key=lambda leg: not leg.is_long)
    assert closing == sorted(closing, key=lambda leg: leg.is_long)
    assert sorted(geometry.execution_order(opening=True)) == list(range(len(geometry.legs)))
