"""The capital manager demo script runs and prints the capital history."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

DEMO = Path(__file__).resolve().parents[2] / "examples" / "capital_manager_demo.py"

pytestmark = pytest.mark.slow


def _demo(*args: str) -> str:
    done = subprocess.run(
        [sys.executable, str(DEMO), *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return done.stdout


def test_demo_prints_history_table() -> None:
    out = _demo()

    assert "Capital history (INR)" in out
    assert "reserved 19990.00 for SizedRoundTripStrategy-000-T0001 (20 lots)" in out
    assert "final capital: 99,410.00 INR, halted: False" in out


def test_demo_halts_and_writes_csv(tmp_path: Path) -> None:
    csv = tmp_path / "history.csv"

    out = _demo("--no-compounding", "--max-drawdown-pct", "0.7", "--csv", str(csv))

    assert "final capital: 99,313.50 INR, halted: True" in out
    history = pd.read_csv(csv)
    assert history["capital"].iloc[-1] == 99_313.5
    assert history["halted"].tolist()[-2:] == [True, True]
