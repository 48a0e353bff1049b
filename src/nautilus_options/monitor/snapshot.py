"""The :class:`SpreadSnapshot` custom data type published by the spread monitor."""

# No ``from __future__ import annotations``: ``customdataclass`` derives the Arrow schema
# from the evaluated field annotations.

import json
from collections.abc import Sequence
from dataclasses import fields
from typing import Any

import pandas as pd
from nautilus_trader.core.data import Data
from nautilus_trader.model.custom import customdataclass


@customdataclass
class SpreadSnapshot(Data):
    """Mark-to-market state and position-weighted greeks of one spread.

    Construct with ``SpreadSnapshot(ts_event, ts_init, spread_id=..., ...)``: the two
    timestamps (UNIX nanoseconds) come first. Money amounts are in the account currency
    (INR); greeks are summed over the legs, each weighted by its signed quantity in units.

    Attributes
    ----------
    spread_id : str
        The spread this snapshot describes (``"<strategy_id>-S0001"``).
    strategy_id : str
        The strategy that owns the spread.
    reason : str
        What triggered it: ``"interval"`` (the monitor's timer), ``"fill"`` (a position event
        of one of its legs) or ``"request"`` (:meth:`SpreadMonitor.snapshot` called directly).
    is_open : bool
        Whether any leg of the spread is still open.
    legs : str
        JSON array, one object per leg: ``index``, ``instrument_id``, ``strike``, ``right``,
        ``quantity`` (signed units opened, long positive), ``open_quantity`` (signed units
        still open), ``avg_px_open``, ``avg_px_close``, ``mid``, ``iv``, ``delta``, ``gamma``,
        ``theta``, ``vega`` (as in :class:`~nautilus_options.portfolio.LegView`).
    mark : float
        Market value of the open legs at their mids (long positive, short negative).
    unrealized_pnl : float
        Unrealized P&L of the open legs at their mids.
    realized_pnl : float
        Realized P&L of closed quantity, net of commissions and settlement charges.
    net_delta : float
        Change of the spread value per 1 point move of the underlying.
    gamma : float
        Change of ``net_delta`` per 1 point move of the underlying.
    theta : float
        Change of the spread value per calendar day.
    vega : float
        Change of the spread value per 1 volatility point (0.01).
    underlying : float
        Forward of the underlying used for the greeks (put-call parity, or index).
    max_loss : float
        Maximum loss of the spread at expiry, including the premium paid or received.
    breakevens : str
        JSON array of the underlying levels where the spread breaks even at expiry.
    time_to_expiry : float
        Years (ACT/365, fractional) until the earliest leg expiry.

    """

    spread_id: str = ""
    strategy_id: str = ""
    reason: str = ""
    is_open: bool = True
    legs: str = "[]"
    mark: float = 0.0
    unrealized_pnl: float = 0.0
    realized_pnl: float = 0.0
    net_delta: float = 0.0
    gamma: float = 0.0
    theta: float = 0.0
    vega: float = 0.0
    underlying: float = 0.0
    max_loss: float = 0.0
    breakevens: str = "[]"
    time_to_expiry: float = 0.0

    def leg_list(self) -> list[dict[str, Any]]:
        """Return the decoded :attr:`legs`."""
        legs: list[dict[str, Any]] = json.loads(self.legs)
        return legs

    def breakeven_list(self) -> list[float]:
        """Return the decoded :attr:`breakevens`."""
        return [float(level) for level in json.loads(self.breakevens)]


def snapshots_frame(snapshots: Sequence[SpreadSnapshot]) -> pd.DataFrame:
    """One row per snapshot, with ``ts_event``/``ts_init`` as UTC timestamps.

    Columns are ``ts_event``, ``ts_init`` and every field of :class:`SpreadSnapshot`, in
    declaration order; an empty frame still has them all.
    """
    columns = ["ts_event", "ts_init", *(field.name for field in fields(SpreadSnapshot))]
    rows = [{**snapshot.to_dict()} for snapshot in snapshots]
    frame = pd.DataFrame(rows, columns=columns)
    for column in ("ts_event", "ts_init"):
        frame[column] = pd.to_datetime(frame[column].astype("int64"), unit="ns", utc=True)
    return frame
