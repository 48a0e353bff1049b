"""Spreads, orders and positions (money, prices and Greeks rounded: :mod:`.numbers`)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

from nautilus_options.bridge.schemas.numbers import Greek, Money, Price


class GreeksOut(BaseModel):
    """Black-76 Greeks in INR for the quantity held (delta per index point, theta per day,
    vega per volatility point)."""

    delta: Greek
    gamma: Greek
    theta: Greek
    vega: Greek


class LegOut(BaseModel):
    """One leg of a spread."""

    index: int
    instrument_id: str
    position_id: str
    strike: Price
    right: Literal["CE", "PE"]
    side: Literal["BUY", "SELL"] = Field(description="BUY: long leg, SELL: short leg")
    quantity: float = Field(description="Signed units opened")
    open_quantity: float
    avg_px_open: Price
    avg_px_close: Price
    mark: Price | None
    iv: Greek | None
    realized_pnl: Money
    unrealized_pnl: Money | None
    is_open: bool


class SpreadOut(BaseModel):
    """A spread from the tracker, marked at the cached mids."""

    spread_id: str
    strategy_id: str
    spread_type: str
    underlying: str
    expiry: datetime | None
    lots: int
    lot_size: int
    net_premium: Price = Field(description="Entry premium per unit; > 0 credit")
    opened_at: datetime
    closed_at: datetime | None
    is_open: bool
    realized_pnl: Money
    unrealized_pnl: Money | None
    commissions: Money
    max_loss: Money
    max_profit: Money
    breakevens: list[Price]
    greeks: GreeksOut | None
    legs: list[LegOut]


class OrderOut(BaseModel):
    """An order."""

    client_order_id: str
    venue_order_id: str | None
    strategy_id: str
    instrument_id: str
    side: str
    type: str
    status: str
    quantity: float
    filled_qty: float
    price: Price | None
    avg_px: Price | None
    tags: list[str]
    is_open: bool
    ts_init: datetime
    ts_last: datetime


class OrderCanceled(BaseModel):
    """A cancel sent."""

    client_order_id: str
    status: str


class PositionOut(BaseModel):
    """A position."""

    position_id: str
    strategy_id: str
    instrument_id: str
    side: str
    quantity: float = Field(description="Signed units")
    avg_px_open: Price
    realized_pnl: Money
    unrealized_pnl: Money | None
    is_open: bool
    opened_at: datetime
    closed_at: datetime | None
