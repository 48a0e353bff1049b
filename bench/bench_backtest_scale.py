"""Wall time and peak memory of ``options-nt backtest`` against the number of trading days.

The catalog is a year (250 trading days from 2025-01-06) of the synthetic NIFTY chain with
three weekly expiries and 30 strikes each side of the money (more than the default iron
condor needs): it is generated once into the user cache folder (about 4 minutes and 1.4 GB
on disk on a 2-vCPU machine; ``~/.cache/options-nt/synthetic/``) and reused afterwards.
Each run covers the first ``N`` trading days (10, 30 and 120 by default; ``--year`` adds the
whole year) with the default strategy, streamed and strike-banded as ``options-nt backtest``
runs it, in a fresh subprocess; its wall time and peak resident memory (``os.wait4``) are
printed with the ratios to the shortest run. The peak is also taken when the run starts
writing its outputs (``sim MB``): that of the simulation alone, while the whole command's
includes reading the recorded streams back for the report. The targets: peak memory of the
longest of ``--days`` (120) at most 1.3 times that of the shortest (10), and wall time per
day roughly constant; the year is not judged against the target.

Usage::

    .venv/bin/python bench/bench_backtest_scale.py [--days 10 30 120] [--year] [--json]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Any

from nautilus_trader.model.data import QuoteTick
from nautilus_trader.model.instruments import OptionContract

from nautilus_options.common.progress import SilentProgress
from nautilus_options.compat.parquet import folder_name
from nautilus_options.data.market_config import SyntheticMarketConfig
from nautilus_options.data.synthetic import default_catalog
from nautilus_options.environments.backtest import BacktestSettings, run_backtest
from nautilus_options.environments.data_window import data_configs, run_range

#: The year-long catalog of the bench.
YEAR = SyntheticMarketConfig(start=date(2025, 1, 6), days=250, strikes_each_side=30, expiries=3)
MEMORY_TARGET = 1.3


def _settings(days: int, catalog: str, out: str | None = None) -> BacktestSettings:
    return BacktestSettings(
        catalog=catalog,
        start=YEAR.trading_days[0].isoformat(),
        end=YEAR.trading_days[days - 1].isoformat(),
        out=out,
        tearsheet=False,
        log_level="OFF",
    )


class _SimulationPeak(SilentProgress):
    """Notes this process' peak RSS (MB) when the run starts writing its outputs."""

    def __init__(self) -> None:
        self.peak_mb: int | None = None

    def stage(self, description: str, total: float | None = None, unit: str = "") -> None:
        if description == "writing outputs":
            self.peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024


def _child(days: int, catalog: str) -> None:
    """Run the first ``days`` trading days of ``catalog`` and print the summary as JSON."""
    simulation = _SimulationPeak()
    with tempfile.TemporaryDirectory() as out:
        outcome = run_backtest(_settings(days, catalog, out), simulation)
    keys = ("trades", "pnl_total", "ending_capital", "elapsed_secs")
    print(json.dumps({k: outcome.summary[k] for k in keys} | {"sim_rss_mb": simulation.peak_mb}))


def _loaded(days: int, catalog: str) -> int:
    """Option instruments the strike band loads for the first ``days`` days."""
    settings = _settings(days, catalog)
    start, end = run_range(settings, Path(catalog))
    configs = data_configs(Path(catalog), settings, start, end)
    return sum(len(c.instrument_ids or []) for c in configs if c.data_type is QuoteTick)


def measure(days: int, catalog: str) -> dict[str, Any]:
    """Run ``days`` in a fresh subprocess; its figures, wall time and peak RSS (MB)."""
    started = time.perf_counter()
    child = subprocess.Popen(
        [sys.executable, __file__, "--child", str(days), "--catalog", catalog],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert child.stdout is not None
    output = child.stdout.read()
    _, status, usage = os.wait4(child.pid, 0)
    if status != 0:
        raise SystemExit(f"the {days}-day run failed (status {status})")
    wall = time.perf_counter() - started
    result = json.loads(output.strip().splitlines()[-1])
    figures = {"days": days, "wall_secs": round(wall, 1), "peak_rss_mb": usage.ru_maxrss // 1024}
    return figures | {"loaded_instruments": _loaded(days, catalog)} | result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=int, nargs="+", default=[10, 30, 120])
    parser.add_argument("--year", action="store_true", help="also run the whole year")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--catalog", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        _child(args.child, args.catalog)
        return 0
    generated = time.perf_counter()
    catalog = str(default_catalog(progress=not args.json, config=YEAR))
    generated = time.perf_counter() - generated
    # Counted from the folders: reading 9,218 definitions would cost this process 900 MB.
    listed = sum(1 for _ in (Path(catalog) / "data" / folder_name(OptionContract)).iterdir())
    runs = [
        measure(days, catalog) for days in [*args.days, *([len(YEAR.trading_days)] * args.year)]
    ]
    base = runs[0]
    for run in runs:
        run["rss_ratio"] = round(run["peak_rss_mb"] / base["peak_rss_mb"], 2)
        run["sim_rss_ratio"] = round(run["sim_rss_mb"] / base["sim_rss_mb"], 2)
        run["secs_per_day"] = round(run["wall_secs"] / run["days"], 2)
    # The target compares the longest of --days (120 by default) with the shortest; the
    # year shows the whole range runs on the machine.
    judged = max(runs[: len(args.days)], key=lambda run: run["days"])
    report = {
        "catalog": catalog,
        "catalog_option_instruments": listed,
        "catalog_ready_secs": round(generated, 1),
        "runs": runs,
        "judged_days": judged["days"],
        "memory_target_met": judged["rss_ratio"] <= MEMORY_TARGET,
        "simulation_memory_target_met": judged["sim_rss_ratio"] <= MEMORY_TARGET,
    }
    if args.json:
        print(json.dumps(report))
        return 0
    print(f"catalog: {catalog} ({listed} option instruments; ready in {generated:.1f} s)")
    print(
        f"{'days':>5} {'wall s':>8} {'s/day':>6} {'sim MB':>7} {'x sim':>6} {'peak MB':>8}"
        f" {'x RSS':>6} {'loaded':>7} {'trades':>7} {'P&L':>11}"
    )
    for run in runs:
        print(
            f"{run['days']:>5} {run['wall_secs']:>8} {run['secs_per_day']:>6} "
            f"{run['sim_rss_mb']:>7} {run['sim_rss_ratio']:>6} "
            f"{run['peak_rss_mb']:>8} {run['rss_ratio']:>6} {run['loaded_instruments']:>7} "
            f"{run['trades']:>7} {run['pnl_total']:>11}"
        )
    targets = {"simulation": "simulation_memory_target_met", "command": "memory_target_met"}
    for name, key in targets.items():
        verdict = "met" if report[key] else "NOT met"
        print(
            f"{name} peak RSS target ({judged['days']} days <= {MEMORY_TARGET} x "
            f"{base['days']} days): {verdict}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
