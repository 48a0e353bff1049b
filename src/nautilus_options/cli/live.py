"""``options-nt live``: live trading on Kite, behind refusals, pre-flight checks and a kill switch.

It refuses to start (exit 2, one line) without credentials, without ``--confirm-live`` (or
``live.confirm``), or without risk limits (``--max-daily-loss``, ``--max-lots``). Before
any order it prints the pre-flight checks and refuses when one fails. SIGUSR1 or the kill
file cancels every order, flattens every spread hedge-last and halts (exit 3).
"""

from __future__ import annotations

import argparse
import time
from typing import Any

from nautilus_options.cli.node import add_node_options, run_settings


def _settings(args: argparse.Namespace) -> Any:
    live = {
        key: getattr(args, key)
        for key in ("rest_url", "ticker_url", "api_key", "token_file", "session")
        if getattr(args, key) is not None
    }
    return run_settings(args, {}, "the command line", live=live)


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
    from nautilus_options.environments.live import (
        build_live_config,
        check_live_start,
        run_preflight,
    )
    from nautilus_options.environments.outputs import prepare_out_dir
    from nautilus_options.environments.replay import write_replay_file
    from nautilus_options.environments.session import NodeSession

    started = time.monotonic()
    stream = output_stream(args)
    say = sayer(stream)
    settings = _settings(args)
    credentials = check_live_start(settings, confirmed=args.confirm_live)
    check_kill_file(settings.node.kill_file)
    checks = run_preflight(settings, credentials)
    say("options-nt live: pre-flight checks")
    for check in checks:
        say(f"  [{'ok' if check.ok else 'FAIL'}] {check.name}: {check.detail}")
    failed = [check.name for check in checks if not check.ok]
    if failed:
        say(f"options-nt: error: pre-flight failed ({', '.join(failed)}); no order placed")
        return 2
    out = settings.backtest.out or f"out/live-{datetime.now(UTC):%Y%m%d-%H%M%S}"
    out_dir = prepare_out_dir(out)
    say(
        f"options-nt live: trading at {settings.live.rest_url or 'Kite'}; outputs in {out_dir}; "
        f"max daily loss {settings.node.max_daily_loss:,.0f} INR, "
        f"max lots {settings.node.max_lots}"
    )
    if line := recording_line(write_replay_file(settings, settings.live.session)):
        say(line)
    say(stop_rules(settings.node.on_stop, settings.node.kill_file))
    session = NodeSession(
        build_live_config(settings, out_dir),
        out_dir,
        initial_capital=settings.backtest.capital.initial_capital,
        on_stop=settings.node.on_stop,
        title="options-nt live",
    )
    outcome = run_with_view(session, "options-nt live", started, stream)
    return report_outcome("options-nt live", outcome, args.json)


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``options-nt live``."""
    parser = subparsers.add_parser(
        "live",
        help="live trading on Kite (needs --confirm-live and risk limits)",
        description="Run the full stack with the Zerodha clients against Kite. Refuses to "
        "start without credentials, --confirm-live and risk limits; runs pre-flight checks "
        "before any order.",
    )
    parser.add_argument("--confirm-live", action="store_true", help="confirm trading real money")
    parser.add_argument("--max-lots", type=int, help="cap on lots per spread (required)")
    parser.add_argument("--rest-url", help="Kite REST root (a simulator's for a rehearsal)")
    parser.add_argument("--ticker-url", help="Kite ticker root")
    parser.add_argument("--api-key", help="Kite app key (else $KITE_API_KEY or the token file)")
    parser.add_argument("--token-file", help="token file of `options-nt kite login`")
    parser.add_argument(
        "--session", choices=["nse", "always"], help="market hours (always: simulator)"
    )
    add_node_options(parser)
    parser.set_defaults(handler=_run)
