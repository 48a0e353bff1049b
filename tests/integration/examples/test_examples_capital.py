"""The capital manager demo script runs and prints what happened, readably."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from sized_round_trip import SizedRoundTripConfig

from nautilus_options.errors import ConfigError

DEMO = Path(__file__).resolve().parents[3] / "examples" / "capital_manager_demo.py"


def _demo(*args: str, columns: int = 200) -> str:
    done = subprocess.run(
        [sys.executable, str(DEMO), *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
        env={**os.environ, "COLUMNS": str(columns)},
    )
    return done.stdout


def _row(out: str, *start: str) -> list[str]:
    """Return the words of the one line whose first words are ``start``."""
    (words,) = [line.split() for line in out.splitlines() if line.split()[: len(start)] == [*start]]
    return words


@pytest.mark.slow
def test_demo_prints_settings_history_answers_and_result() -> None:
    out = _demo()

    assert out.startswith("Capital 100,000.00 INR, risk 20% per trade, deployment cap 50%, ")
    assert "commission 20 INR per order." in out
    # One history row: IST time, capital, change, deployed, drawdown %, event.
    assert _row(out, "09:26", "99,410.00", "+170.00") == [
        *("09:26", "99,410.00", "+170.00", "19,010.00", "0.96"),
        *("closed", "NSE-1-003:", "+170.00"),
    ]
    assert "reserved 19990.00 for T0001 (20 lots, limited by risk)" in out
    assert _row(out, "T0003") == ["T0003", "20", "20", "lots,", "limited", "by", "risk"]
    assert out.rstrip().endswith(
        "Final capital 99,410.00 INR (-590.00, -0.59%); peak 100,370.00; not halted."
    )


@pytest.mark.slow
def test_demo_halts_and_writes_csv(tmp_path: Path) -> None:
    csv = tmp_path / "history.csv"

    out = _demo("--no-compounding", "--max-drawdown-pct", "0.7", "--csv", str(csv))

    assert "compounding off, halt beyond 0.7% drawdown" in out
    assert _row(out, "T0003")[:4] == ["T0003", "0", "halted:", "drawdown"]
    assert "new trades HALTED." in out
    history = pd.read_csv(csv)
    assert len(history) == 9
    assert history["capital"].iloc[-1] == 99_313.5
    assert history["halted"].tolist() == [False] * 7 + [True, True]


@pytest.mark.slow
def test_demo_fits_a_narrow_terminal() -> None:
    out = _demo(columns=80)

    assert max(len(line) for line in out.splitlines()) <= 80
    assert "Final capital 99,410.00 INR" in out


@pytest.mark.parametrize(
    ("field", "value"),
    [("hold_quotes", 0), ("wait_quotes", -1), ("max_lots", 0)],
)
def test_the_example_strategy_config_names_a_bad_field(field: str, value: int) -> None:
    values: dict[str, Any] = {field: value}
    with pytest.raises(ConfigError, match=f"^{field}: "):
        SizedRoundTripConfig(instrument_id="RELIANCE.NSE", **values)


def test_the_example_strategy_config_loads_from_json() -> None:
    config = SizedRoundTripConfig.parse('{"instrument_id": "RELIANCE.NSE", "max_lots": 3}')

    assert (config.hold_quotes, config.wait_quotes, config.max_lots) == (2, 1, 3)
