"""The option chain with implied volatility and Greeks."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel


class QuoteGreeks(BaseModel):
    """One contract: its touch, mid, implied volatility and Greeks per unit."""

    instrument_id: str
    bid: float | None
    ask: float | None
    mid: float | None
    iv: float | None
    delta: float | None
    gamma: float | None
    theta: float | None
    vega: float | None


class ChainRow(BaseModel):
    """One strike's call and put."""

    strike: float
    call: QuoteGreeks | None
    put: QuoteGreeks | None


class ChainOut(BaseModel):
    """One expiry of an underlying's chain."""

    underlying: str
    expiry: datetime
    expiries: list[datetime]
    spot: float | None
    forward: float | None
    years_to_expiry: float
    rate: float
    rows: list[ChainRow]
