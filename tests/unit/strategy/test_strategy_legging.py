"""Slicing, re-pricing and leg sequencing."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from nautilus_options.domain.spreads import SpreadType, build_spread
from nautilus_options.strategy.legging import (
    LegSequencer,
    Phase,
    leaves_short_uncovered,
    limit_price,
    round_to_tick,
    slice_quantity,
)


def test_slicing_respects_freeze_quantity_in_lots() -> None:
    assert slice_quantity(65 * 30, 65, 1800) == [1755, 195]
    assert slice_quantity(1755, 65, 1800) == [1755]
    assert slice_quantity(65, 65, 1800) == [65]
    assert all(q % 65 == 0 for q in slice_quantity(65 * 100, 65, 1800))
    with pytest.raises(ValueError, match="freeze"):
        slice_quantity(65, 65, 50)


def test_round_to_tick_towards_market() -> None:
    assert round_to_tick(10.01, 0.05, "BUY") == 10.05
    assert round_to_tick(10.04, 0.05, "SELL") == 10.0
    assert round_to_tick(0.01, 0.05, "SELL") == 0.05


def test_limit_price_steps_from_mid_to_marketable() -> None:
    prices = [limit_price("BUY", 10.0, 11.0, step, 2, 2.0, 0.05) for step in range(4)]
    assert prices == [10.5, 10.75, 11.0, 11.25]
    sells = [limit_price("SELL", 10.0, 11.0, step, 2, 2.0, 0.05) for step in range(4)]
    assert sells == [10.5, 10.25, 10.0, 9.8]


def test_sequencer_opens_hedges_first_then_shorts() -> None:
    geometry = build_spread(SpreadType.IRON_CONDOR, 23_800, 200, call_anchor=24_200)
    seq = LegSequencer(geometry, 130)
    assert seq.phase == Phase.OPENING_HEDGES
    hedges = seq.legs_of_phase()
    assert all(geometry.legs[i].is_long for i in hedges)
    assert all(seq.side(i, closing=False) == "BUY" for i in hedges)
    assert not seq.on_fill(hedges[0], 130, closing=False)
    assert not seq.on_fill(hedges[1], 65, closing=False)
    assert seq.on_fill(hedges[1], 65, closing=False)
    assert seq.phase == Phase.OPENING_SHORTS
    shorts = seq.legs_of_phase()
    assert all(seq.side(i, closing=False) == "SELL" for i in shorts)
    seq.on_fill(shorts[0], 130, closing=False)
    assert seq.on_fill(shorts[1], 130, closing=False)
    assert seq.phase == Phase.OPEN


def test_sequencer_closes_shorts_first_and_unwinds_partial_entries() -> None:
    geometry = build_spread(SpreadType.BULL_PUT_CREDIT, 24_000, 200)
    seq = LegSequencer(geometry, 65)
    hedge, short = seq.legs_of_phase()[0], 1 - seq.legs_of_phase()[0]
    seq.on_fill(hedge, 65, closing=False)
    seq.on_fill(short, 65, closing=False)
    seq.start_closing()
    assert seq.phase == Phase.CLOSING_SHORTS
    assert seq.legs_of_phase() == (short,)
    assert seq.side(short, closing=True) == "BUY"
    assert seq.on_fill(short, 65, closing=True)
    assert seq.phase == Phase.CLOSING_HEDGES
    assert seq.on_fill(hedge, 65, closing=True)
    assert seq.phase == Phase.CLOSED

    unwind = LegSequencer(geometry, 65)
    unwind.on_fill(hedge, 65, closing=False)
    unwind.start_closing()  # the short was rejected: only the hedge is held
    assert unwind.phase == Phase.CLOSING_HEDGES
    assert unwind.legs_of_phase() == (hedge,)
    nothing = LegSequencer(geometry, 65)
    nothing.start_closing()
    assert nothing.phase == Phase.CLOSED


@given(
    st.integers(min_value=1, max_value=400),
    st.sampled_from([15, 25, 30, 35, 65, 75]),
    st.sampled_from([600, 900, 1800]),
)
def test_slices_are_lot_multiples_below_the_freeze(lots: int, lot_size: int, freeze: int) -> None:
    slices = slice_quantity(lots * lot_size, lot_size, freeze)
    assert sum(slices) == lots * lot_size
    assert all(0 < q <= freeze and q % lot_size == 0 for q in slices)
    assert len(slices) == -(-lots * lot_size // (freeze // lot_size * lot_size))


@given(
    st.sampled_from(list(SpreadType)),
    st.lists(st.tuples(st.integers(0, 3), st.integers(1, 65)), max_size=40),
)
def test_shorts_are_never_worked_before_all_hedges_fill(
    spread_type: SpreadType, fills: list[tuple[int, int]]
) -> None:
    call_anchor = 24_400.0 if spread_type == SpreadType.IRON_CONDOR else None
    geometry = build_spread(spread_type, 24_000.0, 100.0, call_anchor=call_anchor)
    seq = LegSequencer(geometry, 65)
    for index, units in fills:
        working = seq.legs_of_phase()
        if not working:
            break
        leg = working[index % len(working)]
        shorts_allowed = all(
            seq.held(i) >= 65 for i, spec in enumerate(geometry.legs) if spec.is_long
        )
        assert shorts_allowed or all(geometry.legs[i].is_long for i in working)
        seq.on_fill(leg, min(units, 65 - seq.held(leg)), closing=False)
    if seq.phase == Phase.OPEN:
        assert all(seq.held(i) == 65 for i in range(len(geometry.legs)))


@pytest.mark.parametrize(
    ("held", "units", "refused"),
    [
        ([65, -65], 65, True),  # the spread's own short still held: hedge-last
        ([65, -65, 65], 65, False),  # another long still covers the short
        ([65, 65], 130, False),  # no short: every long may go
        ([130, -65], 65, False),  # half the hedge may go
        ([130, -65], 66, True),
        ([65, -65, 65], 130, True),  # both longs would leave the short naked
    ],
)
def test_a_hedge_is_kept_while_selling_it_would_leave_a_short_uncovered(
    held: list[int], units: int, refused: bool
) -> None:
    assert leaves_short_uncovered(held, units) is refused
