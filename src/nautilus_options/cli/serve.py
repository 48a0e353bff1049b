"""``options-nt serve``: a node with the bridge (REST and the event stream) in one process.

With no arguments it runs the paper demo (``options-nt paper``'s defaults: the in-process
simulator on a live synthetic market) and serves the bridge on 127.0.0.1:8765. ``--live``
trades on Kite behind ``options-nt live``'s refusals and pre-flight checks.
``--results DIR`` serves a folder of backtest results read-only, with no node (it can also be
given with a node). ``--ui [DIR]`` also serves the built trader interface (``web/ui/dist``)
at ``/``.

Users and API tokens live in ``<state dir>/bridge-credentials.json`` (0600):

* ``options-nt serve user add NAME [--scope read|trade|admin] [--password-stdin]`` (``read``
  unless ``--scope`` raises it);
* ``options-nt serve user list`` / ``user remove NAME``;
* ``options-nt serve token create --scope read [--name NAME] [--expires 30d|12h|never]``
  (printed once; valid 90 days unless ``--expires`` says otherwise);
* ``options-nt serve token list`` / ``token revoke ID``.

Each change of a user or token (the first start's ``admin`` too) is appended to the audit
log with the local OS user as its subject and ``cli`` as its client.

On the first start with no user, once the server listens, an ``admin`` user is created and
its generated password printed on the terminal once (never logged): a start that fails (the
port taken) creates no user, so the next start still prints one. Unsafe settings (no user,
a non-loopback address without TLS, CORS for every origin) are printed as warnings at start.

A node that stops on its own (Nautilus shut it down after an error) ends ``serve``: it says
so on stdout, naming the node's log, and exits with
:data:`~nautilus_options.cli.node.STOPPED_UNEXPECTEDLY` (as ``paper`` and ``live`` do).
"""

from __future__ import annotations

import argparse
import getpass
import json
import os
import re
import secrets
import sys
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

DEFAULT_STATE_DIR = Path.home() / ".options-nt"
_SCOPES = ("read", "trade", "admin")
#: The audit log's client of changes made on the command line.
CLI_CLIENT = "cli"
_TTL_UNITS = {"d": "days", "h": "hours"}


def _bridge_settings(args: argparse.Namespace, environment: str) -> Any:
    from nautilus_options.bridge.client_address import trusted_proxies
    from nautilus_options.bridge.settings import BridgeSettings
    from nautilus_options.bridge.ui import ui_folder
    from nautilus_options.errors import ConfigError

    if (args.certfile is None) != (args.keyfile is None):
        raise ConfigError("--certfile", "TLS needs both --certfile and --keyfile")
    return BridgeSettings(
        environment=environment,
        state_dir=args.state_dir,
        host=args.host,
        port=args.port,
        cors_origins=tuple(args.cors_origin or ()),
        trusted_proxies=trusted_proxies(args.trusted_proxy or ()),
        tls=args.certfile is not None,
        results_dir=args.results,
        ui_dir=None if args.ui is None else ui_folder(Path(args.ui) if args.ui else None),
    )


def _first_run(settings: Any) -> None:
    """Create ``admin`` with a generated password on a first start; print it once."""
    from nautilus_options.bridge.principal import Scope
    from nautilus_options.bridge.security.store import CREDENTIALS_FILE, CredentialStore

    store = CredentialStore(settings.state_dir / CREDENTIALS_FILE)
    if store.has_users:
        return
    password = secrets.token_urlsafe(12)
    store.add_user("admin", password, (Scope.ADMIN,))
    _audit(settings.state_dir, "user add", 0, name="admin", scope="admin", first_start=True)
    print(
        f"options-nt serve: first start: created user 'admin' with password {password} "
        "(shown only now; change it with `options-nt serve user add admin --scope admin`)",
        flush=True,
    )


def _announce(settings: Any, url: str, stop_line: str | None = None) -> None:
    """Once the server listens: the first run's admin, the bridge's URL, what Ctrl-C does
    (``stop_line``, with a node) and the warnings."""
    from nautilus_options.bridge.security.store import CREDENTIALS_FILE, CredentialStore

    _first_run(settings)
    store = CredentialStore(settings.state_dir / CREDENTIALS_FILE)
    print(
        f"options-nt serve: bridge at {url}/api/v1 ({settings.environment}); "
        f"API docs {url}/api/v1/docs; Ctrl-C stops",
        flush=True,
    )
    if settings.ui_dir is not None:
        print(f"options-nt serve: trader interface at {url}/ (one user, loopback)", flush=True)
    if stop_line is not None:
        print(stop_line, flush=True)
    for warning in settings.unsafe(store.has_users):
        print(f"options-nt serve: WARNING: {warning}", file=sys.stderr, flush=True)


def _run(args: argparse.Namespace) -> int:
    if args.live:
        return _run_live(args)
    if args.results is not None and not args.paper:
        return _run_results(args)
    return _run_paper(args)


def _run_results(args: argparse.Namespace) -> int:
    from nautilus_options.bridge.app import create_app
    from nautilus_options.bridge.server import BridgeServer

    settings = _bridge_settings(args, "backtest")
    server = BridgeServer(create_app(settings), args.host, args.port, args.certfile, args.keyfile)
    server.start()
    _announce(settings, server.url)
    stop = threading.Event()
    try:
        stop.wait()
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
    if args.json:
        print(json.dumps({"url": server.url, "environment": settings.environment}))
    return 0


def _run_paper(args: argparse.Namespace) -> int:
    from nautilus_options.cli.node import check_kill_file
    from nautilus_options.cli.paper import _settings as paper_settings
    from nautilus_options.environments.outputs import prepare_out_dir
    from nautilus_options.environments.paper import (
        build_paper_config,
        login_simulator,
        start_simulator,
        with_simulator,
    )
    from nautilus_options.environments.serve import with_bridge

    settings = paper_settings(args)
    check_kill_file(settings.node.kill_file)
    out_dir = prepare_out_dir(settings.backtest.out or f"out/serve-{_stamp()}")
    simulator = None
    if settings.paper.url is None:
        simulator = start_simulator(settings)
        settings = with_simulator(settings, simulator)
    try:
        token = login_simulator(settings.paper, out_dir / "paper-token.json")
        config = with_bridge(build_paper_config(settings, out_dir, token))
        print(
            f"options-nt serve: paper, {settings.paper.market} market on the simulator at "
            f"{settings.paper.url} (session {settings.paper.session}); outputs in {out_dir}",
            flush=True,
        )
        return _serve_node(args, config, out_dir, settings, "paper", settings.paper.session)
    finally:
        if simulator is not None:
            simulator.stop()


def _run_live(args: argparse.Namespace) -> int:
    from nautilus_options.cli.live import _settings as live_settings
    from nautilus_options.cli.node import check_kill_file
    from nautilus_options.environments.live import (
        build_live_config,
        check_live_start,
        run_preflight,
    )
    from nautilus_options.environments.outputs import prepare_out_dir
    from nautilus_options.environments.serve import with_bridge

    settings = live_settings(args)
    credentials = check_live_start(settings, confirmed=args.confirm_live)
    check_kill_file(settings.node.kill_file)
    checks = run_preflight(settings, credentials)
    for check in checks:
        print(f"  [{'ok' if check.ok else 'FAIL'}] {check.name}: {check.detail}", flush=True)
    failed = [check.name for check in checks if not check.ok]
    if failed:
        print(f"options-nt: error: pre-flight failed ({', '.join(failed)})", file=sys.stderr)
        return 2
    out_dir = prepare_out_dir(settings.backtest.out or f"out/serve-live-{_stamp()}")
    config = with_bridge(build_live_config(settings, out_dir))
    print(f"options-nt serve: LIVE on {settings.live.rest_url or 'Kite'}; outputs in {out_dir}")
    return _serve_node(args, config, out_dir, settings, "live", settings.live.session)


def _serve_node(
    args: argparse.Namespace,
    config: Any,
    out_dir: Path,
    settings: Any,
    environment: str,
    session_kind: str,
) -> int:
    from nautilus_options.cli.node import report_outcome, stop_rules
    from nautilus_options.environments.serve import BridgeRun, run_with_bridge
    from nautilus_options.environments.session import NodeSession

    bridge_settings = _bridge_settings(args, environment)
    stop_line = stop_rules(settings.node.on_stop, settings.node.kill_file)
    session = NodeSession(
        config,
        out_dir,
        initial_capital=settings.backtest.capital.initial_capital,
        on_stop=settings.node.on_stop,
        title=f"options-nt serve ({environment})",
    )
    bridge = BridgeRun(
        bridge_settings,
        session_kind,
        args.certfile,
        args.keyfile,
        on_serving=lambda url: _announce(bridge_settings, url, stop_line),
    )
    outcome = run_with_bridge(session, bridge)
    return report_outcome("options-nt serve", outcome, args.json)


def _stamp() -> str:
    return f"{datetime.now(UTC):%Y%m%d-%H%M%S}"


# -- users and tokens ----------------------------------------------------------------------


def _store(args: argparse.Namespace) -> Any:
    from nautilus_options.bridge.security.store import CREDENTIALS_FILE, CredentialStore

    return CredentialStore(args.state_dir / CREDENTIALS_FILE)


def _os_user() -> str:
    try:
        return getpass.getuser()
    except OSError:  # no name for the uid (a container)
        return f"uid:{os.getuid()}"


def _audit(state_dir: Path, action: str, code: int, **detail: Any) -> None:
    """Append a change made on the command line to the audit log (``status``: exit code)."""
    from nautilus_options.bridge.audit import AUDIT_FILE, AuditLog

    AuditLog(state_dir / AUDIT_FILE).record(
        subject=_os_user(),
        client=CLI_CLIENT,
        action=action,
        result="ok" if code == 0 else "refused",
        status=code,
        detail=detail,
    )


def _ttl(text: str) -> timedelta | None:
    """``--expires``: ``30d``, ``12h`` or ``never`` (None)."""
    if text == "never":
        return None
    match = re.fullmatch(r"([1-9][0-9]{0,4})([dh])", text)
    if match is None:
        raise argparse.ArgumentTypeError(f"{text!r}: expected e.g. 30d, 12h or never")
    return timedelta(**{_TTL_UNITS[match[2]]: int(match[1])})


def _token_state(token: Any, now: datetime) -> str:
    if token.revoked:
        return f"revoked {token.revoked}"
    if token.expires is None:
        return "active, never expires"
    return f"{'expired' if token.expired(now) else 'active, expires'} {token.expires}"


def _user(args: argparse.Namespace) -> int:
    from nautilus_options.bridge.principal import Scope

    store = _store(args)
    if args.user_action == "list":
        for user in store.users():
            print(f"{user.name}\t{','.join(user.scopes)}\t{user.created}")
        return 0
    if args.user_action == "remove":
        removed = store.remove_user(args.name)
        print(f"user {args.name} {'removed' if removed else 'not found'}")
        _audit(args.state_dir, "user remove", 0 if removed else 1, name=args.name)
        return 0 if removed else 1
    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = getpass.getpass(f"password for {args.name}: ")
        if getpass.getpass("again: ") != password:
            print("options-nt: error: the passwords differ", file=sys.stderr)
            return 2
    existed = any(user.name == args.name for user in store.users())
    store.add_user(args.name, password, (Scope(args.scope),))
    action = "user passwd" if existed else "user add"
    _audit(args.state_dir, action, 0, name=args.name, scope=args.scope)
    print(f"user {args.name} ({args.scope}) saved in {store.path}")
    return 0


def _token(args: argparse.Namespace) -> int:
    from nautilus_options.bridge.principal import Scope

    store = _store(args)
    if args.token_action == "list":
        now = datetime.now(UTC)
        for token in store.tokens():
            state = _token_state(token, now)
            print(f"{token.id}\t{token.name}\t{','.join(token.scopes)}\t{state}")
        return 0
    if args.token_action == "revoke":
        revoked = store.revoke_token(args.id)
        print(f"token {args.id} {'revoked' if revoked else 'not found'}")
        _audit(args.state_dir, "token revoke", 0 if revoked else 1, id=args.id)
        return 0 if revoked else 1
    scopes = tuple(Scope(s) for s in args.scope)
    token, value = store.create_token(args.name or "", scopes, args.expires)
    _audit(
        args.state_dir,
        "token create",
        0,
        id=token.id,
        name=token.name,
        scopes=list(token.scopes),
        expires=token.expires,
    )
    expiry = f"expires {token.expires}" if token.expires else "never expires"
    print(
        f"token {token.id} ({','.join(token.scopes)}, {expiry}), shown only now:",
        file=sys.stderr,
    )
    print(value)
    return 0


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``options-nt serve`` and its ``user`` and ``token`` subcommands."""
    from nautilus_options.cli.node import add_node_options

    parser = subparsers.add_parser(
        "serve",
        help="a node with the REST/WebSocket bridge (paper by default), or backtest results",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    # Given before or after the sub-command; SUPPRESS keeps the sub-command's copy from
    # overwriting the value given before it (`serve --state-dir X user add ...`).
    state = argparse.ArgumentParser(add_help=False)
    state.add_argument(
        "--state-dir",
        type=Path,
        default=argparse.SUPPRESS,
        help=f"credentials and audit log (default {DEFAULT_STATE_DIR})",
    )
    parser.add_argument(
        "--state-dir", type=Path, default=DEFAULT_STATE_DIR, help="credentials and audit log"
    )
    parser.add_argument("--host", default="127.0.0.1", help="address (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8765, help="port (default 8765; 0: any)")
    parser.add_argument(
        "--cors-origin", action="append", help="a browser origin allowed to call (repeatable)"
    )
    parser.add_argument(
        "--trusted-proxy",
        action="append",
        metavar="ADDR",
        help="a proxy whose X-Forwarded-For names the client, e.g. the web server's "
        "127.0.0.1 (repeatable; none by default)",
    )
    parser.add_argument("--certfile", type=Path, help="TLS certificate (with --keyfile)")
    parser.add_argument("--keyfile", type=Path, help="TLS private key")
    parser.add_argument("--results", type=Path, help="folder of backtest results to serve")
    parser.add_argument(
        "--ui",
        nargs="?",
        const="",
        metavar="DIR",
        help="serve the built trader interface at / (default DIR: web/ui/dist of this checkout)",
    )
    parser.add_argument(
        "--paper", action="store_true", help="with --results: run the paper node too"
    )
    parser.add_argument("--live", action="store_true", help="trade live on Kite")
    parser.add_argument("--confirm-live", action="store_true", help="confirm trading real money")
    parser.add_argument("--max-lots", type=int, help="cap on lots per spread (live: required)")
    parser.add_argument("--kite", action="store_true", help="paper: price from the Kite feed")
    parser.add_argument("--url", help="paper: trade on a running `options-nt sim` at this URL")
    for flag in ("--rest-url", "--ticker-url", "--api-key", "--token-file"):
        parser.add_argument(flag, help=f"live: as `options-nt live {flag}`")
    parser.add_argument("--session", choices=["nse", "always"], help="live: market hours")
    add_node_options(parser)
    parser.set_defaults(handler=_run)
    actions = parser.add_subparsers(dest="serve_command", metavar="{user,token}")

    user = actions.add_parser("user", help="manage users who log in with a password")
    user_actions = user.add_subparsers(dest="user_action", required=True)
    add = user_actions.add_parser("add", parents=[state], help="add a user or set its password")
    add.add_argument("name")
    add.add_argument(
        "--scope", choices=_SCOPES, default="read", help="default read (the least privilege)"
    )
    add.add_argument("--password-stdin", action="store_true", help="read the password from stdin")
    user_actions.add_parser("list", parents=[state], help="list users")
    remove = user_actions.add_parser("remove", parents=[state], help="remove a user")
    remove.add_argument("name")
    user.set_defaults(handler=_user)

    token = actions.add_parser("token", help="manage API tokens")
    token_actions = token.add_subparsers(dest="token_action", required=True)
    create = token_actions.add_parser("create", parents=[state], help="create a token")
    create.add_argument(
        "--scope", choices=_SCOPES, action="append", required=True, help="repeatable"
    )
    create.add_argument("--name", help="a label")
    create.add_argument(
        "--expires",
        type=_ttl,
        default="90d",
        metavar="30d|12h|never",
        help="lifetime (default 90d; never: no expiry)",
    )
    token_actions.add_parser("list", parents=[state], help="list tokens")
    revoke = token_actions.add_parser("revoke", parents=[state], help="revoke a token")
    revoke.add_argument("id")
    token.set_defaults(handler=_token)
