"""``options-nt paper``: paper trading on the local simulator, with a live terminal view.

With no arguments it starts the simulator in-process (live synthetic market, always-open
session) and the full stack against it, with the demo defaults that open a first spread
within about two minutes at any hour. ``--kite`` prices the simulator from the real Kite
feed (fills stay simulated); ``--url`` trades on a running ``options-nt sim``. Ctrl-C stops
cleanly and writes the backtest's outputs; ``--on-stop flatten`` closes open spreads first.
"""

from __future__ import annotations

import argparse
import time
from typing import Any

from nautilus_options.cli.node import add_node_options, run_settings


def _settings(args: argparse.Namespace) -> Any:
    from nautilus_options.environments.paper import DEMO_SETTINGS

    paper: dict[str, Any] = {}
    if args.kite:
        paper["market"] = "kite"
    if args.url:
        paper["url"] = args.url
    return run_settings(args, DEMO_SETTINGS, "the demo", paper=paper)


def _run(args: argparse.Namespace) -> int:
    from datetime import UTC, datetime

    from nautilus_options.cli.node import (
        check_kill_file,
        output_stream,
        recording_line,
        report_outcome,
        sayer,
        stop_rules,
    )
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
    stream = output_stream(args)
    say = sayer(stream)
    settings = _settings(args)
    check_kill_file(settings.node.kill_file)
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
        say(
            f"options-nt paper: {settings.paper.market} market on the simulator at "
            f"{settings.paper.url} (session {settings.paper.session}); outputs in {out_dir}"
        )
        if args.config is None:
            say(
                "  demo defaults: entry windows always open, checks every "
                f"{strategy.exit_check_interval_secs} s, the nearest expiry "
                "(min_days_to_expiry 0): the first spread opens within about two minutes"
            )
        if line := recording_line(write_replay_file(settings, settings.paper.session)):
            say(line)
        say(stop_rules(settings.node.on_stop, settings.node.kill_file))
        session = NodeSession(
            config,
            out_dir,
            initial_capital=settings.backtest.capital.initial_capital,
            on_stop=settings.node.on_stop,
            title="options-nt paper",
        )
        outcome = run_with_view(session, "options-nt paper", started, stream)
    finally:
        if simulator is not None:
            simulator.stop()
    return report_outcome("options-nt paper", outcome, args.json)


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
