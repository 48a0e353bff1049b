"""The results table and report of a walk-forward sweep: column order, dtypes, both periods."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from nautilus_options.environments.sweep_report import HEAT_BINS, heat_axis, write_results
from nautilus_options.environments.sweep_settings import (
    Parameter,
    Period,
    SweepSettings,
    WalkForward,
    run_id,
)

SWEEP = SweepSettings(
    base="base.yaml",
    parameters={"strategy.wing_width": Parameter(values=[100, 200])},
    walk_forward=WalkForward(
        in_sample=Period(start="2026-01-05", end="2026-01-06"),
        out_of_sample=Period(start="2026-01-07", end="2026-01-08"),
    ),
)


def _row(wing: int, period: str, pnl: float) -> dict[str, Any]:
    params = {"strategy.wing_width": wing}
    day = "2026-01-05" if period == "in_sample" else "2026-01-07"
    return {
        "run_id": run_id(params),
        "period": period,
        "params": params,
        "trades": 0,
        "pnl_total": pnl,
        "sharpe": None,
        "max_drawdown": 1_000.0,
        "win_rate": None,
        "objective": pnl,
        "equity": [[day, 1_000_000.0 + pnl]],
    }


def test_parameters_then_in_sample_then_out_of_sample_with_float_figures(tmp_path: Path) -> None:
    # The journal holds runs in the order they ended: out of sample first here.
    rows = [_row(w, p, 4_524.0 + w) for p in ("out_of_sample", "in_sample") for w in (100, 200)]
    frame, files = write_results(rows, SWEEP, tmp_path)
    columns = list(frame.columns)
    assert columns[:2] == ["run_id", "strategy.wing_width"]
    assert columns.index("in_sample_win_rate") < columns.index("out_of_sample_objective")
    table = pd.read_parquet(files["parquet"])
    assert table["in_sample_win_rate"].dtype == "float64"
    assert table["out_of_sample_sharpe"].dtype == "float64"
    report = files["report"].read_text(encoding="utf-8")
    assert "Equity of the best 5 sets, in-sample (INR)" in report
    assert "Equity of the best 5 sets, out-of-sample (INR)" in report
    assert "4,724.00" in report
    assert "4,724.000" not in report


def _tpe_rows() -> tuple[SweepSettings, list[dict[str, Any]]]:
    """Twelve sets of two continuous parameters, one that opened no spread (no objective)."""
    parameters = {
        "strategy.strike_value": Parameter(low=0.1, high=0.3),
        "capital.risk_per_trade_pct": Parameter(low=1.0, high=3.0),
    }
    sweep = SweepSettings(base="base.yaml", sampler="tpe", trials=12, parameters=parameters)
    rng = np.random.default_rng(5)
    rows = []
    for n in range(12):
        params = {
            "strategy.strike_value": rng.uniform(0.1, 0.3),
            "capital.risk_per_trade_pct": rng.uniform(1, 3),
        }
        days = [["2026-01-05", 1_000_000.0], ["2026-01-06", 1_000_000.0 + 100 * n]]
        idle = n == 0
        rows.append(
            {
                "run_id": run_id(params),
                "period": "full",
                "params": params,
                "trades": 0 if idle else 2,
                "pnl_total": 100.0 * n,
                "objective": None if idle else 100.0 * n,
                "equity": days,
            }
        )
    return sweep, rows


def test_continuous_parameters_are_binned_to_four_digits() -> None:
    rows = _tpe_rows()[1]
    values = pd.Series([row["params"]["strategy.strike_value"] for row in rows])
    labels = heat_axis(values, continuous=True)
    assert labels.nunique() <= HEAT_BINS
    assert all(
        len(edge.lstrip("0.")) <= 4 for label in labels.cat.categories for edge in label.split("–")
    )
    assert list(heat_axis(pd.Series([0.123456789, 0.2, 0.123456789])).cat.categories) == [
        "0.1235",
        "0.2",
    ]


def test_the_report_leaves_out_sets_without_objective_and_dates_its_axes(tmp_path: Path) -> None:
    sweep, rows = _tpe_rows()
    periods = {"full": {"start": "2026-01-05", "end": "2026-01-06"}}
    notes = {"full": ["the run covers only 2 trading day(s)"]}
    report = write_results(rows, sweep, tmp_path, periods, notes)[1]["report"].read_text(
        encoding="utf-8"
    )
    idle = rows[0]["params"]["strategy.strike_value"]
    assert repr(idle) not in report  # neither as a heat map category nor as a curve's name
    best = rows[-1]["params"]["strategy.strike_value"]
    assert f"strike_value={best:.4g}" in report
    assert '"type":"date"' in report
    assert '"dtick":86400000' in report
    assert "over 2026-01-05 to 2026-01-06" in report
    assert "Note: the run covers only 2 trading day(s)" in report
