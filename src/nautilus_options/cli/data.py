"""``options-nt data``: build ParquetDataCatalogs (``data generate``, ``data import``).

Each command of the group is a ``_register_<name>(commands)`` function listed in
``COMMANDS``; it adds its parser to the group and sets ``handler``.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path


def _iso_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from None


def _add_wait(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--wait",
        action="store_true",
        help="if another process is writing the catalog, wait for it instead of failing",
    )


def _print_notices(notices: Sequence[str]) -> None:
    """Tell the user what a writer repaired before it started (stale lock, journal, folders)."""
    for notice in notices:
        print(f"options-nt: note: {notice}", file=sys.stderr)


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
        spot=args.spot,
    )
    summary = generate_market(config, args.out, progress=not args.json, wait=args.wait)
    _print_notices(summary.notices)
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
        "--spot", type=float, help="index level at the first open (default: per underlying)"
    )
    _add_wait(parser)
    parser.add_argument(
        "--json", action="store_true", help="print one JSON summary on stdout instead of a table"
    )
    parser.set_defaults(handler=_generate)


def _import(args: argparse.Namespace) -> int:
    from nautilus_options.data.catalog import import_files

    report = import_files(
        args.files,
        args.format,
        args.catalog,
        skip_bad_rows=args.skip_bad_rows,
        progress=not args.json,
        symbol=args.symbol,
        interval=args.interval,
        underlyings=args.underlying,
        wait=args.wait,
    )
    _print_notices(report.notices)
    if args.json:
        print(json.dumps(report.to_dict()))
        return 0

    from rich.console import Console
    from rich.table import Table

    written = Table(title=f"Imported into {report.catalog}")
    for column in ("instrument", "data", "rows read", "rows written"):
        written.add_column(column, justify="right" if column.startswith("rows") else "left")
    for row in report.written:
        read = report.rows_read_by_instrument.get(row.instrument_id)
        shown = "" if row.data == "instrument" or read is None else f"{read:,}"
        written.add_row(row.instrument_id, row.data, shown, f"{row.rows:,}")
    console = Console()
    if report.written:
        console.print(written)
    if report.skipped:
        skipped = Table(title="Skipped rows")
        for column in ("file", "column", "reason", "rows", "first rows"):
            skipped.add_column(column)
        for s in report.skipped:
            first = ", ".join(map(str, s.first_rows))
            skipped.add_row(Path(s.file).name, s.column or "", s.reason, f"{s.count:,}", first)
        console.print(skipped)
    console.print(
        f"{report.rows_read:,} rows read, {report.rows_written:,} written, "
        f"{report.rows_skipped:,} skipped; {len(report.files_added)} files added, "
        f"{len(report.files_unchanged)} already present"
    )
    return 0


def _register_import(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser(
        "import",
        help="validate vendor files and import them into a catalog",
        description="Validate quotes, bars, Kite historical candles or NSE F&O bhavcopy files "
        "and import them into a ParquetDataCatalog. Nothing is written unless every file "
        "is valid; existing catalog files are never overwritten. One writer at a time: a "
        "second one fails (or waits, with --wait); an import interrupted by a crash is "
        "finished by the next writer.",
    )
    parser.add_argument(
        "--format", required=True, choices=["quotes", "bars", "kite-candles", "bhavcopy"]
    )
    parser.add_argument("files", nargs="+", type=Path, metavar="FILE")
    parser.add_argument("--catalog", type=Path, required=True, help="catalog directory")
    parser.add_argument(
        "--skip-bad-rows", action="store_true", help="drop and count bad rows instead of failing"
    )
    parser.add_argument(
        "--symbol", help="kite-candles: tradingsymbol of a single FILE (default: file name stem)"
    )
    parser.add_argument(
        "--interval", default="minute", help="kite-candles: the candles' interval (default minute)"
    )
    parser.add_argument(
        "--underlying",
        action="append",
        help="bhavcopy: underlying to import (repeatable; default NIFTY and BANKNIFTY)",
    )
    _add_wait(parser)
    parser.add_argument(
        "--json", action="store_true", help="print one JSON report on stdout instead of tables"
    )
    parser.set_defaults(handler=_import)


#: The ``data`` commands, in ``--help`` order.
COMMANDS: tuple[Callable[[argparse._SubParsersAction[argparse.ArgumentParser]], None], ...] = (
    _register_generate,
    _register_import,
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
