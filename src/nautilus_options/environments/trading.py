"""The ``TradingNodeConfig`` shared by paper and live: Zerodha clients and the full stack.

Paper and live differ only in where the Zerodha clients connect (:class:`KiteEndpoint`) and
in the market hours followed (``session``). Every component is referenced by import path,
so :func:`build_trading_config` returns a plain ``TradingNodeConfig``:

================================ =========================================================
component                        settings
================================ =========================================================
``ZERODHA`` data and exec client the chain of ``underlying`` (``node.expiries``,
                                 ``node.strikes_each_side``), reconciliation on
:class:`RunRecorder`             streams to the output folder (first, hears every event)
:class:`CapitalManager`          ``capital`` (``node.max_lots`` caps lots)
:class:`SpreadMonitor`           ``monitor``, the session
:class:`OptionsSpreadStrategy`   ``strategy`` with ``margin_source="venue"`` (unless
                                 ``off``), Kite's settlement recogniser, the session
:class:`KillSwitch`              ``node.kill_file``, ``node.max_daily_loss``
================================ =========================================================

Logs go to ``<out>/nautilus.log``, rotated at ``node.log_max_mb``; every live engine has
``graceful_shutdown_on_exception=True``. With ``node.redis`` the cache and the components'
state are kept in Redis (``load_state`` / ``save_state``), so a restart picks up where the
node stopped.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import msgspec
from nautilus_trader.cache.config import CacheConfig
from nautilus_trader.common.config import (
    DatabaseConfig,
    ImportableConfig,
    ImportableFactoryConfig,
    LoggingConfig,
    NautilusConfig,
)
from nautilus_trader.config import (
    ImportableActorConfig,
    ImportableStrategyConfig,
    LiveDataEngineConfig,
    LiveExecEngineConfig,
    LiveRiskEngineConfig,
    TradingNodeConfig,
)

from nautilus_options.common.session import SessionKind
from nautilus_options.environments.backtest import (
    CACHE_TICKS,
    CAPITAL_CONFIG_PATH,
    CAPITAL_PATH,
    MONITOR_CONFIG_PATH,
    MONITOR_PATH,
    RECORDER_CONFIG_PATH,
    RECORDER_ID,
    RECORDER_PATH,
    STRATEGY_CONFIG_PATH,
    STRATEGY_PATH,
)
from nautilus_options.environments.outputs import LOG_NAME
from nautilus_options.environments.recording import market_recorder_config
from nautilus_options.environments.trading_settings import TradingSettings
from nautilus_options.errors import ConfigError

__all__ = [
    "ADAPTER",
    "CLIENT_ID",
    "KILL_SWITCH_ID",
    "KITE_SETTLEMENT",
    "KiteEndpoint",
    "build_trading_config",
]

#: The Zerodha adapter's package, as used in the import paths.
ADAPTER = "nautilus_options.adapters.zerodha"
#: Client id of the data and execution clients.
CLIENT_ID = "ZERODHA"
#: Kite's expiry-settlement recogniser (the adapter reports settlement as fills).
KITE_SETTLEMENT = f"{ADAPTER}.settlement:recognize_kite"
KILL_SWITCH_PATH = "nautilus_options.environments.killswitch:KillSwitch"
KILL_SWITCH_CONFIG_PATH = "nautilus_options.environments.killswitch:KillSwitchConfig"
#: Strategy id of the kill switch.
KILL_SWITCH_ID = "KillSwitch-KILL"


@dataclass(frozen=True)
class KiteEndpoint:
    """Where the node's Zerodha clients connect, and how they sign in.

    Attributes
    ----------
    rest_url, ticker_url : str
        Kite's roots, or a simulator's.
    api_key, token_file, token_provider : str, optional
        Credentials sources (see the adapter's ``KiteConnectionConfig``).
    rate_limit_scale : float
        Multiplies Kite's rate allowances (1 against Kite).
    """

    rest_url: str
    ticker_url: str
    api_key: str | None = None
    token_file: str | None = None
    token_provider: str | None = None
    rate_limit_scale: float = 1.0

    def kite_config(self) -> dict[str, Any]:
        """The clients' ``kite`` section."""
        values: dict[str, Any] = {
            "rest_url": self.rest_url,
            "ticker_url": self.ticker_url,
            "rate_limit_scale": self.rate_limit_scale,
        }
        for key in ("api_key", "token_file", "token_provider"):
            if (value := getattr(self, key)) is not None:
                values[key] = value
        return values


def build_trading_config(
    settings: TradingSettings,
    endpoint: KiteEndpoint,
    *,
    session: SessionKind,
    out_dir: Path | None,
    environment: str = "paper",
) -> TradingNodeConfig:
    """The ``TradingNodeConfig`` of a paper or live session (see the module docstring).

    Parameters
    ----------
    settings : TradingSettings
        What to run.
    endpoint : KiteEndpoint
        Where the Zerodha clients connect.
    session : {"nse", "always"}
        Market hours of the strategy's and the monitor's timers.
    out_dir : Path, optional
        The recorder's streams and the log go there; None keeps rows in memory and logs to
        the terminal. The execution client's state goes to ``node.state_dir``.
    environment : str
        Name of the environment (in the node's instance state folder and logs).

    Raises
    ------
    ConfigError
        If ``node.redis`` is not a ``redis://`` URL.
    """
    node, run = settings.node, settings.backtest
    recognizers = _with_kite(run.strategy.settlement_recognizers)
    strategy = msgspec.structs.replace(
        run.strategy,
        margin_source="off" if run.strategy.margin_source == "off" else "venue",
        settlement_recognizers=recognizers,
        session=session,
        max_lots=node.max_lots or run.strategy.max_lots,
    )
    capital = msgspec.structs.replace(
        run.capital,
        settlement_recognizers=_with_kite(run.capital.settlement_recognizers),
        max_lots=node.max_lots or run.capital.max_lots,
    )
    monitor = msgspec.structs.replace(
        run.monitor,
        settlement_recognizers=_with_kite(run.monitor.settlement_recognizers),
        session=session,
    )
    selection = {
        "underlyings": [run.underlying],
        "expiries": node.expiries,
        "strikes_each_side": node.strikes_each_side,
    }
    kite = endpoint.kite_config()
    state_dir = str(node.state_path(environment))
    redis = _redis(node.redis)
    return TradingNodeConfig(
        trader_id=node.trader(environment),
        logging=_logging(run.log_level, out_dir, node.log_max_mb, node.log_backups),
        cache=CacheConfig(
            database=redis,
            encoding="msgpack",
            buffer_interval_ms=None,
            persist_account_events=True,
            flush_on_start=False,
            tick_capacity=CACHE_TICKS,
            bar_capacity=CACHE_TICKS,
        ),
        load_state=redis is not None,
        save_state=redis is not None,
        data_engine=LiveDataEngineConfig(graceful_shutdown_on_exception=True),
        risk_engine=LiveRiskEngineConfig(graceful_shutdown_on_exception=True),
        exec_engine=LiveExecEngineConfig(reconciliation=True, graceful_shutdown_on_exception=True),
        data_clients={
            CLIENT_ID: ImportableConfig(
                path=f"{ADAPTER}:ZerodhaDataClientConfig",
                factory=ImportableFactoryConfig(path=f"{ADAPTER}:ZerodhaLiveDataClientFactory"),
                config={"kite": kite, **selection},
            )
        },
        exec_clients={
            CLIENT_ID: ImportableConfig(
                path=f"{ADAPTER}:ZerodhaExecClientConfig",
                factory=ImportableFactoryConfig(path=f"{ADAPTER}:ZerodhaLiveExecClientFactory"),
                config={"kite": kite, **selection, "state_dir": state_dir},
            )
        },
        actors=[
            *([] if node.record is None else [market_recorder_config(node.record)]),
            ImportableActorConfig(
                actor_path=RECORDER_PATH,
                config_path=RECORDER_CONFIG_PATH,
                config={
                    "component_id": RECORDER_ID,
                    "stream_dir": None if out_dir is None else str(out_dir),
                },
            ),
            _actor(CAPITAL_PATH, CAPITAL_CONFIG_PATH, capital),
            _actor(MONITOR_PATH, MONITOR_CONFIG_PATH, monitor),
        ],
        strategies=[
            ImportableStrategyConfig(
                strategy_path=STRATEGY_PATH,
                config_path=STRATEGY_CONFIG_PATH,
                config=_values(strategy),
            ),
            ImportableStrategyConfig(
                strategy_path=KILL_SWITCH_PATH,
                config_path=KILL_SWITCH_CONFIG_PATH,
                config={
                    "order_id_tag": KILL_SWITCH_ID.split("-")[1],
                    "oms_type": "HEDGING",
                    "kill_file": node.kill_file,
                    "check_interval_secs": node.kill_check_secs,
                    "max_daily_loss": node.max_daily_loss,
                },
            ),
        ],
        timeout_connection=60.0,
        timeout_reconciliation=30.0,
        timeout_portfolio=10.0,
        timeout_disconnection=10.0,
        timeout_post_stop=2.0,
    )


def _with_kite(recognizers: tuple[str, ...]) -> tuple[str, ...]:
    return recognizers if KITE_SETTLEMENT in recognizers else (*recognizers, KITE_SETTLEMENT)


def _actor(path: str, config_path: str, config: NautilusConfig) -> ImportableActorConfig:
    return ImportableActorConfig(actor_path=path, config_path=config_path, config=_values(config))


def _values(config: NautilusConfig) -> dict[str, Any]:
    """The fields of ``config`` as plain data, for an ``Importable*Config``."""
    values: dict[str, Any] = msgspec.json.decode(config.json())
    return values


def _redis(url: str | None) -> DatabaseConfig | None:
    """The cache database of ``redis://[user:password@]host[:port]`` (``rediss://``: TLS)."""
    if url is None:
        return None
    parsed = urlparse(url)
    if parsed.scheme not in ("redis", "rediss") or not parsed.hostname:
        raise ConfigError("node.redis", f"{url!r} is not a redis://host:port URL")
    if parsed.path not in ("", "/", "/0"):
        raise ConfigError(
            "node.redis",
            f"{parsed.path!r}: Nautilus' cache uses Redis database 0 only; keep paper and "
            "live apart by node.trader_id (the key prefix; they differ by default)",
        )
    return DatabaseConfig(
        type="redis",
        host=parsed.hostname,
        port=parsed.port or 6379,
        username=parsed.username,
        password=parsed.password,
        ssl=parsed.scheme == "rediss",
    )


def _logging(level: str, out_dir: Path | None, max_mb: float, backups: int) -> LoggingConfig:
    """Nautilus' log at ``level`` into ``out_dir/nautilus.log``, rotated; nothing on stdout.

    Without ``out_dir`` the log goes to the terminal at ``level``.
    """
    if level.upper() == "OFF":
        return LoggingConfig(bypass_logging=True)
    if out_dir is None:
        return LoggingConfig(log_level=level.upper(), log_colors=False)
    return LoggingConfig(
        log_level="OFF",
        log_level_file=level.upper(),
        log_directory=str(out_dir),
        log_file_name=LOG_NAME,
        log_file_max_size=int(max_mb * 1024 * 1024),
        log_file_max_backup_count=backups,
        log_colors=False,
    )
