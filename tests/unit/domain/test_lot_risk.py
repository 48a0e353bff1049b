"""The risk one lot of a spread reserves: max loss at adverse fills plus round-trip charges."""

from __future__ import annotations

from datetime import date

import pytest

from nautilus_options.domain.charges import order_charges
from nautilus_options.domain.sizing import spread_lot_risk
from nautilus_options.domain.spreads import SpreadType, build_spread

DAY = date(2026, 1, 5)
CONDOR = build_spread(SpreadType.IRON_CONDOR, 24_000.0, 200.0, call_anchor=26_000.0)


def test_condor_of_the_review_reserves_its_real_max_loss_and_charges() -> None:
    # Issue 8.8: 10,193.62 reserved (max loss at the mids) against a real max loss of
    # 10,237.50 plus about 225 of charges. Credit at the mids 43.1750 (x 65 = 156.825 lost
    # per unit at most); fills 0.675 points of credit worse.
    mids = [20.0, 45.0, 40.0, 21.825]
    at_mids = spread_lot_risk(CONDOR, mids, 65, 0.0, DAY)
    assert at_mids.max_loss == pytest.approx(10_193.625)
    buffered = spread_lot_risk(CONDOR, mids, 65, 0.25, DAY)
    assert buffered.max_loss == pytest.approx(10_193.625 + 4 * 0.25 * 65)
    assert buffered.max_loss >= 10_237.50
    assert buffered.total >= 10_237.50 + buffered.charges


def test_charges_are_a_buy_and_a_sell_of_every_leg_at_the_buffer_top() -> None:
    spread = build_spread(SpreadType.BULL_PUT_CREDIT, 24_000.0, 200.0)
    risk = spread_lot_risk(spread, [20.0, 60.0], 65, 0.5, DAY)
    expected = sum(
        (order_charges("BUY", 65 * price, DAY) + order_charges("SELL", 65 * price, DAY)).total
        for price in (20.5, 60.5)
    )
    assert risk.charges == pytest.approx(expected, abs=0.005)
    assert risk.charges > 4 * 20  # brokerage per order
    assert risk.total == pytest.approx(risk.max_loss + risk.charges)


def test_debit_spread_risk_is_the_debit_paid_at_adverse_fills() -> None:
    spread = build_spread(SpreadType.BULL_CALL_DEBIT, 24_000.0, 200.0)
    risk = spread_lot_risk(spread, [120.0, 40.0], 65, 0.25, DAY)
    assert risk.max_loss == pytest.approx((120.25 - 39.75) * 65)


def test_a_sold_leg_is_never_filled_below_zero() -> None:
    spread = build_spread(SpreadType.BULL_PUT_CREDIT, 24_000.0, 200.0)
    risk = spread_lot_risk(spread, [0.05, 0.1], 65, 0.5, DAY)
    assert risk.max_loss == pytest.approx((200.0 - (0.0 - 0.55)) * 65)


@pytest.mark.parametrize(
    ("slippage", "lot_size", "match"),
    [(-0.05, 65, "slippage"), (float("nan"), 65, "slippage"), (0.1, 0, "lot_size")],
)
def test_bad_arguments_are_refused(slippage: float, lot_size: int, match: str) -> None:
    with pytest.raises(ValueError, match=match):
        spread_lot_risk(CONDOR, [1.0, 2.0, 2.0, 1.0], lot_size, slippage, DAY)
