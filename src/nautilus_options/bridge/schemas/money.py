"""Capital and the account."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel

from nautilus_options.bridge.schemas.numbers import Money, Ratio


class CapitalOut(BaseModel):
    """The capital manager's state (as its ``CapitalUpdated``)."""

    ts: datetime
    capital: Money
    initial_capital: Money
    sizing_capital: Money
    deployed: Money
    peak: Money
    drawdown_pct: Ratio
    halted: bool
    realized_pnl: Money
    commissions: Money
    exercise_charges: Money
    currency: str
    reason: str


class BalanceOut(BaseModel):
    """One currency's balance."""

    currency: str
    total: Money
    locked: Money
    free: Money


class MarginOut(BaseModel):
    """Margin blocked for one instrument."""

    instrument_id: str
    initial: Money
    maintenance: Money


class AccountOut(BaseModel):
    """A venue account."""

    account_id: str
    venue: str
    account_type: str
    balances: list[BalanceOut]
    margins: list[MarginOut]
