"""A paper TradingNode (Zerodha clients against a Kite simulator) for the parity and restart tests.

The node is wired by import paths only, as ``environments.paper`` wires it: the Zerodha data
and execution clients, the run recorder, the capital manager, the strategy and, optionally,
the market recorder and Redis for the cache and component state.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from nautilus_trader.common.config import ImportableConfig, ImportableFactoryConfig
from nautilus_trader.config import (
    CacheConfig,
    DatabaseConfig,
    ImportableActorConfig,
    ImportableStrategyConfig,
    LiveDataEngineConfig,
    LiveExecEngineConfig,
    LiveRiskEngineConfig,
    LoggingConfig,
    TradingNodeConfig,
)
from nautilus_trader.live.node import TradingNode

from nautilus_options.environments.recording import market_recorder_config

ADAPTER = "nautilus_options.adapters.zerodha"
SELECTION: dict[str, Any] = {"underlyings": ["NIFTY"], "expiries": 1, "strikes_each_side": 6}


def paper_node_config(
    rest_url: str,
    ticker_url: str,
    state_dir: Path,
    strategy: dict[str, Any],
    capital: dict[str, Any],
    *,
    record: Path | None = None,
    redis_port: int | None = None,
    log_level: str = "ERROR",
    log_dir: Path | None = None,
    trader_id: str = "PAPER-001",
) -> TradingNodeConfig:
    """The paper node's config; ``redis_port`` adds Redis for the cache and state."""
    kite = {
        "rest_url": rest_url,
        "ticker_url": ticker_url,
        "http_timeout_secs": 3.0,
        "rate_limit_scale": 20.0,
    }
    actors = [
        ImportableActorConfig(
            actor_path="nautilus_options.environments.recorder:RunRecorder",
            config_path="nautilus_options.environments.recorder:RunRecorderConfig",
            config={"component_id": "RunRecorder"},
        ),
        ImportableActorConfig(
            actor_path="nautilus_options:CapitalManager",
            config_path="nautilus_options:CapitalManagerConfig",
            config=capital,
        ),
    ]
    if record is not None:
        actors.insert(0, market_recorder_config(record, flush_interval_secs=5.0))
    persistent: dict[str, Any] = {}
    if redis_port is not None:
        persistent = {
            "cache": CacheConfig(
                database=DatabaseConfig(type="redis", host="127.0.0.1", port=redis_port),
                buffer_interval_ms=None,
                persist_account_events=True,
                flush_on_start=False,
            ),
            "load_state": True,
            "save_state": True,
        }
    logging = LoggingConfig(
        log_level="ERROR" if log_dir is not None else log_level,
        log_level_file=log_level if log_dir is not None else None,
        log_directory=str(log_dir) if log_dir is not None else None,
        log_file_name="node" if log_dir is not None else None,
    )
    return TradingNodeConfig(
        trader_id=trader_id,
        logging=logging,
        data_engine=LiveDataEngineConfig(graceful_shutdown_on_exception=True),
        risk_engine=LiveRiskEngineConfig(graceful_shutdown_on_exception=True),
        exec_engine=LiveExecEngineConfig(reconciliation=True, graceful_shutdown_on_exception=True),
        data_clients={
            "ZERODHA": ImportableConfig(
                path=f"{ADAPTER}:ZerodhaDataClientConfig",
                factory=ImportableFactoryConfig(path=f"{ADAPTER}:ZerodhaLiveDataClientFactory"),
                config={"kite": kite, **SELECTION, "heartbeat_timeout_secs": 5.0},
            )
        },
        exec_clients={
            "ZERODHA": ImportableConfig(
                path=f"{ADAPTER}:ZerodhaExecClientConfig",
                factory=ImportableFactoryConfig(path=f"{ADAPTER}:ZerodhaLiveExecClientFactory"),
                config={
                    "kite": kite,
                    **SELECTION,
                    "state_dir": str(state_dir),
                    "poll_interval_secs": 0.5,
                },
            )
        },
        actors=actors,
        strategies=[
            ImportableStrategyConfig(
                strategy_path="nautilus_options:OptionsSpreadStrategy",
                config_path="nautilus_options:OptionsSpreadStrategyConfig",
                config=strategy,
            )
        ],
        timeout_connection=30.0,
        timeout_reconciliation=30.0,
        timeout_disconnection=5.0,
        timeout_post_stop=0.5,
        **persistent,
    )


async def eventually(condition: Callable[[], bool], timeout: float, what: str) -> None:
    """Wait until ``condition()`` holds, or fail after ``timeout`` seconds."""
    deadline = asyncio.get_running_loop().time() + timeout
    while not condition():
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")
        await asyncio.sleep(0.05)


def run_node(
    config: TradingNodeConfig,
    act: Callable[[TradingNode], Awaitable[None]],
    after: Callable[[TradingNode], None] | None = None,
) -> None:
    """Build and start a node from ``config``, await ``act(node)``, stop it, call
    ``after(node)`` (the stopped node's cache is still readable) and dispose it."""
    node = TradingNode(config=config, loop=asyncio.new_event_loop())
    node.build()

    async def session() -> None:
        runner = asyncio.create_task(node.run_async())
        try:
            await eventually(
                lambda: all(s.is_running for s in node.trader.strategies()), 40, "node start"
            )
            await act(node)
        finally:
            await node.stop_async()
            await asyncio.wait_for(runner, 30)
            pending = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
            for task in pending:
                task.cancel()
            await asyncio.gather(*pending, return_exceptions=True)

    try:
        node.kernel.loop.run_until_complete(session())
        if after is not None:
            after(node)
    finally:
        node.dispose()
