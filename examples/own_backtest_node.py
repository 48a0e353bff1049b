"""Run the options-nt components in your own ``BacktestNode``, configured by import path.

The ``BacktestRunConfig`` is written from scratch: the NFO option venue with the Indian option
charges and the NSE index venue (``nse_venue_configs``, with any bhavcopy settlement prices of
the catalog), ``OptionsSpreadStrategy``,
``CapitalManager`` and ``SpreadMonitor`` named by path (``ImportableStrategyConfig``,
``ImportableActorConfig``) and the data of a chain window chosen with
:mod:`nautilus_options.data.selection`. Nothing in the config is a Python object, so it can
equally be loaded from JSON or YAML.

Without ``--catalog`` the script first generates a small synthetic NIFTY market into a
temporary directory. After the run it reads the results from the engine: the capital
manager's capital, the monitor's snapshots and Nautilus' positions report.

Run ``python examples/own_backtest_node.py --help`` for the options.
"""

from __future__ import annotations

import argparse
import tempfile
from datetime import date
from pathlib import Path

# [imports]
from nautilus_trader.backtest.config import BacktestEngineConfig, BacktestRunConfig
from nautilus_trader.backtest.node import BacktestNode
from nautilus_trader.config import ImportableActorConfig, ImportableStrategyConfig, LoggingConfig

from nautilus_options import CapitalManager, SpreadMonitor
from nautilus_options.data.catalog import settlement_prices
from nautilus_options.data.selection import chain_data_configs, select_chain

# [imports-end]
from nautilus_options.data.synthetic import SyntheticMarketConfig, generate_market
from nautilus_options.environments.venues import nse_venue_configs

#: The small market generated when no ``--catalog`` is given: three January 2026 days.
SMALL_MARKET = SyntheticMarketConfig(start=date(2026, 1, 5), days=3, strikes_each_side=12)


def run_config(catalog: str, start: str, end: str) -> BacktestRunConfig:
    """An iron condor backtest over ``catalog`` from ``start`` to ``end`` (IST days)."""
    window = select_chain(catalog, "NIFTY", start, end, expiries=2, strikes_each_side=12)
    run = BacktestRunConfig(
        venues=nse_venue_configs(1_000_000, settlement_prices=settlement_prices(catalog)),
        data=chain_data_configs(catalog, window),
        engine=BacktestEngineConfig(
            logging=LoggingConfig(log_level="ERROR"),
            strategies=[
                ImportableStrategyConfig(
                    strategy_path="nautilus_options:OptionsSpreadStrategy",
                    config_path="nautilus_options:OptionsSpreadStrategyConfig",
                    config={
                        "spread_type": "iron_condor",
                        "strike_value": 0.25,
                        "wing_width": 100,
                        "min_days_to_expiry": 0,
                    },
                )
            ],
            actors=[
                ImportableActorConfig(
                    actor_path="nautilus_options:CapitalManager",
                    config_path="nautilus_options:CapitalManagerConfig",
                    config={"initial_capital": 1_000_000},
                ),
                ImportableActorConfig(
                    actor_path="nautilus_options:SpreadMonitor",
                    config_path="nautilus_options:SpreadMonitorConfig",
                    config={"interval_secs": 60},
                ),
            ],
        ),
        dispose_on_completion=False,
    )
    return run


def run(catalog: Path, start: str, end: str, out: Path | None) -> None:
    """Build the config, run it in a ``BacktestNode`` and print what the engine holds."""
    config = run_config(str(catalog), start, end)
    node = BacktestNode(configs=[config])
    node.run()
    engine = node.get_engine(config.id)  # kept: dispose_on_completion=False
    assert engine is not None
    actors = engine.trader.actors()
    manager = next(a for a in actors if isinstance(a, CapitalManager))
    monitor = next(a for a in actors if isinstance(a, SpreadMonitor))
    positions = engine.trader.generate_positions_report()
    print(f"Instruments loaded: {len(engine.cache.instruments())}")
    print(f"Spreads traded: {len({s.spread_id for s in monitor.snapshots})}")
    print(f"Monitor snapshots: {len(monitor.snapshots)}")
    print(f"Leg positions: {len(positions)}")
    print(f"Final capital: {manager.capital:,.2f} INR")
    if len(positions):
        columns = ["instrument_id", "entry", "peak_qty", "avg_px_open", "avg_px_close"]
        print(positions[columns].to_string())
    if out is not None:
        out.mkdir(parents=True, exist_ok=True)
        positions.to_csv(out / "positions.csv")
        engine.trader.generate_fills_report().to_csv(out / "fills.csv")
        manager.write_history_csv(out / "capital.csv")
        print(f"Wrote positions.csv, fills.csv and capital.csv to {out}")
    node.dispose()


def main(argv: list[str] | None = None) -> int:
    """Run the example; return the exit code."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--catalog",
        type=Path,
        help="ParquetDataCatalog to replay (default: generate a 3-day synthetic market)",
    )
    parser.add_argument("--start", default="2026-01-05", help="first IST day (%(default)s)")
    parser.add_argument("--end", default="2026-01-07", help="last IST day (%(default)s)")
    parser.add_argument("--out", type=Path, help="also write positions, fills and capital CSVs")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="options-nt-example-") as scratch:
        catalog = args.catalog
        if catalog is None:
            catalog = Path(scratch) / "catalog"
            generate_market(SMALL_MARKET, catalog)
        run(catalog, args.start, args.end, args.out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
