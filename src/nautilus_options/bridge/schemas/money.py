"""Capital and the account."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel


class CapitalOut(BaseModel):
    """The capital manager's state (as its ``CapitalUpdated``)."""

    ts: datetime
    capital: float
    initial_capital: float
    sizing_capital: float
    deployed: float
    peak: float
    drawdown_pct: float
    halted: bool
    realized_pnl: float
    commissions: float
    exercise_charges: float
    currency: str
    reason: str


class BalanceOut(BaseModel):
    """One currency's balance."""

    currency: str
    total: float
    locked: float
    free: float


class MarginOut(BaseModel):
    """Margin blocked for one instrument."""

    instrument_id: str
    initial: float
    maintenance: float


class AccountOut(BaseModel):
    """A venue account."""

    account_id: str
    venue: str
    account_type: str
    balances: list[BalanceOut]
    margins: list[MarginOut]
