"""Capital manager demo: a tiny backtest whose trades are sized over the message bus.

A ``SizedRoundTripStrategy`` buys an INR equity three times, each time asking the
``CapitalManager`` how many lots it may buy (20% risk per trade, 50% deployment cap on 1 lakh),
and the manager tracks capital from the realized P&L net of a 20 INR commission per order.
The capital history is printed as a table.

Run ``python examples/capital_manager_demo.py --help`` for the options.
"""

from __future__ import annotations

import argparse
import warnings

from rich.console import Console
from rich.table import Table

from nautilus_options import CapitalManager, CapitalManagerConfig
from nautilus_options.capital.example import (
    DEMO_INSTRUMENT_ID,
    SizedRoundTripConfig,
    SizedRoundTripStrategy,
    demo_engine,
)


def run(compounding: bool, max_drawdown_pct: float | None) -> CapitalManager:
    """Run the demo backtest and return the capital manager with its history."""
    engine = demo_engine()
    manager = CapitalManager(
        CapitalManagerConfig(
            initial_capital=100_000,
            risk_per_trade_pct=20,
            max_deployment_pct=50,
            compounding=compounding,
            max_drawdown_pct=max_drawdown_pct,
        ),
    )
    engine.add_actor(manager)
    engine.add_strategy(
        SizedRoundTripStrategy(SizedRoundTripConfig(instrument_id=DEMO_INSTRUMENT_ID)),
    )
    engine.run()
    engine.dispose()
    return manager


def history_table(manager: CapitalManager) -> Table:
    """Render the manager's capital history as a table."""
    table = Table(title="Capital history (INR)")
    for column in ("time (UTC)", "capital", "deployed", "drawdown %", "halted", "reason"):
        table.add_column(column, justify="left" if column == "reason" else "right")
    for row in manager.history_frame().itertuples():
        table.add_row(
            row.ts_event.strftime("%H:%M"),
            f"{row.capital:,.2f}",
            f"{row.deployed:,.2f}",
            f"{row.drawdown_pct:.2f}",
            "yes" if row.halted else "",
            row.reason,
        )
    return table


def main() -> None:
    """Parse the options, run the demo and print the history."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--no-compounding",
        action="store_true",
        help="size on the initial capital instead of the current one",
    )
    parser.add_argument(
        "--max-drawdown-pct",
        type=float,
        default=None,
        help="halt new trades beyond this drawdown from the peak (e.g. 0.7)",
    )
    parser.add_argument("--csv", help="also write the history to this CSV file")
    args = parser.parse_args()
    # nautilus_trader 1.231 calls a pandas API that pandas 3 deprecates; not ours to fix.
    warnings.filterwarnings("ignore", message="Timestamp.utcnow is deprecated")

    manager = run(compounding=not args.no_compounding, max_drawdown_pct=args.max_drawdown_pct)
    console = Console(width=140)
    console.print(history_table(manager))
    console.print(f"final capital: {manager.capital:,.2f} INR, halted: {manager.halted}")
    if args.csv:
        console.print(f"history written to {manager.write_history_csv(args.csv)}")


if __name__ == "__main__":
    main()
