"""Paper environment: the node's Zerodha clients against the local simulator (a paper broker).

Paper runs the live client code unchanged: only the URL and the credentials differ from live
(DESIGN.md §7). The simulator is either one already running (``paper.url``, e.g.
``options-nt sim``) or one started in-process (:func:`start_simulator`), whose market is live
synthetic (the default), a replayed catalog, or the real Kite feed (fills simulated)::

    from nautilus_options.environments.paper import (
        build_paper_config, login_simulator, start_simulator, with_simulator)

    sim = start_simulator(settings)                 # or settings.paper.url set
    settings = with_simulator(settings, sim)
    login_simulator(settings.paper, token_file)     # a session at the simulator
    config = build_paper_config(settings, out_dir, token_file)   # a plain TradingNodeConfig

The strategy and the monitor follow the simulator's session (``paper.session``, ``always``
by default: demos and tests at any hour).
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import msgspec
from nautilus_trader.config import TradingNodeConfig

from nautilus_options.adapters.zerodha.common.credentials import load_credentials, write_token_file
from nautilus_options.adapters.zerodha.session import exchange_request_token
from nautilus_options.environments.trading import KiteEndpoint, build_trading_config
from nautilus_options.environments.trading_settings import PaperSettings, TradingSettings
from nautilus_options.errors import ConfigError
from nautilus_options.simulator import KiteSimulator, SimulatorConfig, parse_profile

__all__ = [
    "DEMO_SETTINGS",
    "TOKEN_FILE_NAME",
    "build_paper_config",
    "login_simulator",
    "paper_endpoint",
    "start_simulator",
    "with_simulator",
]

#: The simulator session's token file, in the output folder.
TOKEN_FILE_NAME = "paper-token.json"
#: The no-argument demo (``options-nt paper``): a run file's sections that make a first
#: spread open within about two minutes at any hour (the simulator's ``always`` session
#: opens the entry windows; the nearest expiry even on its last day; checks every 5 s).
DEMO_SETTINGS: dict[str, Any] = {
    "strategy": {"exit_check_interval_secs": 5, "min_days_to_expiry": 0},
    "monitor": {"interval_secs": 5.0},
    "log_level": "INFO",
}
#: The in-process simulator's state file in the paper state folder (with Redis).
SIMULATOR_STATE_NAME = "simulator.json"
#: Rate allowances against the local simulator (its own limits still apply).
PAPER_RATE_SCALE = 1.0


def start_simulator(settings: TradingSettings, port: int = 0) -> KiteSimulator:
    """Start the in-process simulator of ``settings.paper`` (loopback, ``port`` 0: any).

    It lists the chain the node loads (the run's underlying, ``node.expiries``, one strike
    more than ``node.strikes_each_side`` each side) and opens the account with the capital
    manager's ``initial_capital``. ``paper.market="kite"`` takes the Kite credentials of
    ``options-nt kite login`` (or ``$KITE_API_KEY`` / ``$KITE_ACCESS_TOKEN``).

    Raises
    ------
    ConfigError
        For a bad market (a replay without catalog, Kite without credentials).
    """
    paper, node = settings.paper, settings.node
    kite: dict[str, str] = {}
    if paper.market == "kite":
        credentials = load_credentials(settings.live.api_key, settings.live.token_file)
        if credentials.access_token is None:
            raise ConfigError("paper.market", "kite needs a token: run `options-nt kite login`")
        kite = {
            "kite_api_key": credentials.api_key,
            "kite_access_token": credentials.access_token.reveal(),
        }
    config = SimulatorConfig(
        port=port,
        api_key=paper.api_key,
        api_secret=paper.api_secret,
        market=paper.market,
        catalog=Path(paper.catalog) if paper.catalog else None,
        speed=paper.speed,
        session=paper.session,
        underlyings=(settings.backtest.underlying,),
        expiries=node.expiries,
        strikes_each_side=node.strikes_each_side + 1,
        seed=paper.seed,
        tick_interval=paper.tick_interval,
        opening_balance=settings.backtest.capital.initial_capital,
        faults=parse_profile(paper.faults),
        state_file=simulator_state_file(settings),
        **kite,  # type: ignore[arg-type]
    )
    return KiteSimulator(config).start()


def simulator_state_file(settings: TradingSettings) -> Path | None:
    """The in-process simulator's state file: ``paper.state_file``, else, with ``node.redis``,
    ``simulator.json`` in the paper state folder (the broker must remember what the node's
    Redis does, or a restart would take over spreads the fresh broker never had)."""
    if settings.paper.state_file:
        return Path(settings.paper.state_file).expanduser()
    if settings.node.redis:
        return settings.node.state_path("paper") / SIMULATOR_STATE_NAME
    return None


def with_simulator(settings: TradingSettings, simulator: KiteSimulator) -> TradingSettings:
    """``settings`` with ``paper`` pointing at ``simulator`` (URLs and app credentials)."""
    paper = msgspec.structs.replace(
        settings.paper,
        url=simulator.url,
        ws_url=simulator.ws_url,
        api_key=simulator.api_key,
        api_secret=simulator.api_secret,
    )
    return msgspec.structs.replace(settings, paper=paper)


def login_simulator(paper: PaperSettings, token_file: Path) -> Path:
    """Open a session at the simulator of ``paper`` and store it in ``token_file`` (0600).

    The simulator needs no browser login: any request token is exchanged with the app's
    checksum, as ``options-nt kite login`` does against Kite.
    """
    url = _url(paper)
    session = asyncio.run(
        exchange_request_token(url, paper.api_key, paper.api_secret, "paper-session")
    )
    write_token_file(token_file, {"api_key": paper.api_key, **session})
    return token_file


def paper_endpoint(paper: PaperSettings, token_file: Path) -> KiteEndpoint:
    """The Zerodha clients' connection to the simulator of ``paper``."""
    url = _url(paper)
    ws_url = paper.ws_url or url.replace("http", "ws", 1)
    return KiteEndpoint(
        rest_url=url,
        ticker_url=ws_url,
        api_key=paper.api_key,
        token_file=str(token_file),
        rate_limit_scale=PAPER_RATE_SCALE,
    )


def build_paper_config(
    settings: TradingSettings, out_dir: Path | None = None, token_file: Path | None = None
) -> TradingNodeConfig:
    """The ``TradingNodeConfig`` of a paper session on the simulator at ``paper.url``.

    See :func:`~nautilus_options.environments.trading.build_trading_config` for the stack;
    the timers follow ``paper.session``.

    Parameters
    ----------
    settings : TradingSettings
        What to run; ``paper.url`` names the simulator (:func:`with_simulator`).
    out_dir : Path, optional
        Output folder (streams, log, client state); None: memory and terminal.
    token_file : Path, optional
        The session's token file (:func:`login_simulator`); default
        ``<out_dir>/paper-token.json``.

    Raises
    ------
    ConfigError
        If no simulator URL is set, or a setting is invalid.
    """
    if token_file is None:
        token_file = (out_dir or Path.cwd()) / TOKEN_FILE_NAME
    return build_trading_config(
        settings,
        paper_endpoint(settings.paper, token_file),
        session=settings.paper.session,
        out_dir=out_dir,
        environment="paper",
    )


def _url(paper: PaperSettings) -> str:
    if paper.url is None:
        raise ConfigError("paper.url", "no simulator: start one (start_simulator) or give its URL")
    return paper.url
