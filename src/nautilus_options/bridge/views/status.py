"""Node status and strategies."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import msgspec
from nautilus_trader.common.enums import component_state_to_str
from nautilus_trader.live.node import TradingNode
from nautilus_trader.model.enums import trading_state_to_str
from nautilus_trader.trading.strategy import Strategy

from nautilus_options.bridge.node import NodeLink
from nautilus_options.bridge.schemas.status import (
    ClientState,
    KillSwitchState,
    MarketSession,
    NodeStatus,
    StrategyConfigOut,
    StrategyInfo,
    TradingStateName,
)
from nautilus_options.bridge.views.times import utc
from nautilus_options.domain.nse import next_session


def trading_state(node: TradingNode) -> TradingStateName:
    """The risk engine's trading state, or ``STOPPED`` once the node has stopped."""
    if not node.is_running():
        return "STOPPED"
    state: TradingStateName = trading_state_to_str(node.kernel.risk_engine.trading_state)
    return state


def kill_switch(link: NodeLink) -> KillSwitchState:
    """The kill switch's state."""
    state = link.controls.kill_state()
    return KillSwitchState(triggered=state.triggered, reason=state.reason, done=state.done)


def node_status(link: NodeLink, environment: str) -> NodeStatus:
    """The node's status (see :class:`NodeStatus`)."""
    node = link.node
    kernel = node.kernel
    now = kernel.clock.timestamp_ns()
    data_connected = kernel.data_engine.check_connected()
    exec_connected = kernel.exec_engine.check_connected()
    clients = [
        ClientState(client_id=client_id.value, kind="data", connected=data_connected)
        for client_id in kernel.data_engine.registered_clients
    ] + [
        ClientState(client_id=client_id.value, kind="execution", connected=exec_connected)
        for client_id in kernel.exec_engine.registered_clients
    ]
    return NodeStatus(
        environment=environment,
        trader_id=node.trader_id.value,
        running=node.is_running(),
        started_at=link.started_at,
        trading_state=trading_state(node),
        kill_switch=kill_switch(link),
        data_connected=data_connected,
        exec_connected=exec_connected,
        clients=clients,
        market_session=market_session(link.controls.session, now),
        last_data_at=_last_data_ns(node),
    )


def market_session(kind: str, now_ns: int) -> MarketSession:
    """Where the market hours of ``kind`` (``nse`` or ``always``) stand at ``now_ns``."""
    if kind == "always":
        return MarketSession(kind=kind, is_open=True, next_open=None, next_close=None)
    opens, closes = next_session(now_ns)
    return MarketSession(
        kind=kind, is_open=opens <= now_ns <= closes, next_open=utc(opens), next_close=utc(closes)
    )


def _last_data_ns(node: TradingNode) -> datetime | None:
    cache = node.cache
    latest = 0
    for instrument_id in cache.instrument_ids():
        for tick in (cache.quote_tick(instrument_id), cache.trade_tick(instrument_id)):
            if tick is not None and tick.ts_init > latest:
                latest = tick.ts_init
    return utc(latest) if latest else None


def strategies(node: TradingNode, protected: frozenset[str] = frozenset()) -> list[StrategyInfo]:
    """The node's strategies with their states and counts; ``protected`` ones say so."""
    cache = node.cache
    return [
        StrategyInfo(
            strategy_id=strategy.id.value,
            kind=type(strategy).__name__,
            state=component_state_to_str(strategy.state),
            open_orders=len(cache.orders_open(strategy_id=strategy.id)),
            open_positions=len(cache.positions_open(strategy_id=strategy.id)),
            timers=sorted(strategy.clock.timer_names),
            protected=strategy.id.value in protected,
        )
        for strategy in node.trader.strategies()
    ]


def find_strategy(node: TradingNode, strategy_id: str) -> Strategy | None:
    """The strategy ``strategy_id``, or None."""
    return next((s for s in node.trader.strategies() if s.id.value == strategy_id), None)


def strategy_config(strategy: Strategy) -> StrategyConfigOut:
    """A strategy's configuration as plain values."""
    config: dict[str, Any] = msgspec.json.decode(strategy.config.json())
    return StrategyConfigOut(strategy_id=strategy.id.value, config=config)
