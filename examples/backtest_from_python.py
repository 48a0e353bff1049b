"""Backtest a bull put credit spread from Python and read its outputs with pandas.

The script generates a small synthetic NIFTY market (a few days, a few strikes) into a
temporary catalog, unless ``--catalog`` names one, and runs ``OptionsSpreadStrategy``,
``CapitalManager`` and ``SpreadMonitor`` through
:func:`nautilus_options.environments.backtest.run_backtest` with custom settings: a bull put
credit spread whose short put is chosen by delta, on ₹5,00,000 with 2 % risk per trade.
It prints the summary, the files written and then reads ``spreads.csv`` and ``capital.csv``
back with pandas, checking that they add up to the summary.

Run ``python examples/backtest_from_python.py --help`` for the options.
"""

from __future__ import annotations

import argparse
import tempfile
from datetime import date
from pathlib import Path

import pandas as pd

from nautilus_options import CapitalManagerConfig, OptionsSpreadStrategyConfig, SpreadMonitorConfig
from nautilus_options.data.synthetic import SyntheticMarketConfig, generate_market
from nautilus_options.environments.backtest import (
    BacktestOutcome,
    BacktestSettings,
    DataSettings,
    run_backtest,
)

#: The small market generated when no ``--catalog`` is given: three January 2026 days.
SMALL_MARKET = SyntheticMarketConfig(start=date(2026, 1, 5), days=3, strikes_each_side=8)


def settings(args: argparse.Namespace, catalog: Path) -> BacktestSettings:
    """The run: a bull put credit spread by delta, sized by the capital manager."""
    return BacktestSettings(
        catalog=str(catalog),
        start=args.start,
        end=args.end,
        out=str(args.out),
        strategy=OptionsSpreadStrategyConfig(
            spread_type="bull_put_credit",
            strike_rule="delta",
            strike_value=args.delta,
            wing_width=100,
            min_days_to_expiry=0,
            profit_target_pct=60,
        ),
        capital=CapitalManagerConfig(initial_capital=500_000, risk_per_trade_pct=2.0),
        monitor=SpreadMonitorConfig(interval_secs=300),
        data=DataSettings(strikes_each_side=8, expiries=2),
        tearsheet=False,
    )


def print_summary(outcome: BacktestOutcome) -> None:
    """Print every summary figure and the files written."""
    print("Summary")
    for key, value in outcome.summary.items():
        print(f"  {key:<20} {round(value, 4) if isinstance(value, float) else value}")
    print("Files")
    for name, path in outcome.files.items():
        print(f"  {name:<20} {path}")


def print_outputs(outcome: BacktestOutcome) -> None:
    """Read the spreads and the capital history back and reconcile them with the summary."""
    spreads = pd.read_csv(outcome.files["spreads"], parse_dates=["opened_at", "closed_at"])
    columns = ["spread_id", "expiry", "lots", "opened_at", "closed_at", "net_premium", "pnl"]
    print("Spreads (spreads.csv)")
    print(spreads[columns].to_string(index=False) if len(spreads) else "  none")
    capital = pd.read_csv(outcome.files["capital"], parse_dates=["ts_event"])
    print(f"Capital updates (capital.csv): {len(capital)}")
    closed = spreads[~spreads["is_open"]]
    pnl = round(float(closed["pnl"].sum()), 2)
    ending = float(capital["capital"].iloc[-1])
    summary = outcome.summary
    print(f"Sum of closed spreads' pnl: {pnl:,.2f} (summary pnl_total {summary['pnl_total']:,.2f})")
    print(f"Last capital: {ending:,.2f} (summary ending_capital {summary['ending_capital']:,.2f})")


def main(argv: list[str] | None = None) -> int:
    """Run the example; return the exit code."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--catalog",
        type=Path,
        help="ParquetDataCatalog to replay (default: generate a 3-day synthetic market)",
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=Path("out/example-bull-put"),
        help="output directory (default: %(default)s)",
    )
    parser.add_argument("--start", help="first IST day to simulate (default: the catalog's)")
    parser.add_argument("--end", help="last IST day to simulate (default: the catalog's)")
    parser.add_argument(
        "--delta", type=float, default=0.25, help="delta of the short put (default: %(default)s)"
    )
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="options-nt-example-") as scratch:
        catalog = args.catalog
        if catalog is None:
            catalog = Path(scratch) / "catalog"
            market = generate_market(SMALL_MARKET, catalog)
            print(
                f"Generated {market.option_quotes:,} option quotes for "
                f"{market.option_instruments} options, {market.start} to {market.end}"
            )
        outcome = run_backtest(settings(args, catalog))
    print_summary(outcome)
    print_outputs(outcome)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
