"""``options-nt sim``: the offline Kite Connect simulator (a local paper broker).

Prints the URLs and credentials to point ``kiteconnect`` (or the Zerodha adapter) at, then
serves until Ctrl-C. With ``--json`` it prints exactly one JSON object on stdout.

``--market kite`` reads the real Kite credentials from ``$KITE_API_KEY`` and
``$KITE_ACCESS_TOKEN`` (the names ``options-nt kite login`` uses); the flags override them,
but ``--kite-access-token`` is discouraged: a token on the command line shows in ``ps`` and
the shell history.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sys
from pathlib import Path
from typing import Any

#: The environment variables of the Kite credentials (as the Zerodha adapter names them;
#: not imported from it: the CLI of the simulator keeps to the simulator's layer).
ENV_API_KEY = "KITE_API_KEY"
ENV_ACCESS_TOKEN = "KITE_ACCESS_TOKEN"


def _run(args: argparse.Namespace) -> int:
    from nautilus_options.simulator import SimulatorConfig, parse_profile
    from nautilus_options.simulator.server import serve

    config = SimulatorConfig(
        market=args.market,
        catalog=args.catalog,
        speed=args.speed,
        port=args.port,
        session=args.session,
        faults=parse_profile(args.faults),
        state_file=args.state,
        kite_api_key=args.kite_api_key or os.environ.get(ENV_API_KEY, ""),
        kite_access_token=args.kite_access_token or os.environ.get(ENV_ACCESS_TOKEN, ""),
        **({"kite_root": args.kite_root} if args.kite_root else {}),
        **({"kite_ws_root": args.kite_ws_root} if args.kite_ws_root else {}),
        **({"admin_key": args.admin_key} if args.admin_key else {}),
    )

    def ready(info: dict[str, Any]) -> None:
        if args.json:
            print(json.dumps(info), flush=True)
            return
        print("Kite simulator listening (Ctrl-C to stop)", flush=True)
        for key, value in info.items():
            print(f"  {key:<11} {value}", flush=True)
        if info.get("provisional_expiries"):
            print(
                "  note: expiries after the NSE holiday table are provisional "
                "(every weekday taken as a trading day)",
                flush=True,
            )

    with contextlib.suppress(KeyboardInterrupt):  # uvicorn re-raises it after shutting down
        serve(config, ready)
    if not args.json:
        print("options-nt: simulator stopped", file=sys.stderr)
    return 0


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``options-nt sim``."""
    parser = subparsers.add_parser(
        "sim",
        help="serve an offline Kite Connect API and ticker (local paper broker)",
        description="Serve Kite Connect's REST API and binary WebSocket ticker on loopback "
        "over a live synthetic market, with Kite's order rules, rate limits and optional "
        "injected faults. Point kiteconnect at it with root=URL.",
    )
    parser.add_argument(
        "--market",
        choices=["synthetic", "replay", "kite"],
        default="synthetic",
        help="price source: live synthetic (default), a replayed catalog, or the Kite feed",
    )
    parser.add_argument("--catalog", type=Path, help="ParquetDataCatalog to replay")
    parser.add_argument("--speed", type=float, default=1.0, help="replay speed (default 1)")
    parser.add_argument(
        "--kite-api-key", help=f"Kite app key (--market kite; default ${ENV_API_KEY})"
    )
    parser.add_argument(
        "--kite-access-token",
        help=f"Kite access token (--market kite); discouraged, it shows in ps and the shell "
        f"history: set ${ENV_ACCESS_TOKEN} instead",
    )
    parser.add_argument("--kite-root", help="Kite REST root (default: Kite's)")
    parser.add_argument("--kite-ws-root", help="Kite ticker root (default: Kite's)")
    parser.add_argument("--port", type=int, default=8765, help="port on 127.0.0.1 (0: any)")
    parser.add_argument(
        "--session",
        choices=["nse", "always"],
        default="nse",
        help="market hours: the NSE calendar, or open at any hour (demos, tests)",
    )
    parser.add_argument(
        "--faults",
        default="none",
        metavar="PROFILE",
        help="fault profile: none, flaky or chaos, with key=value overrides "
        "(e.g. 'flaky,lost_response=0.1,seed=3')",
    )
    parser.add_argument(
        "--state", type=Path, help="JSON file keeping orders and positions across restarts"
    )
    parser.add_argument("--admin-key", help="key of the /admin routes (random by default)")
    parser.add_argument("--json", action="store_true", help="print one JSON object on stdout")
    parser.set_defaults(handler=_run)
