"""``options-nt paper`` as a real subprocess, on the demo defaults: the demo reaches a first
spread, SIGINT stops it cleanly, the backtest's outputs are written and ``--record`` leaves a
catalog of the session's market."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from nautilus_trader.model.instruments import OptionContract
from nautilus_trader.persistence.catalog.parquet import ParquetDataCatalog

pytestmark = pytest.mark.slow


def test_paper_demo_opens_a_spread_then_sigint_stops_cleanly(tmp_path: Path) -> None:
    out, recording = tmp_path / "out", tmp_path / "recording"
    env = {k: v for k, v in os.environ.items() if not k.startswith("KITE_")}
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "nautilus_options",
            "paper",
            "--out",
            str(out),
            "--record",
            str(recording),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    started = time.monotonic()
    try:
        lines = _wait_for_line(process, "first spread opened", 150)
        opened_after = time.monotonic() - started
        process.send_signal(signal.SIGINT)
        rest, err = process.communicate(timeout=90)
    finally:
        if process.poll() is None:
            process.kill()
    text = "".join(lines) + rest
    assert process.returncode == 0, err[-2000:]
    assert "demo defaults: entry windows always open" in text
    assert "Ctrl-C stops, cancels working orders and leaves open spreads" in text
    assert "options-nt paper: stopped" in text
    assert opened_after < 120
    summary = json.loads((out / "summary.json").read_text())
    assert summary["entries"] >= 1
    assert summary["killed"] is None
    for name in ("fills.csv", "orders.csv", "spreads.csv", "capital.csv", "report.html"):
        assert (out / name).stat().st_size > 0, name
    assert list(out.glob("nautilus*.log"))
    catalog = ParquetDataCatalog(str(recording))
    options = [i for i in catalog.instruments() if isinstance(i, OptionContract)]
    assert options, "no option recorded"
    assert catalog.quote_ticks(instrument_ids=[str(options[0].id)]), "no quote recorded"
    replay_file = recording / "replay.json"
    assert f"replay it with options-nt backtest --config {replay_file}" in text
    replay_args = ["--json", "--out", str(tmp_path / "replay"), "--config"]
    replay = subprocess.run(
        [sys.executable, "-m", "nautilus_options", "backtest", *replay_args, str(replay_file)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert replay.returncode == 0, replay.stderr[-2000:]
    assert json.loads(replay.stdout)["entries"] >= 1, "the replay opened no spread"


def _wait_for_line(process: subprocess.Popen[str], text: str, timeout: float) -> list[str]:
    """Lines of ``process``'s stdout up to the first holding ``text`` (bounded)."""
    assert process.stdout is not None
    os.set_blocking(process.stdout.fileno(), False)
    lines: list[str] = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and process.poll() is None:
        line = process.stdout.readline()
        if not line:
            time.sleep(0.05)
            continue
        lines.append(line)
        if text in line:
            os.set_blocking(process.stdout.fileno(), True)
            return lines
    raise AssertionError(f"no {text!r} within {timeout} s: {lines[-20:]}")
