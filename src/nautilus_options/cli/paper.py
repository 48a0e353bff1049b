"""``options-nt paper``: paper trading on the local simulator, with a live terminal view.

With no arguments it starts the simulator in-process (live synthetic market, always-open
session) and the full stack against it, with the demo defaults that open a first spread
within about two minutes at any hour. ``--kite`` prices the simulator from the real Kite
feed (fills stay simulated); ``--url`` trades on a running ``options-nt sim``. Ctrl-C stops
cleanly and writes the backtest's outputs; ``--on-stop flatten`` closes open spreads first.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path
from typing import Any


def _settings(args: argparse.Namespace) -> Any:
    from nautilus_options.environments.paper import DEMO_SETTINGS
    from nautilus_options.environments.trading_settings import (
        load_trading_settings,
        trading_settings_from_mapping,
    )

    overrides = {"out": args.out, "log_level": args.log_level}
    if args.config is not None:
        settings = load_trading_settings(args.config, **overrides)
    else:
        settings = trading_settings_from_mapping(DEMO_SETTINGS, source="the demo", **overrides)
    import msgspec

    paper: dict[str, Any] = {}
    if args.kite:
        paper["market"] = "kite"
    if args.url:
        paper["url"] = args.url
    node = node_overrides(args)
    return msgspec.structs.replace(
        settings,
        paper=msgspec.structs.replace(settings.paper, **paper),
        node=msgspec.structs.replace(settings.node, **node),
    )


def _run(args: argparse.Namespace) -> int:
    from datetime import UTC, datetime

    from nautilus_options.cli.view import run_with_view
    from nautilus_options.environments.outputs import prepare_out_dir
    from nautilus_options.environments.paper import (
        build_paper_config,
        login_simulator,
        start_simulator,
        with_simulator,
    )
    from nautilus_options.environments.replay import write_replay_file
    from nautilus_options.environments.session import NodeSession

    started = time.monotonic()
    settings = _settings(args)
    out = settings.backtest.out or f"out/paper-{datetime.now(UTC):%Y%m%d-%H%M%S}"
    out_dir = prepare_out_dir(out)
    simulator = None
    if settings.paper.url is None:
        simulator = start_simulator(settings)
        settings = with_simulator(settings, simulator)
    try:
        token = login_simulator(settings.paper, out_dir / "paper-token.json")
        config = build_paper_config(settings, out_dir, token)
        strategy = settings.backtest.strategy
        print(
            f"options-nt paper: {settings.paper.market} market on the simulator at "
            f"{settings.paper.url} (session {settings.paper.session}); outputs in {out_dir}",
            flush=True,
        )
        if args.config is None:
            print(
                "  demo defaults: entry windows always open, checks every "
                f"{strategy.exit_check_interval_secs} s, the nearest expiry "
                "(min_days_to_expiry 0): the first spread opens within about two minutes",
                flush=True,
            )
        print_recording(write_replay_file(settings, settings.paper.session))
        print(
            f"  Ctrl-C stops and {'flattens' if settings.node.on_stop == 'flatten' else 'leaves'}"
            " open spreads (--on-stop to change); SIGUSR1"
            + (f" or {settings.node.kill_file}" if settings.node.kill_file else "")
            + " fires the kill switch",
            flush=True,
        )
        session = NodeSession(
            config,
            out_dir,
            initial_capital=settings.backtest.capital.initial_capital,
            on_stop=settings.node.on_stop,
            title="options-nt paper",
        )
        outcome = run_with_view(session, "options-nt paper", started)
    finally:
        if simulator is not None:
            simulator.stop()
    summary = outcome.summary
    if args.json:
        print(
            json.dumps({"summary": summary, "files": {k: str(v) for k, v in outcome.files.items()}})
        )
    else:
        print(
            f"options-nt paper: stopped; {summary.get('trades', 0)} closed spreads, "
            f"P&L {summary.get('pnl_total', 0):+,.0f} INR; report {outcome.files['report']}",
            flush=True,
        )
    return 3 if summary.get("killed") else 0


def print_recording(replay_file: Path | None) -> None:
    """Say where the market is recorded and how to replay it (nothing when not recording)."""
    if replay_file is not None:
        print(
            f"  recording the market into {replay_file.parent}; replay it with "
            f"options-nt backtest --config {replay_file}",
            flush=True,
        )


def node_overrides(args: argparse.Namespace) -> dict[str, Any]:
    """The ``node`` settings given on the command line (options of :func:`add_node_options`)."""
    keys = ("on_stop", "redis", "kill_file", "max_daily_loss", "max_lots", "record")
    return {key: getattr(args, key) for key in keys if getattr(args, key, None) is not None}


def add_node_options(parser: argparse.ArgumentParser) -> None:
    """Options shared by ``paper`` and ``live``."""
    parser.add_argument(
        "--config", type=Path, help="run file (the backtest's, with node/paper/live sections)"
    )
    parser.add_argument("--out", help="output folder (default ./out/<command>-<UTC time>)")
    parser.add_argument(
        "--redis", help="redis://host:port for the cache and state (restarts resume)"
    )
    parser.add_argument(
        "--on-stop", choices=["leave", "flatten"], help="what Ctrl-C does with open spreads"
    )
    parser.add_argument("--kill-file", help="fire the kill switch when this file appears")
    parser.add_argument(
        "--max-daily-loss", type=float, help="INR lost today that fires the kill switch"
    )
    parser.add_argument(
        "--record",
        help="record the market data received into this catalog folder (replay it "
        "with options-nt backtest --catalog)",
    )
    parser.add_argument("--log-level", default="INFO", help="level of nautilus.log (default INFO)")
    parser.add_argument("--json", action="store_true", help="print one JSON object at the end")


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``options-nt paper``."""
    parser = subparsers.add_parser(
        "paper",
        help="paper trading on the local Kite simulator, with a live terminal view",
        description="Run the full stack (strategy, capital manager, spread monitor) with the "
        "Zerodha clients against the local Kite simulator. With no arguments: an in-process "
        "simulator on a live synthetic market that is always open.",
    )
    parser.add_argument(
        "--kite", action="store_true", help="price from the real Kite feed (fills simulated)"
    )
    parser.add_argument("--url", help="trade on a running `options-nt sim` at this URL")
    add_node_options(parser)
    parser.set_defaults(handler=_run)
