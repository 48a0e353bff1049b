"""CapitalManager state survives a TradingNode restart through a real Redis cache database."""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import Iterator

import pytest
import redis
from capital_node import run_node
from nautilus_trader.config import (
    CacheConfig,
    DatabaseConfig,
    ImportableActorConfig,
    LoggingConfig,
    TradingNodeConfig,
)
from nautilus_trader.live.node import TradingNode

from nautilus_options import CapitalManager
from nautilus_options.capital import SIZING_ENDPOINT, SizingRequest, SizingResponse

pytestmark = [pytest.mark.redis, pytest.mark.slow]

HOST, PORT = "127.0.0.1", 6379


@pytest.fixture
def trader_id() -> Iterator[str]:
    client = redis.Redis(host=HOST, port=PORT)
    try:
        client.ping()
    except redis.ConnectionError:
        message = f"no Redis on {HOST}:{PORT} (start it with scripts/services.sh)"
        if os.environ.get("CI"):
            pytest.fail(message)  # CI starts Redis itself: its absence is a broken setup
        pytest.skip(message)
    trader = f"CAPITAL-{uuid.uuid4().hex[:8].upper()}"
    yield trader
    keys = list(client.scan_iter(match=f"trader-{trader}:*"))
    if keys:
        client.delete(*keys)
    client.close()


def _node(trader_id: str) -> TradingNode:
    config = TradingNodeConfig(
        trader_id=trader_id,
        logging=LoggingConfig(log_level="ERROR"),
        load_state=True,
        save_state=True,
        timeout_post_stop=0.1,
        cache=CacheConfig(
            database=DatabaseConfig(type="redis", host=HOST, port=PORT),
            buffer_interval_ms=None,
            flush_on_start=False,
        ),
        actors=[
            ImportableActorConfig(
                actor_path="nautilus_options:CapitalManager",
                config_path="nautilus_options:CapitalManagerConfig",
                config={"initial_capital": 100_000, "risk_per_trade_pct": 5},
            ),
        ],
    )
    node = TradingNode(config=config, loop=asyncio.new_event_loop())
    node.build()
    return node


def _run(trader_id: str, request: SizingRequest | None = None) -> tuple[CapitalManager, list[str]]:
    """Run a node, send ``request`` if any, stop; return the manager and the reasons in its
    history before the node started."""
    node = _node(trader_id)
    (manager,) = node.trader.actors()
    assert isinstance(manager, CapitalManager)
    before_start = [update.reason for update in manager.history]

    async def send(node: TradingNode) -> None:
        if request is not None:
            node.kernel.msgbus.send(SIZING_ENDPOINT, request)

    run_node(node, send)
    return manager, before_start


def test_state_saved_in_redis_is_loaded_before_start(trader_id: str) -> None:
    responses: list[SizingResponse] = []

    first, _ = _run(trader_id, SizingRequest("S0001", "test", 2_000.0, None, responses.append))

    assert responses[0].lots == 2
    assert first.deployed == 4_000.0
    client = redis.Redis(host=HOST, port=PORT)
    saved = [key.decode() for key in client.scan_iter(match=f"trader-{trader_id}:*")]
    client.close()
    assert f"trader-{trader_id}:actors:CapitalManager:state" in saved

    second, before_start = _run(trader_id)

    # on_load ran before on_start: the ledger is restored, the history (not saved) starts anew.
    assert before_start == []
    assert [update.reason for update in second.history] == ["restored"]
    assert second.deployed == 4_000.0
    assert second.history[0].capital == first.history[-1].capital
