"""The sweep objective ``pnl_over_drawdown``, and runs that opened no spread ranking last."""

from __future__ import annotations

import math

from nautilus_options.environments.sweep import objective_value, rejudge
from nautilus_options.environments.sweep_settings import run_id

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


def _stored(**figures: object) -> dict[str, object]:
    """A ``runs.jsonl`` row of a sweep judged by ``sharpe``."""
    params = {"strategy.wing_width": 100}
    equity = [["2026-01-05", CAPITAL - 40_000.0], ["2026-01-06", CAPITAL + 20_000.0]]
    return {
        "run_id": run_id(params),
        "period": "full",
        "params": params,
        "trades": 2,
        "pnl_total": 20_000.0,
        "sharpe": 1.25,
        "objective": 1.25,
        "equity": equity,
        **figures,
    }


def test_a_resumed_run_is_judged_by_the_current_objective() -> None:
    row = _stored(open_spreads=0, initial_capital=CAPITAL)
    assert rejudge(row, "sharpe", {}, "sweep.yaml")["objective"] == 1.25
    assert rejudge(row, "pnl_total", {}, "sweep.yaml")["objective"] == 20_000.0
    judged = rejudge(row, "pnl_over_drawdown", {}, "sweep.yaml")["objective"]
    assert judged == objective_value(row, "pnl_over_drawdown", [CAPITAL - 40_000, CAPITAL + 20_000])
    assert judged == 0.5  # 2 floors of P&L over a 4-floor drawdown


def test_a_row_without_its_capital_takes_it_from_the_settings() -> None:
    row = _stored()
    base = {"capital": {"initial_capital": 2 * CAPITAL}}
    judged = rejudge(row, "pnl_over_drawdown", base, "sweep.yaml")["objective"]
    curve = [CAPITAL - 40_000, CAPITAL + 20_000]
    assert judged == objective_value(
        {**row, "initial_capital": 2 * CAPITAL}, "pnl_over_drawdown", curve
    )
    idle = _stored(trades=0, objective=None)
    assert math.isnan(rejudge(idle, "pnl_total", base, "sweep.yaml")["objective"])
