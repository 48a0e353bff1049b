"""The sweep objective ``pnl_over_drawdown``, and runs that opened no spread ranking last."""

from __future__ import annotations

import math

from nautilus_options.environments.sweep import objective_value

CAPITAL = 1_000_000.0


def _score(pnl: float, drawdown: float) -> float:
    """The objective of a run whose equity fell by ``drawdown`` and ended ``pnl`` up."""
    curve = [CAPITAL - drawdown, CAPITAL + pnl]
    summary = {"trades": 2, "initial_capital": CAPITAL}
    return objective_value(summary, "pnl_over_drawdown", curve)


def test_a_loss_with_a_deeper_drawdown_ranks_below_a_smaller_one() -> None:
    assert _score(-17_517, 34_299) < _score(-9_527, 11_040)


def test_the_objective_rises_with_pnl_and_falls_with_drawdown_on_both_sides_of_zero() -> None:
    for pnl in (-20_000, -500, 0, 500, 20_000):
        assert _score(pnl, 30_000) < _score(pnl, 12_000) or pnl == 0
        assert _score(pnl, 12_000) < _score(pnl + 1_000, 12_000)
    assert _score(-1, 0) < 0 <= _score(0, 50_000) < _score(1, 50_000)


def test_a_gain_without_drawdown_is_divided_by_the_floor() -> None:
    assert _score(20_000, 0) == 2.0  # 20,000 over 1 % of 1,000,000


def test_a_run_that_opened_no_spread_has_no_objective() -> None:
    idle = {"trades": 0, "entries": 0, "open_spreads": 0, "pnl_total": 0.0, "sharpe": None}
    for objective in ("pnl_total", "pnl_over_drawdown", "ending_capital"):
        assert math.isnan(objective_value({**idle, "ending_capital": CAPITAL}, objective))
    held = {**idle, "entries": 1, "open_spreads": 1, "pnl_total": -120.0}
    assert objective_value(held, "pnl_total") == -120.0
