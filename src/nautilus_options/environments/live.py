"""Live environment: the node's Zerodha clients against Kite, behind refusals and pre-flight.

A live session starts only when :func:`check_live_start` passes (credentials, an explicit
confirmation, risk limits), and places no order before every :func:`run_preflight` check
passes (token valid, margins available, instruments loaded, market session open, no
unknown positions held). :func:`build_live_config` returns a plain ``TradingNodeConfig``
(the stack of :mod:`nautilus_options.environments.trading`); the timers follow the NSE
calendar (``live.session``). A rehearsal points ``live.rest_url`` / ``live.ticker_url`` at
a simulator, whose credentials it then uses.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from nautilus_trader.config import TradingNodeConfig

from nautilus_options.adapters.zerodha.common.credentials import KiteCredentials, load_credentials
from nautilus_options.adapters.zerodha.constants import KITE_REST_URL, KITE_TICKER_URL
from nautilus_options.adapters.zerodha.journal import OrderJournal
from nautilus_options.domain.nse import next_session
from nautilus_options.environments.trading import KiteEndpoint, build_trading_config
from nautilus_options.environments.trading_settings import TradingSettings
from nautilus_options.errors import ConfigError

__all__ = [
    "PreflightCheck",
    "build_live_config",
    "check_live_start",
    "live_endpoint",
    "run_preflight",
]

_HEADERS = {"X-Kite-Version": "3"}


@dataclass(frozen=True)
class PreflightCheck:
    """One pre-flight check: its ``name``, whether it passed, and what was seen."""

    name: str
    ok: bool
    detail: str


def live_endpoint(settings: TradingSettings) -> KiteEndpoint:
    """The Zerodha clients' connection to Kite (or to ``live.rest_url``)."""
    live = settings.live
    return KiteEndpoint(
        rest_url=live.rest_url or KITE_REST_URL,
        ticker_url=live.ticker_url or KITE_TICKER_URL,
        api_key=live.api_key,
        token_file=live.token_file,
        token_provider=live.token_provider,
    )


def check_live_start(settings: TradingSettings, confirmed: bool = False) -> KiteCredentials:
    """Refuse a live start without credentials, confirmation or risk limits.

    Parameters
    ----------
    settings : TradingSettings
        What to run.
    confirmed : bool
        ``--confirm-live`` was given (``live.confirm`` counts too).

    Returns
    -------
    KiteCredentials
        The credentials found.

    Raises
    ------
    ConfigError
        The first refusal, in one line.
    """
    live = settings.live
    try:
        credentials = load_credentials(live.api_key, live.token_file)
    except ConfigError as exc:
        raise ConfigError("live", f"no credentials: {exc}") from None
    if credentials.access_token is None:
        raise ConfigError(
            "live", "no access token: run `options-nt kite login` or set $KITE_ACCESS_TOKEN"
        )
    if not (confirmed or live.confirm):
        raise ConfigError(
            "live", "real orders need an explicit confirmation: --confirm-live or live.confirm"
        )
    missing = [key for key in ("max_daily_loss", "max_lots") if getattr(settings.node, key) is None]
    if missing:
        keys = " and ".join(f"node.{key}" for key in missing)
        raise ConfigError("live", f"risk limits are required: set {keys} (or the options)")
    return credentials


def run_preflight(
    settings: TradingSettings,
    credentials: KiteCredentials,
    now_ns: int | None = None,
    known_positions: Callable[[str], bool] | None = None,
) -> list[PreflightCheck]:
    """Check the account before any order; every check runs, each reports what it saw.

    Checks: the token is valid (``/user/profile``); the free margin is at least
    ``live.min_free_margin`` and positive (``/user/margins``); the run's option chain is
    listed (``/instruments/NFO``); the market session is open (``live.session``); no
    position is held that ``known_positions(tradingsymbol)`` does not recognise. By default
    a position is known when this node traded its symbol: the order journal in
    ``node.state_dir`` has an order for it (a restart finds its own spreads held).
    """
    if known_positions is None:
        known_positions = OrderJournal(settings.node.state_path("live")).symbols().__contains__
    endpoint = live_endpoint(settings)
    token = credentials.access_token.reveal() if credentials.access_token else ""
    headers = {**_HEADERS, "Authorization": f"token {credentials.api_key}:{token}"}
    now = time.time_ns() if now_ns is None else now_ns
    with httpx.Client(base_url=endpoint.rest_url, headers=headers, timeout=10.0) as client:
        profile = _get(client, "/user/profile")
        checks = [_token_check(profile)]
        if not checks[0].ok:
            return checks  # nothing else can be asked
        checks.append(_margin_check(_get(client, "/user/margins"), settings.live.min_free_margin))
        checks.append(_instruments_check(client, settings.backtest.underlying))
        checks.append(_session_check(settings.live.session, now))
        checks.append(_positions_check(_get(client, "/portfolio/positions"), known_positions))
    return checks


def build_live_config(settings: TradingSettings, out_dir: Path | None = None) -> TradingNodeConfig:
    """The ``TradingNodeConfig`` of a live session (see :mod:`.trading`); timers follow
    ``live.session`` (NSE)."""
    return build_trading_config(
        settings,
        live_endpoint(settings),
        session=settings.live.session,
        out_dir=out_dir,
        environment="live",
    )


def _get(client: httpx.Client, path: str) -> dict[str, Any]:
    """Kite's JSON envelope of ``GET path`` (``status``/``data`` or ``message``)."""
    try:
        answer = client.get(path)
        body: dict[str, Any] = answer.json()
    except (httpx.HTTPError, ValueError) as exc:
        return {"status": "error", "message": f"{type(exc).__name__}: {exc}"}
    return body


def _token_check(body: dict[str, Any]) -> PreflightCheck:
    if body.get("status") != "success":
        return PreflightCheck("token valid", False, str(body.get("message", "refused")))
    return PreflightCheck("token valid", True, f"user {body['data'].get('user_id', '?')}")


def _margin_check(body: dict[str, Any], minimum: float) -> PreflightCheck:
    if body.get("status") != "success":
        return PreflightCheck("margins available", False, str(body.get("message")))
    equity = body["data"].get("equity", {})
    free = float(equity.get("net", 0.0))
    ok = free > 0 and free >= minimum
    return PreflightCheck("margins available", ok, f"free {free:,.0f} INR (min {minimum:,.0f})")


def _instruments_check(client: httpx.Client, underlying: str) -> PreflightCheck:
    try:
        answer = client.get("/instruments/NFO")
        lines = answer.text.splitlines() if answer.status_code == 200 else []
    except httpx.HTTPError as exc:
        return PreflightCheck("instruments loaded", False, type(exc).__name__)
    options = sum(
        1 for line in lines[1:] if f',"{underlying}"' in line or f",{underlying}," in line
    )
    return PreflightCheck("instruments loaded", options > 0, f"{options} {underlying} contracts")


def _session_check(session: str, now_ns: int) -> PreflightCheck:
    if session == "always":
        return PreflightCheck("market session open", True, "always open (simulator session)")
    open_ns, close_ns = next_session(now_ns)
    ok = open_ns <= now_ns <= close_ns
    return PreflightCheck("market session open", ok, "NSE open" if ok else "NSE closed")


def _positions_check(body: dict[str, Any], known: Callable[[str], bool]) -> PreflightCheck:
    if body.get("status") != "success":
        return PreflightCheck("no unknown positions", False, str(body.get("message")))
    rows = [row for row in body["data"].get("net", []) if int(row.get("quantity", 0)) != 0]
    unknown = [
        f"{row['tradingsymbol']} {row['quantity']:+d}"
        for row in rows
        if not known(str(row["tradingsymbol"]))
    ]
    own = len(rows) - len(unknown)
    if unknown:
        detail = "held: " + ", ".join(unknown)
    else:
        detail = f"none ({own} held by this node, taken over at start)" if own else "none held"
    return PreflightCheck("no unknown positions", not unknown, detail)
