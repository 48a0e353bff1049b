"""Law of the sizing buffer: fills within it never lose more than one lot reserved."""

from __future__ import annotations

from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from nautilus_options.domain.charges import SCHEDULES, order_charges
from nautilus_options.domain.sizing import spread_lot_risk
from nautilus_options.domain.spreads import SpreadType, build_spread

prices = st.floats(min_value=0.05, max_value=2_000.0, allow_nan=False)
shapes = st.sampled_from(list(SpreadType))


@given(
    shapes,
    st.sampled_from([50.0, 100.0, 200.0, 500.0]),
    st.lists(prices, min_size=4, max_size=4),
    st.floats(min_value=0.0, max_value=5.0),
    st.lists(st.floats(min_value=-1.0, max_value=1.0), min_size=4, max_size=4),
    st.sampled_from([15, 30, 65, 75]),
    st.dates(min_value=SCHEDULES[0].effective_from, max_value=date(2026, 12, 31)),
)
def test_reserved_risk_covers_the_max_loss_and_charges_at_any_fills_within_the_buffer(
    spread_type: SpreadType,
    width: float,
    mids: list[float],
    slippage: float,
    offsets: list[float],
    lot_size: int,
    day: date,
) -> None:
    spread = build_spread(
        spread_type,
        24_000.0,
        width,
        call_anchor=24_500.0 if spread_type.name == "IRON_CONDOR" else None,
    )
    mids = mids[: len(spread.legs)]
    reserved = spread_lot_risk(spread, mids, lot_size, slippage, day)
    # Fills anywhere within the buffer, never below zero.
    fills = [max(mid + offset * slippage, 0.0) for mid, offset in zip(mids, offsets, strict=False)]
    realised = spread.max_loss(spread.net_premium(fills)) * lot_size
    charges = sum(
        (
            order_charges("BUY", abs(leg.ratio) * lot_size * fill, day)
            + order_charges("SELL", abs(leg.ratio) * lot_size * fill, day)
        ).total
        for leg, fill in zip(spread.legs, fills, strict=True)
    )
    assert reserved.total >= realised + charges - 1e-6
