"""A real sweep on a local Ray: results, report, resuming, and errors of the command in one line."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from nautilus_options.cli import main
from nautilus_options.environments.sweep import RUNS_FILE, objective_value, run_sweep

pytestmark = [pytest.mark.slow, pytest.mark.timeout(600)]


def test_a_grid_sweep_runs_on_ray_and_resumes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "base.yaml").write_text(
        "start: '2026-01-03'\nend: '2026-01-05'\nlog_level: 'OFF'\n", encoding="utf-8"
    )
    text = (
        "base: base.yaml\nout: out\nobjective: {objective}\nparameters:\n"
        "  strategy.wing_width: {{values: [100, 200]}}\n"
    )
    (tmp_path / "sweep.yaml").write_text(text.format(objective="pnl_total"), encoding="utf-8")
    (tmp_path / "elsewhere").mkdir()
    monkeypatch.chdir(tmp_path / "elsewhere")  # ``out`` is relative to the sweep file
    notes: list[str] = []
    first = run_sweep(tmp_path / "sweep.yaml", num_cpus=2, note=notes.append)
    out = tmp_path / "out"
    assert first.out_dir == out
    assert first.summary["parameter_sets"] == 2
    assert first.summary["resumed_runs"] == 0
    assert notes[0].startswith("the run covers 2026-01-05 to 2026-01-05: the days from 2026-01-03")
    assert notes[1].startswith("the run covers only 1 trading day(s)")
    covered = {"start": "2026-01-05", "end": "2026-01-05", "trading_days": 1}
    assert first.summary["periods"] == {"full": {**covered, "days_without_data": []}}
    assert "over 2026-01-05 to 2026-01-05" in first.files["report"].read_text(encoding="utf-8")
    table = pd.read_parquet(first.files["parquet"])
    assert sorted(table["strategy.wing_width"]) == [100, 200]
    assert "full_objective" in table
    assert "plotly" in first.files["report"].read_text(encoding="utf-8")
    rows = [json.loads(line) for line in (out / RUNS_FILE).read_text().splitlines()]
    assert all(row["peak_rss_mb"] > 0 for row in rows)
    assert all(row["days_without_data"] == [] for row in rows)

    # Judged anew: the resumed runs' objective is recomputed from their rows.
    (tmp_path / "sweep.yaml").write_text(
        text.format(objective="pnl_over_drawdown"), encoding="utf-8"
    )
    capsys.readouterr()
    assert main(["sweep", "--config", str(tmp_path / "sweep.yaml"), "--num-cpus", "2"]) == 0
    assert "Resumed: 2 finished run(s) in " in capsys.readouterr().out
    assert len((out / RUNS_FILE).read_text().splitlines()) == 2
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["resumed_runs"] == 2
    judged = {
        row["run_id"]: objective_value(row, "pnl_over_drawdown", [v for _, v in row["equity"]])
        for row in rows
    }
    table = pd.read_parquet(out / "results.parquet")
    assert dict(zip(table["run_id"], table["full_objective"], strict=True)) == pytest.approx(judged)
    assert summary["best"]["objective"] == pytest.approx(max(judged.values()))
    assert summary["best"]["objective"] not in set(table["full_pnl_total"])


def test_the_command_is_quiet_and_refuses_another_base_into_the_same_out(
    tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    base = "start: '2026-01-05'\nend: '2026-01-05'\nlog_level: 'OFF'\n"
    (tmp_path / "base.yaml").write_text(base, encoding="utf-8")
    (tmp_path / "sweep.yaml").write_text(
        "base: base.yaml\nobjective: pnl_over_drawdown\nparameters:\n"
        "  strategy.wing_width: {values: [100]}\nwalk_forward:\n"
        "  in_sample: {start: '2026-01-05', end: '2026-01-05'}\n"
        "  out_of_sample: {start: '2026-01-06', end: '2026-01-06'}\n",
        encoding="utf-8",
    )
    out = str(tmp_path / "out")
    command = ["sweep", "--config", str(tmp_path / "sweep.yaml"), "--out", out, "--json"]
    assert main([*command, "--num-cpus", "1"]) == 0
    captured = capfd.readouterr()
    assert json.loads(captured.out)["parameter_sets"] == 1
    assert "Token authentication" not in captured.err
    assert " INFO " not in captured.err

    (tmp_path / "base.yaml").write_text(
        base + "capital: {initial_capital: 300000}\nvenue: {fees: false}\n", encoding="utf-8"
    )
    assert main([*command, "--num-cpus", "1"]) == 2
    *notes, error = capfd.readouterr().err.splitlines()
    assert all(note.startswith("options-nt: note: ") for note in notes)
    assert error.startswith(f"options-nt: error: --out: {out} holds runs of another base run")
    assert "base.capital.initial_capital, base.venue.fees" in error


def test_a_setting_refused_in_a_worker_is_one_line(
    tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "base.yaml").write_text(
        "start: '2026-01-05'\nend: '2026-01-05'\nlog_level: 'OFF'\n", encoding="utf-8"
    )
    (tmp_path / "sweep.yaml").write_text(
        "base: base.yaml\nsampler: tpe\ntrials: 1\nparameters:\n"
        "  strategy.wing_width: {low: 110, high: 140, integer: true}\n",
        encoding="utf-8",
    )
    command = ["sweep", "--config", str(tmp_path / "sweep.yaml"), "--out", str(tmp_path / "o")]
    assert main([*command, "--num-cpus", "1", "--json"]) == 2
    *notes, error = capfd.readouterr().err.splitlines()
    assert all(note.startswith("options-nt: note: ") for note in notes)
    assert error.startswith("options-nt: error: parameters.strategy.wing_width: ")
    assert "is not a multiple of the NIFTY strike step" in error


def test_a_tpe_sweep_resumed_with_more_trials_runs_the_new_ones(tmp_path: Path) -> None:
    (tmp_path / "base.yaml").write_text(
        "start: '2026-01-05'\nend: '2026-01-05'\nlog_level: 'OFF'\n", encoding="utf-8"
    )
    text = (
        "base: base.yaml\nsampler: tpe\ntrials: {trials}\nseed: 1\nobjective: pnl_total\n"
        "parameters:\n  strategy.wing_width: {{values: [100, 150, 200, 250, 300]}}\n"
    )
    out = str(tmp_path / "out")
    (tmp_path / "sweep.yaml").write_text(text.format(trials=3), encoding="utf-8")
    assert run_sweep(tmp_path / "sweep.yaml", out=out, num_cpus=2).summary["parameter_sets"] == 3
    (tmp_path / "sweep.yaml").write_text(text.format(trials=4), encoding="utf-8")
    again = run_sweep(tmp_path / "sweep.yaml", out=out, num_cpus=2)
    assert again.summary["resumed_runs"] == 3
    assert again.summary["parameter_sets"] == 4
    assert again.results["strategy.wing_width"].nunique() == 4
