"""A TradingNode wired to the Zerodha clients by path, against an in-process Kite simulator."""

from __future__ import annotations

import asyncio
import hashlib
import os
from collections.abc import Awaitable, Callable
from typing import Any

import httpx
from nautilus_trader.common.config import ImportableConfig, ImportableFactoryConfig
from nautilus_trader.config import (
    LiveDataEngineConfig,
    LiveExecEngineConfig,
    LiveRiskEngineConfig,
    LoggingConfig,
    StrategyConfig,
    TradingNodeConfig,
)
from nautilus_trader.live.node import TradingNode
from nautilus_trader.model.data import QuoteTick
from nautilus_trader.model.events import OrderEvent
from nautilus_trader.model.identifiers import InstrumentId
from nautilus_trader.trading.strategy import Strategy

from nautilus_options.simulator import KiteSimulator

ADAPTER = "nautilus_options.adapters.zerodha"
#: The simulator a token provider logs in to (set by the fixture).
SIMULATOR: dict[str, str] = {}


async def sim_login(api_key: str, api_secret: Any) -> str:
    """Token provider for tests: a fresh session from the simulator (no 2FA there)."""
    secret = api_secret.reveal()
    request_token = "renewal"
    checksum = hashlib.sha256((api_key + request_token + secret).encode()).hexdigest()
    async with httpx.AsyncClient(base_url=SIMULATOR["url"]) as client:
        answer = await client.post(
            "/session/token",
            data={"api_key": api_key, "request_token": request_token, "checksum": checksum},
        )
    return str(answer.json()["data"]["access_token"])


#: What :func:`scripted_provider` does: ``token`` to return at once, else raise; its calls.
SCRIPT: dict[str, Any] = {"token": None, "calls": []}


def scripted_provider(api_key: str, api_secret: Any) -> str:
    """Token provider for tests: answers at once with ``SCRIPT["token"]``, or fails.

    The failure's message carries the secret, which must never reach a log or an error.
    """
    SCRIPT["calls"].append(asyncio.get_running_loop().time())
    token = SCRIPT["token"]
    if token is None:
        raise RuntimeError(f"login page down (secret {api_secret.reveal()})")
    return str(token)


async def admin(sim: KiteSimulator, path: str, body: Any = None) -> Any:
    """``POST /admin/<path>`` from a worker thread (never blocking the node's loop)."""

    def post() -> Any:
        answer = httpx.post(
            f"{sim.url}/admin/{path}",
            json=body,
            headers={"X-Sim-Admin-Key": sim.admin_key},
            timeout=60.0,
        )
        answer.raise_for_status()
        return answer.json()

    return await asyncio.to_thread(post)


class RecorderConfig(StrategyConfig, frozen=True):
    """Instruments to subscribe to."""

    quotes: tuple[str, ...] = ()
    trades: tuple[str, ...] = ()


class Recorder(Strategy):
    """Subscribes, records what reaches it; tests submit orders through it."""

    def __init__(self, config: RecorderConfig) -> None:
        super().__init__(config)
        self.quotes: list[QuoteTick] = []
        self.trades: list[Any] = []
        self.events: list[OrderEvent] = []
        self.on_quote: Callable[[QuoteTick], None] | None = None

    def on_start(self) -> None:
        for text in self.config.quotes:
            self.subscribe_quote_ticks(InstrumentId.from_str(text))
        for text in self.config.trades:
            self.subscribe_trade_ticks(InstrumentId.from_str(text))

    def on_quote_tick(self, tick: QuoteTick) -> None:
        self.quotes.append(tick)
        if self.on_quote is not None:
            self.on_quote(tick)

    def on_trade_tick(self, tick: Any) -> None:
        self.trades.append(tick)

    def on_order_event(self, event: OrderEvent) -> None:
        self.events.append(event)


def kite_config(sim: KiteSimulator, **extra: Any) -> dict[str, Any]:
    """The ``kite`` section pointing at ``sim``."""
    return {
        "rest_url": sim.url,
        "ticker_url": sim.ws_url,
        "token_provider": "kite_node:sim_login",
        "http_timeout_secs": 2.0,
        "rate_limit_scale": 20.0,
        **extra,
    }


def build_node(
    sim: KiteSimulator,
    state_dir: str,
    strategy: RecorderConfig,
    exec_extra: dict[str, Any] | None = None,
    data_extra: dict[str, Any] | None = None,
    kite_extra: dict[str, Any] | None = None,
    engine_extra: dict[str, Any] | None = None,
) -> TradingNode:
    """A node with the Zerodha data and execution clients configured by path."""
    kite = kite_config(sim, **(kite_extra or {}))
    selection = {"underlyings": ["NIFTY"], "expiries": 1, "strikes_each_side": 3}
    config = TradingNodeConfig(
        trader_id="KITE-001",
        logging=LoggingConfig(log_level=os.environ.get("KITE_TEST_LOG", "ERROR")),
        data_engine=LiveDataEngineConfig(graceful_shutdown_on_exception=True),
        risk_engine=LiveRiskEngineConfig(graceful_shutdown_on_exception=True),
        exec_engine=LiveExecEngineConfig(
            reconciliation=True, graceful_shutdown_on_exception=True, **(engine_extra or {})
        ),
        data_clients={
            "ZERODHA": ImportableConfig(
                path=f"{ADAPTER}:ZerodhaDataClientConfig",
                factory=ImportableFactoryConfig(path=f"{ADAPTER}:ZerodhaLiveDataClientFactory"),
                config={
                    "kite": kite,
                    **selection,
                    "heartbeat_timeout_secs": 3.0,
                    "backoff_initial_secs": 0.1,
                    "backoff_max_secs": 1.0,
                    **(data_extra or {}),
                },
            )
        },
        exec_clients={
            "ZERODHA": ImportableConfig(
                path=f"{ADAPTER}:ZerodhaExecClientConfig",
                factory=ImportableFactoryConfig(path=f"{ADAPTER}:ZerodhaLiveExecClientFactory"),
                config={
                    "kite": kite,
                    **selection,
                    "state_dir": state_dir,
                    "poll_interval_secs": 0.5,
                    **(exec_extra or {}),
                },
            )
        },
        timeout_connection=30.0,
        timeout_reconciliation=30.0,
        timeout_disconnection=5.0,
        timeout_post_stop=0.5,
    )
    node = TradingNode(config=config, loop=asyncio.new_event_loop())
    node.trader.add_strategy(Recorder(strategy))
    node.build()
    return node


async def eventually(condition: Callable[[], bool], timeout: float = 20.0, what: str = "") -> None:
    """Wait until ``condition()`` holds (polling), or fail after ``timeout`` seconds."""
    deadline = asyncio.get_running_loop().time() + timeout
    while not condition():
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"timed out waiting for {what or condition}")
        await asyncio.sleep(0.02)


def run(node: TradingNode, act: Callable[[TradingNode], Awaitable[None]]) -> None:
    """Start ``node``, await ``act(node)``, stop and dispose it."""

    async def session() -> None:
        runner = asyncio.create_task(node.run_async())
        strategies = node.trader.strategies()
        try:
            await eventually(lambda: all(s.is_running for s in strategies), 40, "node start")
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
    finally:
        node.dispose()
