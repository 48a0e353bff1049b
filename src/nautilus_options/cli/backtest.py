"""``options-nt backtest``: run the spread strategy stack over a catalog and report."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rich.console import Console

DESCRIPTION = """\
Backtest the options-nt spread strategy with the capital manager and the spread monitor.

Without arguments it runs the default iron condor on NIFTY weekly options over the embedded
synthetic NIFTY dataset (generated on first use, then cached). Outputs (fills, orders,
positions, spreads, capital history, spread snapshots, order and position events as CSV,
summary.json, report.html, the Nautilus tearsheet and nautilus.log) go to --out; a previous
run's outputs there are removed first. The catalog, the dates and --out are checked before
the simulation starts.
"""


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``backtest`` subcommand."""
    parser = subparsers.add_parser(
        "backtest",
        help="backtest the spread strategy and write a report",
        description=DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--config",
        type=Path,
        metavar="FILE",
        help="run file (JSON or YAML) with strategy/capital/monitor/venue/data settings",
    )
    parser.add_argument(
        "--catalog",
        metavar="DIR",
        help="ParquetDataCatalog to run on (default: the embedded synthetic NIFTY dataset)",
    )
    parser.add_argument(
        "--start",
        metavar="DATE",
        help="first IST date, or datetime (IST unless zoned), to simulate",
    )
    parser.add_argument(
        "--end", metavar="DATE", help="last IST date, or datetime (IST unless zoned), to simulate"
    )
    parser.add_argument(
        "--out", metavar="DIR", help="output directory (default: out/backtest-<UTC timestamp>)"
    )
    parser.add_argument(
        "--json",
        action="store_true",
        help="print one JSON object on stdout, and nothing else: the summary, or "
        '{"error": {"field": ..., "message": ...}} (Nautilus logs go to nautilus.log in '
        "--out, errors also to stderr)",
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Run the backtest described by ``args``; return the exit code."""
    from nautilus_options.environments.backtest import (
        load_settings,
        run_backtest,
        settings_from_mapping,
    )

    overrides = {"catalog": args.catalog, "start": args.start, "end": args.end, "out": args.out}
    if args.config is not None:
        settings = load_settings(args.config, **overrides)
    else:
        settings = settings_from_mapping({}, source="command line", **overrides)
    if settings.catalog is not None and Path(settings.catalog).is_dir():
        from nautilus_options.data.catalog import recover

        repaired = recover(settings.catalog)  # said here, whether or not a terminal shows a bar
        if repaired is not None:
            print(f"options-nt: note: catalog {settings.catalog}: {repaired}", file=sys.stderr)

    def note(line: str) -> None:
        print(f"options-nt: note: {line}", file=sys.stderr)

    if args.json:
        outcome = run_backtest(settings, note=note)
        payload = {**outcome.summary, "out": str(outcome.out_dir)}
        payload["files"] = {name: str(path) for name, path in outcome.files.items()}
        print(json.dumps(payload))
        return 0
    from rich.console import Console

    from nautilus_options.common.progress import TerminalProgress

    with TerminalProgress(transient=False, lines=True) as progress:  # lines in a log
        outcome = run_backtest(settings, progress=progress, note=note)
    _print_summary(Console(), outcome.summary, outcome.out_dir)
    return 0


def _print_summary(console: Console, summary: dict[str, Any], out_dir: Path) -> None:
    from rich.table import Table

    def money(key: str) -> str:
        value = summary.get(key)
        return "n/a" if value is None else f"₹{value:,.2f}"

    win_rate = summary.get("win_rate")
    sharpe = summary.get("sharpe")
    table = Table(title="Backtest summary", show_header=False)
    table.add_column(style="bold")
    table.add_column(justify="right")
    rows = [
        ("Period (IST)", f"{_ist(summary.get('start'))} → {_ist(summary.get('end'))}"),
        ("Trades (closed spreads)", str(summary["trades"])),
        ("Open spreads at the end", str(summary["open_spreads"])),
        ("Their open P&L (at mids)", money("open_pnl")),
        ("Win rate", "n/a" if win_rate is None else f"{win_rate:.1%}"),
        ("Total P&L (net of charges)", money("pnl_total")),
        ("Charges paid", money("charges_total")),
        (
            "Max drawdown",
            f"{money('max_drawdown')} ({summary['max_drawdown_pct']:.2f}%)",
        ),
        ("Sharpe ratio (daily, annualised)", "n/a" if sharpe is None else f"{sharpe:.2f}"),
        ("Initial capital", money("initial_capital")),
        ("Ending capital", money("ending_capital")),
        ("Wall time", f"{summary.get('elapsed_secs', 0):.1f} s"),
    ]
    for name, value in rows:
        table.add_row(name, value)
    console.print(table)
    if summary.get("no_trades_because"):
        console.print(f"[bold]No trades[/bold] because: {summary['no_trades_because']}")
    console.print(f"Outputs: {out_dir}  (open {out_dir / 'report.html'})")


def _ist(iso: str | None) -> str:
    import pandas as pd

    if iso is None:
        return "?"
    return pd.Timestamp(iso).tz_convert("Asia/Kolkata").strftime("%Y-%m-%d")
