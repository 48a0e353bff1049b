"""A real sweep on a local Ray: results, report, and a second start that skips finished runs."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from nautilus_options.environments.sweep import RUNS_FILE, run_sweep

pytestmark = [pytest.mark.slow, pytest.mark.timeout(600)]


def test_a_grid_sweep_runs_on_ray_and_resumes(tmp_path: Path) -> None:
    (tmp_path / "base.yaml").write_text(
        "start: '2026-01-05'\nend: '2026-01-05'\nlog_level: 'OFF'\n", encoding="utf-8"
    )
    (tmp_path / "sweep.yaml").write_text(
        "base: base.yaml\nobjective: pnl_total\nparameters:\n"
        "  strategy.wing_width: {values: [100, 200]}\n",
        encoding="utf-8",
    )
    out = tmp_path / "out"
    first = run_sweep(tmp_path / "sweep.yaml", out=str(out), num_cpus=2)
    assert first.summary["parameter_sets"] == 2
    assert first.summary["resumed_runs"] == 0
    table = pd.read_parquet(first.files["parquet"])
    assert sorted(table["strategy.wing_width"]) == [100, 200]
    assert "full_objective" in table
    assert "plotly" in first.files["report"].read_text(encoding="utf-8")
    rows = [json.loads(line) for line in (out / RUNS_FILE).read_text().splitlines()]
    assert all(row["peak_rss_mb"] > 0 for row in rows)

    again = run_sweep(tmp_path / "sweep.yaml", out=str(out), num_cpus=2)
    assert again.summary["resumed_runs"] == 2
    assert len((out / RUNS_FILE).read_text().splitlines()) == 2
