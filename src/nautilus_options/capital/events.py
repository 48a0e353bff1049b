"""The :class:`CapitalUpdated` event published by the capital manager."""

# No ``from __future__ import annotations``: ``customdataclass`` maps the field annotations to
# Arrow types at decoration time and needs them as real types.

from nautilus_trader.core.data import Data
from nautilus_trader.model.custom import customdataclass


@customdataclass
class CapitalUpdated(Data):
    """State of the capital manager after a change, published on every change.

    Published with ``publish_data(DataType(CapitalUpdated), event)``; it can be written to a
    ``ParquetDataCatalog`` and streamed as JSON (``to_dict`` / ``from_dict``). Money amounts are
    in ``currency``. Construct as ``CapitalUpdated(ts_event, ts_init, capital=..., ...)``.

    Attributes
    ----------
    capital : float
        Current capital: ``initial_capital + realized_pnl - exercise_charges``.
    initial_capital : float
        Capital at the start.
    sizing_capital : float
        Capital the sizing percentages apply to (``capital`` with compounding, else
        ``initial_capital``).
    deployed : float
        Capital reserved by open trades.
    peak : float
        Highest ``capital`` so far.
    drawdown_pct : float
        Fall of ``capital`` from ``peak``, in percent of ``peak``.
    halted : bool
        Whether new trades are halted by the drawdown limit.
    realized_pnl : float
        Realized P&L of all positions as booked by Nautilus, already net of commissions.
    commissions : float
        Commissions paid on fills (informational: already inside ``realized_pnl``).
    exercise_charges : float
        Exercise STT charged on cash-settled expiries (not booked by Nautilus).
    currency : str
        Currency code of the amounts.
    reason : str
        What changed (e.g. ``"start"``, ``"position closed ..."``, ``"reserved ..."``).
    """

    capital: float = 0.0
    initial_capital: float = 0.0
    sizing_capital: float = 0.0
    deployed: float = 0.0
    peak: float = 0.0
    drawdown_pct: float = 0.0
    halted: bool = False
    realized_pnl: float = 0.0
    commissions: float = 0.0
    exercise_charges: float = 0.0
    currency: str = ""
    reason: str = ""
