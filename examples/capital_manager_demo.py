"""Capital manager demo: a tiny backtest whose trades are sized over the message bus.

A ``SizedRoundTripStrategy`` (``sized_round_trip.py`` beside this script) buys an INR equity
three times, each time asking the ``CapitalManager`` how many lots it may buy (20% risk per
trade, 50% deployment cap on 1 lakh), and the manager tracks capital from the realized P&L net
of a 20 INR commission per order.
It prints the settings, the capital history, the manager's answers to the strategy and the
result.

Run ``python examples/capital_manager_demo.py --help`` for the options.
"""

from __future__ import annotations

import argparse
import warnings
from datetime import datetime

from rich import box
from rich.console import Console
from rich.table import Table
from sized_round_trip import (
    DEMO_COMMISSION,
    DEMO_INSTRUMENT_ID,
    SizedRoundTripConfig,
    SizedRoundTripStrategy,
    demo_engine,
)

from nautilus_options import CapitalManager, CapitalManagerConfig
from nautilus_options.domain.nse import IST


def run(config: CapitalManagerConfig) -> tuple[CapitalManager, SizedRoundTripStrategy]:
    """Run the demo backtest; return the capital manager and the strategy it sized."""
    engine = demo_engine()
    manager = CapitalManager(config)
    strategy = SizedRoundTripStrategy(SizedRoundTripConfig(instrument_id=DEMO_INSTRUMENT_ID))
    engine.add_actor(manager)
    engine.add_strategy(strategy)
    engine.run()
    engine.dispose()
    return manager, strategy


def settings_text(config: CapitalManagerConfig) -> str:
    """Describe the manager's settings and the venue's commission in one line."""
    halt = (
        f"halt beyond {config.max_drawdown_pct:g}% drawdown"
        if config.max_drawdown_pct is not None
        else "no drawdown halt"
    )
    return (
        f"Capital {config.initial_capital:,.2f} {config.currency}, "
        f"risk {config.risk_per_trade_pct:g}% per trade, "
        f"deployment cap {config.max_deployment_pct:g}%, "
        f"compounding {'on' if config.compounding else 'off'}, {halt}; "
        f"commission {DEMO_COMMISSION.as_double():g} {DEMO_COMMISSION.currency.code} per order."
    )


def history_table(manager: CapitalManager, strategy_id: str) -> Table:
    """Render the manager's capital history as a table (times in IST).

    Request ids are shown without the ``strategy_id`` prefix, e.g. ``T0001``.
    """
    table = Table(title=f"Capital history ({manager.config.currency})", box=box.SIMPLE_HEAD)
    for column in ("IST", "capital", "change", "deployed", "drawdown %"):
        table.add_column(column, justify="right", no_wrap=True)
    table.add_column("event", ratio=1)
    previous = manager.config.initial_capital
    for update in manager.history:
        change = update.capital - previous
        previous = update.capital
        table.add_row(
            datetime.fromtimestamp(update.ts_event // 1_000_000_000, IST).strftime("%H:%M"),
            f"{update.capital:,.2f}",
            f"{change:+,.2f}" if change else "",
            f"{update.deployed:,.2f}",
            f"{update.drawdown_pct:.2f}" + (" HALT" if update.halted else ""),
            update.reason.replace(f"{strategy_id}-", ""),
        )
    return table


def answers_table(strategy: SizedRoundTripStrategy) -> Table:
    """Render the manager's answers to the strategy's sizing requests."""
    table = Table(title=f"Sizing answers to {strategy.id}", box=box.SIMPLE_HEAD)
    table.add_column("request", no_wrap=True)
    table.add_column("lots", justify="right")
    table.add_column("why", ratio=1)
    for response in strategy.responses:
        request = response.request_id.removeprefix(f"{strategy.id}-")
        table.add_row(request, str(response.lots), response.reason)
    return table


def result_text(manager: CapitalManager) -> str:
    """Summarise the final capital against the initial one."""
    last = manager.history[-1]
    change = last.capital - last.initial_capital
    return (
        f"Final capital {last.capital:,.2f} {last.currency} "
        f"({change:+,.2f}, {change / last.initial_capital:+.2%}); peak {last.peak:,.2f}; "
        + ("new trades HALTED." if last.halted else "not halted.")
    )


def main() -> None:
    """Parse the options, run the demo and print the results."""
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

    config = CapitalManagerConfig(
        initial_capital=100_000,
        risk_per_trade_pct=20,
        max_deployment_pct=50,
        compounding=not args.no_compounding,
        max_drawdown_pct=args.max_drawdown_pct,
    )
    manager, strategy = run(config)
    console = Console()
    console.print(settings_text(config))
    console.print(history_table(manager, strategy.id.value))
    console.print(answers_table(strategy))
    console.print(result_text(manager))
    if args.csv:
        console.print(f"History written to {manager.write_history_csv(args.csv)}")


if __name__ == "__main__":
    main()
