"""``options-nt data``: build ParquetDataCatalogs (``data generate``).

Each command of the group is a ``_register_<name>(commands)`` function listed in
``COMMANDS``; it adds its parser to the group and sets ``handler``.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path


def _iso_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from None


def _generate(args: argparse.Namespace) -> int:
    from nautilus_options.data.synthetic import SyntheticMarketConfig, generate_market
    from nautilus_options.domain.nse import is_trading_day, next_trading_day

    start = args.start
    if not is_trading_day(start):
        start = next_trading_day(start)
        print(
            f"options-nt: {args.start} is not an NSE trading day; starting on {start}",
            file=sys.stderr,
        )
    config = SyntheticMarketConfig(
        underlying=args.underlying,
        start=start,
        days=args.days,
        seed=args.seed,
        strikes_each_side=args.strikes,
        expiries=args.expiries,
        bar_minutes=args.bar_minutes,
    )
    summary = generate_market(config, args.out, progress=not args.json)
    if args.json:
        print(json.dumps(summary.to_dict()))
        return 0

    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"Synthetic {summary.underlying} market", show_header=False)
    table.add_row("catalog", str(summary.catalog_path))
    table.add_row("trading days", f"{summary.trading_days} ({summary.start} to {summary.end})")
    table.add_row("expiries", ", ".join(day.isoformat() for day in summary.expiries))
    table.add_row("option instruments", f"{summary.option_instruments:,}")
    table.add_row("option quotes", f"{summary.option_quotes:,}")
    table.add_row("index trades (NSE + NFO)", f"{summary.index_trades:,}")
    table.add_row("elapsed", f"{summary.seconds:.1f} s")
    Console().print(table)
    return 0


def _register_generate(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser(
        "generate",
        help="generate a deterministic synthetic option market into a new catalog",
        description="Generate a deterministic synthetic index and option-chain market "
        "(Black-76 quotes with a volatility smile) into a new ParquetDataCatalog.",
    )
    parser.add_argument("--underlying", default="NIFTY", choices=["NIFTY", "BANKNIFTY"])
    parser.add_argument(
        "--start",
        type=_iso_date,
        default=date(2026, 1, 5),
        help="first trading day, YYYY-MM-DD (rolled forward to a trading day)",
    )
    parser.add_argument("--days", type=int, default=20, help="number of trading days")
    parser.add_argument(
        "--out",
        type=Path,
        required=True,
        help="catalog directory to create (must not exist or be empty)",
    )
    parser.add_argument("--seed", type=int, default=7, help="random seed")
    parser.add_argument(
        "--strikes", type=int, default=20, help="strikes on each side of the opening ATM strike"
    )
    parser.add_argument("--expiries", type=int, default=2, help="nearest expiries quoted")
    parser.add_argument("--bar-minutes", type=int, default=1, help="quote grid spacing")
    parser.add_argument(
        "--json", action="store_true", help="print one JSON summary on stdout instead of a table"
    )
    parser.set_defaults(handler=_generate)


#: The ``data`` commands, in ``--help`` order.
COMMANDS: tuple[Callable[[argparse._SubParsersAction[argparse.ArgumentParser]], None], ...] = (
    _register_generate,
)


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``data`` command group and its commands to ``subparsers``."""
    group = subparsers.add_parser("data", help="build market-data catalogs")
    commands = group.add_subparsers(dest="data_command", metavar="DATA_COMMAND")
    group.set_defaults(handler=lambda _args: _print_help(group))
    for add_command in COMMANDS:
        add_command(commands)


def _print_help(parser: argparse.ArgumentParser) -> int:
    parser.print_help()
    return 0
