"""The option chain with implied volatility and Greeks."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel

from nautilus_options.bridge.schemas.numbers import Greek, Price


class QuoteGreeks(BaseModel):
    """One contract: its touch, mid, implied volatility and Greeks per unit."""

    instrument_id: str
    bid: Price | None
    ask: Price | None
    mid: Price | None
    iv: Greek | None
    delta: Greek | None
    gamma: Greek | None
    theta: Greek | None
    vega: Greek | None


class ChainRow(BaseModel):
    """One strike's call and put."""

    strike: Price
    call: QuoteGreeks | None
    put: QuoteGreeks | None


class ChainOut(BaseModel):
    """One expiry of an underlying's chain."""

    underlying: str
    expiry: datetime
    expiries: list[datetime]
    spot: Price | None
    forward: Price | None
    years_to_expiry: float
    rate: float
    rows: list[ChainRow]
