"""Health, node status, strategies and the trading-state controls."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

#: The risk engine's trading state, or ``STOPPED`` once the node has stopped.
TradingStateName = Literal["ACTIVE", "REDUCING", "HALTED", "STOPPED"]


class Health(BaseModel):
    """The server answers; whether a node is attached and backtest results are served."""

    status: Literal["ok"] = "ok"
    environment: str
    version: str
    node: bool
    results: bool = Field(
        default=False, description="A results folder is served (--results): /backtests answer"
    )


class ClientState(BaseModel):
    """One data or execution client; ``connected`` is its engine's view (every client of
    that kind connected)."""

    client_id: str
    kind: Literal["data", "execution"]
    connected: bool


class MarketSession(BaseModel):
    """The market hours the node follows and where they stand now."""

    kind: str = Field(description="nse: the NSE calendar; always: the simulator's open session")
    is_open: bool
    next_open: datetime | None
    next_close: datetime | None


class KillSwitchState(BaseModel):
    """The kill switch."""

    triggered: bool
    reason: str | None
    done: bool = Field(description="Flattening finished: nothing open is left")


class NodeStatus(BaseModel):
    """What the node is doing."""

    environment: str
    trader_id: str
    running: bool
    started_at: datetime
    trading_state: TradingStateName = Field(
        description="The risk engine's state; STOPPED once the node has stopped (on its own "
        "after an error: see the node's log; only a restart trades again)"
    )
    kill_switch: KillSwitchState
    data_connected: bool
    exec_connected: bool
    clients: list[ClientState]
    market_session: MarketSession
    last_data_at: datetime | None = Field(description="Latest quote or trade in the cache")


class StrategyInfo(BaseModel):
    """A strategy of the node."""

    strategy_id: str
    kind: str
    state: str
    open_orders: int
    open_positions: int
    timers: list[str] = Field(description="The strategy's clock timers (its checks)")
    protected: bool = Field(
        default=False, description="The bridge never stops it (the kill switch): stop is 409"
    )


class StrategyConfigOut(BaseModel):
    """A strategy's configuration (plain values)."""

    strategy_id: str
    config: dict[str, Any]


class KillRequest(BaseModel):
    """Fire the kill switch: ``confirm`` must be ``KILL``."""

    model_config = ConfigDict(extra="forbid")

    confirm: str = Field(description="Must be the word KILL")
    reason: str = Field(default="bridge", max_length=200)


class TradingStateOut(BaseModel):
    """The trading state after a control."""

    trading_state: TradingStateName
    kill_switch: KillSwitchState
