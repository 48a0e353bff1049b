"""The results table and report of a walk-forward sweep: column order, dtypes, both periods."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from nautilus_options.environments.sweep_report import write_results
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
