"""Throughput of the full options-nt stack against a no-op strategy on the same quotes.

Scenarios, each run in its own subprocess over the same catalog window and venues:

- ``noop``: a Nautilus strategy subscribed to every option quote and index trade that
  only counts them (the baseline);
- ``stack``: ``OptionsSpreadStrategy`` + ``CapitalManager`` + ``SpreadMonitor`` exactly as
  ``options-nt backtest`` runs them.

Only ``engine.run()`` is timed (catalog reading and sorting excluded, they are the same
for both); quotes/s is the number of option quotes in the catalog window divided by that
time. The engine replays every one of them in both scenarios, whatever the components
subscribe to (both report the same engine iteration count), so the two rates divide the same
work by each run's time, on the wall clock and on the process's CPU time (the ratio uses
CPU time, which other processes on a shared machine do not inflate). Peak memory is the
subprocess's maximum resident set size. The scenarios alternate (noop, stack, noop, stack,
...) and the medians are compared, so the ratio comes from one invocation on one machine
state.

Usage::

    .venv/bin/python bench/bench_strategy.py [--catalog DIR] [--start D] [--end D]
        [--repeat N] [--json]
"""

from __future__ import annotations

import argparse
import json
import platform
import resource
import statistics
import subprocess
import sys
import time
from typing import Any

import msgspec
from nautilus_trader.config import ImportableStrategyConfig, StrategyConfig
from nautilus_trader.model.data import QuoteTick, TradeTick
from nautilus_trader.model.identifiers import InstrumentId, Venue
from nautilus_trader.trading.strategy import Strategy

SCENARIOS = ("noop", "stack")
TARGET_RATIO = 0.75


class CountingConfig(StrategyConfig, frozen=True):
    """Venues whose instruments the counting strategy subscribes to."""

    option_venue: str = "NFO"
    index_ids: tuple[str, ...] = ("NIFTY.NSE", "NIFTY.NFO")


class CountingStrategy(Strategy):
    """The baseline: subscribes like the real strategy and only counts what it receives."""

    def __init__(self, config: CountingConfig) -> None:
        super().__init__(config)
        self.quotes = 0
        self.trades = 0
        self._venue = Venue(config.option_venue)
        self._index_ids = [InstrumentId.from_str(i) for i in config.index_ids]

    def on_start(self) -> None:
        for instrument in self.cache.instruments(venue=self._venue):
            self.subscribe_quote_ticks(instrument.id)
        for instrument_id in self._index_ids:
            self.subscribe_trade_ticks(instrument_id)

    def on_quote_tick(self, tick: QuoteTick) -> None:
        self.quotes += 1

    def on_trade_tick(self, tick: TradeTick) -> None:
        self.trades += 1


def _settings(args: argparse.Namespace) -> Any:
    from nautilus_options.environments.backtest import BacktestSettings

    return BacktestSettings(
        catalog=args.catalog, start=args.start, end=args.end, tearsheet=False, log_level="ERROR"
    )


def run_scenario(args: argparse.Namespace) -> dict[str, Any]:
    """Run one scenario in this process and return its measurements."""
    from nautilus_trader.backtest.node import BacktestNode

    from nautilus_options.environments.backtest import build_run_config, resolve_catalog

    settings = _settings(args)
    run = build_run_config(settings, resolve_catalog(settings))
    if args.scenario == "noop":
        counting = ImportableStrategyConfig(
            strategy_path=f"{__name__}:CountingStrategy",
            config_path=f"{__name__}:CountingConfig",
            config={},
        )
        engine_config = msgspec.structs.replace(run.engine, strategies=[counting], actors=[])
        run = msgspec.structs.replace(run, engine=engine_config)
    node = BacktestNode(configs=[run])
    node.build()
    engine = node.get_engine(run.id)
    assert engine is not None
    quotes = 0
    for data_config in run.data:
        result = node.load_data_config(data_config, run.start, run.end)
        if data_config.data_type is QuoteTick:
            quotes += len(result.data)
        node._load_engine_data(engine=engine, result=result, sort=False)
    engine.sort_data()
    started, cpu_started = time.perf_counter(), time.process_time()
    engine.run(start=run.start, end=run.end, run_config_id=run.id)
    seconds = time.perf_counter() - started
    cpu_seconds = time.process_time() - cpu_started
    orders = engine.cache.orders_total_count()
    node.dispose()
    return {
        "scenario": args.scenario,
        "quotes": quotes,
        "iterations": engine.iteration,
        "run_secs": seconds,
        "cpu_secs": cpu_seconds,
        "quotes_per_sec": quotes / seconds,
        "quotes_per_cpu_sec": quotes / cpu_seconds,
        "orders": orders,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def _child(args: argparse.Namespace, scenario: str) -> dict[str, Any]:
    command = [sys.executable, __file__, "--scenario", scenario]
    for option in ("catalog", "start", "end"):
        value = getattr(args, option)
        if value is not None:
            command += [f"--{option}", value]
    output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    result: dict[str, Any] = json.loads(output.strip().splitlines()[-1])
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--catalog", help="catalog (default: the embedded synthetic dataset)")
    parser.add_argument("--start", help="first date to replay")
    parser.add_argument("--end", help="last date to replay")
    parser.add_argument("--repeat", type=int, default=3, help="runs per scenario (median)")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--scenario", choices=SCENARIOS, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.scenario is not None:
        print(json.dumps(run_scenario(args)))
        return 0

    from nautilus_options.environments.backtest import resolve_catalog

    resolve_catalog(_settings(args))  # generate the dataset once, outside the measurements
    runs: dict[str, list[dict[str, Any]]] = {scenario: [] for scenario in SCENARIOS}
    for _ in range(args.repeat):
        for scenario in SCENARIOS:
            runs[scenario].append(_child(args, scenario))
    machine = platform.processor() or platform.machine()
    summary: dict[str, Any] = {
        "machine": f"{machine}, python {platform.python_version()}",
        "repeat": args.repeat,
    }
    for scenario, results in runs.items():
        summary[scenario] = {
            "quotes": results[0]["quotes"],
            "quotes_per_sec": statistics.median(r["quotes_per_sec"] for r in results),
            "quotes_per_cpu_sec": statistics.median(r["quotes_per_cpu_sec"] for r in results),
            "run_secs": statistics.median(r["run_secs"] for r in results),
            "peak_rss_mb": max(r["peak_rss_mb"] for r in results),
            "orders": results[0]["orders"],
            "iterations": results[0]["iterations"],
        }
    ratio = summary["stack"]["quotes_per_cpu_sec"] / summary["noop"]["quotes_per_cpu_sec"]
    summary["ratio"] = ratio
    summary["ratio_wall"] = summary["stack"]["quotes_per_sec"] / summary["noop"]["quotes_per_sec"]
    summary["target_ratio"] = TARGET_RATIO
    summary["meets_target"] = ratio >= TARGET_RATIO
    if args.json:
        print(json.dumps(summary))
    else:
        print(
            f"{'scenario':<8} {'quotes':>10} {'quotes/s':>10} {'quotes/cpu-s':>13} "
            f"{'run s':>7} {'peak MB':>8}"
        )
        for scenario in SCENARIOS:
            row = summary[scenario]
            print(
                f"{scenario:<8} {row['quotes']:>10,} {row['quotes_per_sec']:>10,.0f} "
                f"{row['quotes_per_cpu_sec']:>13,.0f} {row['run_secs']:>7.2f} "
                f"{row['peak_rss_mb']:>8.0f}"
            )
        same = summary["noop"]["iterations"] == summary["stack"]["iterations"]
        agreement = "the same in both" if same else "DIFFERENT between the scenarios"
        print(f"engine iterations: {summary['stack']['iterations']:,} ({agreement})")
        verdict = "meets" if summary["meets_target"] else "BELOW"
        print(
            f"stack/noop = {ratio:.2f} on CPU time, {summary['ratio_wall']:.2f} on wall time "
            f"({verdict} the {TARGET_RATIO:.0%} target)"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
