"""The backtest example scripts run on a small generated market and do what they print."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from nautilus_options.backtest.statistics import SUMMARY_KEYS

EXAMPLES = Path(__file__).resolve().parents[3] / "examples"

pytestmark = pytest.mark.slow


def _run(script: str, *args: str) -> str:
    done = subprocess.run(
        [sys.executable, str(EXAMPLES / script), *args],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def _section(out: str, title: str) -> dict[str, str]:
    """The ``name value`` lines indented under the line ``title``."""
    lines = out.splitlines()
    rows = lines[lines.index(title) + 1 :]
    section = {}
    for line in rows:
        if not line.startswith("  "):
            break
        name, value = line.split(maxsplit=1)
        section[name] = value
    return section


@pytest.mark.parametrize("script", ["backtest_from_python.py", "own_backtest_node.py"])
def test_help_describes_the_options(script: str) -> None:
    out = _run(script, "--help")

    assert out.startswith("usage: ")
    assert "--catalog" in out
    assert "--out" in out


def test_backtest_from_python_prints_the_summary_and_reads_the_outputs(tmp_path: Path) -> None:
    out_dir = tmp_path / "bull-put"

    out = _run("backtest_from_python.py", "--out", str(out_dir))

    summary = _section(out, "Summary")
    assert set(SUMMARY_KEYS) <= set(summary)
    written = json.loads((out_dir / "summary.json").read_text())
    assert int(summary["trades"]) == written["trades"] >= 1
    files = _section(out, "Files")
    assert {"spreads", "capital", "fills", "summary", "report"} <= set(files)
    assert all(Path(path).is_file() for path in files.values())
    spreads = pd.read_csv(out_dir / "spreads.csv")
    assert set(spreads["spread_type"]) == {"bull_put_credit"}
    assert all(len(json.loads(legs)) == 2 for legs in spreads["legs"])
    pnl = f"{written['pnl_total']:,.2f}"
    assert f"Sum of closed spreads' pnl: {pnl} (summary pnl_total {pnl})" in out
    ending = f"{written['ending_capital']:,.2f}"
    assert f"Last capital: {ending} (summary ending_capital {ending})" in out
    assert "OptionsSpreadStrategy-000-S0001" in out


def test_own_backtest_node_trades_iron_condors_and_writes_csvs(tmp_path: Path) -> None:
    out = _run("own_backtest_node.py", "--out", str(tmp_path))

    positions = pd.read_csv(tmp_path / "positions.csv")
    spreads = int(out.split("Spreads traded: ")[1].split()[0])
    assert spreads >= 1
    # Each iron condor holds its four legs in positions of its own: <spread id>-L0..L3.
    assert len(positions) == 4 * spreads
    assert {p.rsplit("-", 1)[1] for p in positions["position_id"]} == {"L0", "L1", "L2", "L3"}
    capital = pd.read_csv(tmp_path / "capital.csv")
    assert f"Final capital: {capital['capital'].iloc[-1]:,.2f} INR" in out
    assert (tmp_path / "fills.csv").is_file()
