"""CapitalManager in a live TradingNode: two strategies sized over the bus, sandbox execution.

The node has no data client: the demo quotes go to its live data engine, which publishes them
to the strategies and to Nautilus' sandbox execution client (a simulated NSE venue with no
commissions), exactly as a data client's quotes would.
"""

from __future__ import annotations

import asyncio

import pytest
from capital_node import run_node, settle
from nautilus_trader.adapters.sandbox.config import SandboxExecutionClientConfig
from nautilus_trader.adapters.sandbox.factory import SandboxLiveExecClientFactory
from nautilus_trader.config import (
    ImportableActorConfig,
    ImportableStrategyConfig,
    LoggingConfig,
    TradingNodeConfig,
)
from nautilus_trader.live.node import TradingNode
from sized_round_trip import (
    DEMO_INSTRUMENT_ID,
    SizedRoundTripStrategy,
    demo_instrument,
    demo_quotes,
)

from nautilus_options import CapitalManager

pytestmark = pytest.mark.slow

A, B = "SizedRoundTripStrategy-A", "SizedRoundTripStrategy-B"

# Both strategies trade every round trip of the demo market, 20 lots (200 units) each time
# (risk: 20% of capital over ~1,000 a lot), without commissions:
# T1 buy 99.95 sell 102.00 -> +410 each; T2 buy 100.35 sell 95.00 -> -1,070 each;
# T3 buy 95.05 sell 96.00 -> +190 each. Strategy B's reservation counts against the
# deployment left for A and the other way round; every close moves the one capital.
EXPECTED = [
    (100_000.0, 0.0, "start"),
    (100_000.0, 19_990.0, f"reserved 19990.00 for {A}-T0001 (20 lots, limited by risk)"),
    (100_000.0, 39_980.0, f"reserved 19990.00 for {B}-T0001 (20 lots, limited by risk)"),
    (100_410.0, 39_980.0, "closed NSE-1-001: +410.00"),
    (100_410.0, 19_990.0, f"released 19990.00 from {A}-T0001"),
    (100_820.0, 19_990.0, "closed NSE-1-002: +410.00"),
    (100_820.0, 0.0, f"released 19990.00 from {B}-T0001"),
    (100_820.0, 20_070.0, f"reserved 20070.00 for {A}-T0002 (20 lots, limited by risk)"),
    (100_820.0, 40_140.0, f"reserved 20070.00 for {B}-T0002 (20 lots, limited by risk)"),
    (99_750.0, 40_140.0, "closed NSE-1-003: -1070.00"),
    (99_750.0, 20_070.0, f"released 20070.00 from {A}-T0002"),
    (98_680.0, 20_070.0, "closed NSE-1-004: -1070.00"),
    (98_680.0, 0.0, f"released 20070.00 from {B}-T0002"),
    (98_680.0, 19_010.0, f"reserved 19010.00 for {A}-T0003 (20 lots, limited by risk)"),
    (98_680.0, 38_020.0, f"reserved 19010.00 for {B}-T0003 (20 lots, limited by risk)"),
    (98_870.0, 38_020.0, "closed NSE-1-005: +190.00"),
    (98_870.0, 19_010.0, f"released 19010.00 from {A}-T0003"),
    (99_060.0, 19_010.0, "closed NSE-1-006: +190.00"),
    (99_060.0, 0.0, f"released 19010.00 from {B}-T0003"),
]


def _strategy(tag: str) -> ImportableStrategyConfig:
    return ImportableStrategyConfig(
        strategy_path="sized_round_trip:SizedRoundTripStrategy",
        config_path="sized_round_trip:SizedRoundTripConfig",
        config={"instrument_id": DEMO_INSTRUMENT_ID, "order_id_tag": tag},
    )


def _node() -> TradingNode:
    config = TradingNodeConfig(
        trader_id="CAPITAL-001",
        # Without a data client the strategies' quote subscriptions log an error: expected.
        logging=LoggingConfig(log_level="ERROR"),
        timeout_post_stop=0.1,
        exec_clients={
            "NSE": SandboxExecutionClientConfig(
                venue="NSE",
                starting_balances=["1000000 INR"],
                base_currency="INR",
                oms_type="HEDGING",
            ),
        },
        actors=[
            ImportableActorConfig(
                actor_path="nautilus_options:CapitalManager",
                config_path="nautilus_options:CapitalManagerConfig",
                config={"initial_capital": 100_000, "risk_per_trade_pct": 20},
            ),
        ],
        strategies=[_strategy("A"), _strategy("B")],
    )
    node = TradingNode(config=config, loop=asyncio.new_event_loop())
    node.add_exec_client_factory("NSE", SandboxLiveExecClientFactory)
    node.kernel.cache.add_instrument(demo_instrument())
    node.build()
    return node


def test_tracks_every_strategy_and_sizes_over_the_bus_in_a_trading_node() -> None:
    node = _node()
    (manager,) = node.trader.actors()
    assert isinstance(manager, CapitalManager)
    strategies = node.trader.strategies()
    booked: list[float] = []

    async def feed_quotes(node: TradingNode) -> None:
        for quote in demo_quotes(demo_instrument()):
            node.kernel.data_engine.process(quote)
            await settle(node)
        closed = node.kernel.cache.positions_closed()
        booked.extend(position.realized_pnl.as_double() for position in closed)

    run_node(node, feed_quotes)

    assert [(u.capital, u.deployed, u.reason) for u in manager.history] == EXPECTED
    for strategy in strategies:
        assert isinstance(strategy, SizedRoundTripStrategy)
        assert [response.lots for response in strategy.responses] == [20, 20, 20]
    # The manager's capital is the initial capital plus what Nautilus booked on the positions.
    assert sorted(booked) == [-1_070.0, -1_070.0, 190.0, 190.0, 410.0, 410.0]
    assert manager.capital == 100_000.0 + sum(booked)
