"""``options-nt kite login``: Kite's login flow, storing the access token in a 0600 file.

Steps (KITE_API.md §1.1): print the login URL; the user logs in (with 2FA) and is redirected
to the app's redirect URL carrying ``request_token``; paste that URL (or the token) here; the
token is exchanged with ``checksum = sha256(api_key + request_token + api_secret)`` at
``POST /session/token``; the access token goes to the token file the adapter reads. Neither
the secret nor the token is ever printed. Run it once a day after 06:00 IST, when Kite's
tokens expire.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
from urllib.parse import parse_qs, urlparse


def request_token_of(text: str) -> str:
    """The ``request_token`` of a pasted redirect URL, or the text itself."""
    query = parse_qs(urlparse(text.strip()).query)
    return query["request_token"][0] if "request_token" in query else text.strip()


def _login(args: argparse.Namespace) -> int:
    from nautilus_options.adapters.zerodha.common.credentials import (
        ENV_API_KEY,
        ENV_API_SECRET,
        token_file_path,
        write_token_file,
    )
    from nautilus_options.adapters.zerodha.constants import KITE_LOGIN_URL, KITE_REST_URL
    from nautilus_options.adapters.zerodha.session import exchange_request_token
    from nautilus_options.errors import ConfigError

    api_key = args.api_key or os.environ.get(ENV_API_KEY, "")
    secret = os.environ.get(ENV_API_SECRET, "")
    missing = []
    if not api_key:
        missing.append(f"the API key (--api-key or ${ENV_API_KEY})")
    if not secret:
        missing.append(f"the API secret (${ENV_API_SECRET}; it is never a command-line option)")
    if missing:
        raise ConfigError("kite login", "missing " + " and ".join(missing))
    login_url = f"{args.login_url or KITE_LOGIN_URL}?api_key={api_key}&v=3"
    print(f"Open this URL, log in, and paste the redirect URL:\n  {login_url}", file=sys.stderr)
    try:
        pasted = args.request_token or input("redirect URL or request_token: ")
    except EOFError:
        raise ConfigError("kite login", "no redirect URL or request_token given") from None
    session = asyncio.run(
        exchange_request_token(
            args.rest_url or KITE_REST_URL, api_key, secret, request_token_of(pasted)
        )
    )
    path = token_file_path(args.token_file)
    write_token_file(path, {"api_key": api_key, **session})
    result = {
        "token_file": str(path),
        "user_id": session.get("user_id"),
        "login_time": session.get("login_time"),
    }
    print(json.dumps(result) if args.json else f"Access token stored in {path} (mode 0600)")
    return 0


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``kite`` with its ``login`` subcommand."""
    kite = subparsers.add_parser("kite", help="Zerodha Kite Connect session tools")
    commands = kite.add_subparsers(dest="kite_command", metavar="COMMAND", required=True)
    login = commands.add_parser("login", help="log in to Kite and store the day's access token")
    login.add_argument("--api-key", help="the app's API key (default: $KITE_API_KEY)")
    login.add_argument(
        "--token-file",
        help="where to store the token (default: $KITE_TOKEN_FILE "
        "or ~/.config/options-nt/kite_token.json)",
    )
    login.add_argument("--request-token", help="the request_token or redirect URL (else prompted)")
    login.add_argument("--rest-url", help="REST root (default: Kite's; the simulator's for paper)")
    login.add_argument("--login-url", help="login page (default: Kite's)")
    login.add_argument("--json", action="store_true", help="print one JSON object on stdout")
    login.set_defaults(handler=_login)
