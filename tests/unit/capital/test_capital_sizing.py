"""Worked examples of the lot sizing rule (the documented ones)."""

from __future__ import annotations

import pytest

from nautilus_options.domain.sizing import drawdown_pct, max_lots, size_lots, sizing_capital


def test_documented_example() -> None:
    # 5 lakh capital, 2% risk = 10,000, 50% deployment = 2,50,000 of which 2,40,000 is used.
    sizing = size_lots(500_000, 3_000, 2.0, 50.0, 240_000, None)

    assert (sizing.lots, sizing.risk_lots, sizing.deployment_lots) == (3, 3, 3)
    assert sizing.binding == "risk"
    assert max_lots(500_000, 3_000, 2.0, 50.0, 240_000, 2) == 2
    assert size_lots(500_000, 3_000, 2.0, 50.0, 245_000, None).binding == "deployment"


def test_guide_example_bull_put_spread() -> None:
    # 100-point NIFTY bull put spread for 54 credit: max loss (100 - 54) x 65 = 2,990 a lot.
    per_lot = (100 - 54) * 65
    assert max_lots(500_000, per_lot, 2.0, 50.0, 240_000, None) == 3
    assert max_lots(500_000, per_lot, 2.0, 50.0, 240_000, 2) == 2
    assert max_lots(500_000, per_lot, 2.0, 50.0, 245_000, None) == 1
    assert max_lots(500_000, per_lot, 2.0, 50.0, 248_000, None) == 0


def test_zero_when_one_lot_breaks_a_limit() -> None:
    assert max_lots(500_000, 10_001, 2.0, 100.0, 0, None) == 0  # risk budget is 10,000
    assert max_lots(500_000, 1_000, 2.0, 50.0, 249_500, None) == 0  # 500 left to deploy
    assert max_lots(500_000, 1_000, 2.0, 50.0, 300_000, None) == 0  # over-deployed
    assert max_lots(-5_000, 1_000, 2.0, 50.0, 0, None) == 0


def test_whole_decimal_ratios_are_not_lost_to_binary_rounding() -> None:
    # 2.3% of 100,000 is 2,300 in decimal but 2299.9999999999995 in binary floating point.
    assert 100_000 * 2.3 / 100 < 2_300
    assert max_lots(100_000, 2_300, 2.3, 100.0, 0, None) == 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((1e5, 0.0, 2.0, 50.0, 0.0, None), "capital_per_lot"),
        ((1e5, float("nan"), 2.0, 50.0, 0.0, None), "capital_per_lot"),
        ((float("inf"), 1.0, 2.0, 50.0, 0.0, None), "capital"),
        ((1e5, 1.0, 0.0, 50.0, 0.0, None), "risk_per_trade_pct"),
        ((1e5, 1.0, 2.0, 100.1, 0.0, None), "max_deployment_pct"),
        ((1e5, 1.0, 2.0, 50.0, -1.0, None), "deployed"),
        ((1e5, 1.0, 2.0, 50.0, 0.0, -1), "max_lots_config"),
    ],
)
def test_invalid_arguments(args: tuple, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        max_lots(*args)


def test_sizing_capital_and_drawdown() -> None:
    assert sizing_capital(90_000, 100_000, compounding=True) == 90_000
    assert sizing_capital(90_000, 100_000, compounding=False) == 100_000
    assert drawdown_pct(100_000, 90_000) == 10.0
    assert drawdown_pct(100_000, 110_000) == 0.0
    assert drawdown_pct(0.0, -5.0) == 0.0
