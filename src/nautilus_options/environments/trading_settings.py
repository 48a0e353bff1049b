"""Settings of a paper or live session: the backtest run file plus named sections.

A run file of ``options-nt paper`` or ``options-nt live`` is a backtest run file (the same
``underlying``, ``strategy``, ``capital``, ``monitor``, ``out`` and ``log_level`` keys,
validated by :func:`~nautilus_options.environments.backtest_settings.settings_from_mapping`)
with three more sections, each used only where it applies::

    node:                       # paper and live: the TradingNode
      redis: redis://127.0.0.1:6379/0
      on_stop: leave            # or flatten: what Ctrl-C does with open spreads
      kill_file: /run/options-nt/KILL
      max_daily_loss: 20000     # INR; the kill switch fires at this loss
      max_lots: 2
    paper:                      # paper only: the local simulator
      market: synthetic         # or replay (with catalog) or kite
      session: always
      faults: none
    live:                       # live only: Kite
      confirm: true
      api_key: abcd1234

Backtest-only keys (``catalog``, ``start``, ``end``, ``venue``, ``data``, ``tearsheet``) are
accepted and ignored by paper and live, and a backtest checks the three sections and skips
them, so one file drives the three environments (the
parity check backtests a paper session with the file it ran with: :attr:`backtest`). A bad
key is reported by its path and the file, as in the backtest (``node.max_lots``).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any, Literal

import msgspec

from nautilus_options.common.config import (
    NonEmptyStr,
    NonNegativeFloat,
    PositiveFloat,
    PositiveInt,
    check_fields,
    decode,
)
from nautilus_options.common.session import SessionKind
from nautilus_options.environments.backtest_settings import (
    NODE_SECTIONS,
    BacktestSettings,
    read_run_file,
    settings_from_mapping,
)
from nautilus_options.errors import ConfigError

__all__ = [
    "LiveSettings",
    "NodeSettings",
    "PaperSettings",
    "TradingSettings",
    "check_sections",
    "load_trading_settings",
    "trading_settings_from_mapping",
]


OnStop = Literal["leave", "flatten"]
"""What stopping the node does with open spreads: leave them at the broker, or close them."""


class NodeSettings(msgspec.Struct, kw_only=True, frozen=True, forbid_unknown_fields=True):
    """The TradingNode of a paper or live session.

    Parameters
    ----------
    trader_id : str, optional
        Nautilus trader id, also the Redis key prefix and the state folder's name: keep it
        across restarts. Default ``OPTIONSNT-PAPER`` in paper and ``OPTIONSNT-LIVE`` in
        live, so the two never share state in one Redis.
        Nautilus trader id (also the Redis key prefix: keep it across restarts).
    redis : str, optional
        ``redis://[user:password@]host:port`` of the cache and state database; a restart
        with the same one picks up where the node stopped. None: in memory only.
    on_stop : {"leave", "flatten"}, default "leave"
        What a clean stop (Ctrl-C) does with open spreads.
    kill_file : str, optional
        The kill switch fires when this file appears (also on SIGUSR1).
    kill_check_secs : float, default 1.0
        How often the kill file and the daily loss are checked.
    max_daily_loss : float, optional
        INR lost today (realized plus open) at which the kill switch fires.
    max_lots : int, optional
        Cap on lots per spread (given to the strategy and the capital manager).
    expiries : int, default 1
        Nearest expiries of the chain loaded by the clients.
    strikes_each_side : int, default 15
        Strikes either side of the money loaded by the clients.
    log_max_mb : float, default 50
        Size at which ``nautilus.log`` rotates.
    log_backups : int, default 10
        Rotated log files kept.
    record : str, optional
        Catalog folder to record every quote and trade the data client receives into (a
        ``ParquetDataCatalog``; ``options-nt backtest --catalog <folder>`` replays it).
    state_dir : str, optional
        The execution client's state (its order journal); keep it across restarts. Default
        ``$XDG_STATE_HOME/options-nt/<trader id>`` (``~/.local/state``).
    """

    trader_id: Annotated[str, msgspec.Meta(pattern=r"^[ -~]+-[^-]+$")] | None = None
    redis: NonEmptyStr | None = None
    on_stop: OnStop = "leave"
    kill_file: NonEmptyStr | None = None
    kill_check_secs: PositiveFloat = 1.0
    max_daily_loss: PositiveFloat | None = None
    max_lots: PositiveInt | None = None
    expiries: PositiveInt = 1
    strikes_each_side: PositiveInt = 15
    log_max_mb: PositiveFloat = 50.0
    log_backups: PositiveInt = 10
    record: NonEmptyStr | None = None
    state_dir: NonEmptyStr | None = None

    def __post_init__(self) -> None:
        check_fields(self)

    def trader(self, environment: str) -> str:
        """The trader id in ``environment`` (see ``trader_id``)."""
        return self.trader_id or f"OPTIONSNT-{environment.upper()}"

    def state_path(self, environment: str) -> Path:
        """The execution client's state folder in ``environment`` (see ``state_dir``)."""
        if self.state_dir is not None:
            return Path(self.state_dir).expanduser()
        base = os.environ.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
        return Path(base) / "options-nt" / self.trader(environment)


class PaperSettings(msgspec.Struct, kw_only=True, frozen=True, forbid_unknown_fields=True):
    """The local simulator a paper session trades on.

    Parameters
    ----------
    url : str, optional
        A running simulator (``options-nt sim``) to trade on; None starts one in-process.
    ws_url : str, optional
        Its ticker root (default: ``url`` with ``ws://``).
    market : {"synthetic", "replay", "kite"}, default "synthetic"
        Prices of the in-process simulator: live synthetic, a replayed catalog, or the real
        Kite feed (fills stay simulated).
    catalog : str, optional
        Catalog replayed by ``market="replay"``.
    speed : float, default 1.0
        Replay speed.
    session : {"nse", "always"}, default "always"
        The simulator's market hours, followed by the strategy's and monitor's timers.
    faults : str, default "none"
        Fault profile of the simulator (``options-nt sim --faults``).
    tick_interval : float, default 1.0
        Seconds between the simulator's market steps.
    seed : int, default 7
        Seed of the synthetic market.
    state_file : str, optional
        The in-process simulator's state file (orders and positions survive its restarts).
        Default with ``node.redis``: ``simulator.json`` in the paper state folder, so the
        broker remembers what the node's Redis does.
    api_key, api_secret : str
        The simulator's app credentials.
    """

    url: NonEmptyStr | None = None
    ws_url: NonEmptyStr | None = None
    market: Literal["synthetic", "replay", "kite"] = "synthetic"
    catalog: str | None = None
    speed: PositiveFloat = 1.0
    session: SessionKind = "always"
    faults: str = "none"
    tick_interval: PositiveFloat = 1.0
    seed: int = 7
    state_file: str | None = None
    api_key: NonEmptyStr = "sim_api_key"
    api_secret: NonEmptyStr = "sim_api_secret"

    def __post_init__(self) -> None:
        check_fields(self)
        for key in ("url", "ws_url"):
            value = getattr(self, key)
            schemes = ("http://", "https://") if key == "url" else ("ws://", "wss://")
            if value is not None and not value.startswith(schemes):
                allowed = " or ".join(schemes)
                raise ConfigError(key, f"{value!r} must start with {allowed}")


class LiveSettings(msgspec.Struct, kw_only=True, frozen=True, forbid_unknown_fields=True):
    """Kite, for a live session.

    Parameters
    ----------
    confirm : bool, default False
        The explicit confirmation to trade real money (or ``--confirm-live``).
    rest_url, ticker_url : str, optional
        Kite's roots (default Kite's; a simulator's for rehearsals and tests).
    api_key : str, optional
        The app's API key; else ``$KITE_API_KEY`` or the token file.
    token_file : str, optional
        The token file written by ``options-nt kite login``.
    token_provider : str, optional
        ``"module:callable"`` renewing the token (see the adapter guide).
    session : {"nse", "always"}, default "nse"
        Market hours of the timers (``always`` only against a simulator).
    min_free_margin : float, default 0
        Pre-flight: INR of free margin required before trading.
    """

    confirm: bool = False
    rest_url: NonEmptyStr | None = None
    ticker_url: NonEmptyStr | None = None
    api_key: NonEmptyStr | None = None
    token_file: NonEmptyStr | None = None
    token_provider: NonEmptyStr | None = None
    session: SessionKind = "nse"
    min_free_margin: NonNegativeFloat = 0.0

    def __post_init__(self) -> None:
        check_fields(self)


class _Sections(msgspec.Struct, kw_only=True, frozen=True, forbid_unknown_fields=True):
    node: NodeSettings = msgspec.field(default_factory=NodeSettings)
    paper: PaperSettings = msgspec.field(default_factory=PaperSettings)
    live: LiveSettings = msgspec.field(default_factory=LiveSettings)


class TradingSettings(msgspec.Struct, kw_only=True, frozen=True):
    """Everything that defines a paper or live session.

    Attributes
    ----------
    backtest : nautilus_options.environments.backtest_settings.BacktestSettings
        The run file's backtest part: ``strategy``, ``capital``, ``monitor``, ``out``,
        ``underlying``, ``log_level`` (and the backtest-only keys, unused here).
    node, paper, live : NodeSettings, PaperSettings, LiveSettings
        The named sections.
    """

    backtest: BacktestSettings = msgspec.field(default_factory=BacktestSettings)
    node: NodeSettings = msgspec.field(default_factory=NodeSettings)
    paper: PaperSettings = msgspec.field(default_factory=PaperSettings)
    live: LiveSettings = msgspec.field(default_factory=LiveSettings)


def check_sections(sections: Mapping[str, Any], source: str) -> _Sections:
    """Validate the ``node``, ``paper`` and ``live`` sections (bad keys named with ``source``)."""
    return decode(dict(sections), _Sections, source)


def trading_settings_from_mapping(
    data: Mapping[str, Any], source: str = "settings", **overrides: Any
) -> TradingSettings:
    """Build :class:`TradingSettings` from plain data (as read from a run file).

    Keyword ``overrides`` that are not None replace top-level backtest keys (``out``,
    ``log_level``); the sections are given in ``data``.

    Raises
    ------
    ConfigError
        If a key is unknown or invalid, naming it (``section.key``) and ``source``.
    """
    named = check_sections(
        {key: data[key] for key in NODE_SECTIONS if data.get(key) is not None}, source
    )
    rest = {key: value for key, value in data.items() if key not in NODE_SECTIONS}
    return TradingSettings(
        backtest=settings_from_mapping(rest, source, **overrides),
        node=named.node,
        paper=named.paper,
        live=named.live,
    )


def load_trading_settings(path: str | Path, **overrides: Any) -> TradingSettings:
    """Read a run file (``.json``, ``.yaml`` or ``.yml``) into :class:`TradingSettings`.

    Raises
    ------
    ConfigError
        If the file cannot be read or parsed, or a key is unknown or invalid; the error
        names the key (``section.key``) and the file.
    """
    return trading_settings_from_mapping(read_run_file(path), source=str(path), **overrides)
