"""Summary statistics of a run, on plain pandas objects (no plotting library).

Everything here works on frames that can be rebuilt from the CSV files of a finished run, so
the backtest report, the command line and the bridge compute the same figures. The module
imports pandas and the domain only: no plotting library, no Nautilus runtime.

- ``spreads``: one row per spread (:func:`spreads_frame`, columns :data:`SPREAD_COLUMNS`);
- ``capital``: realized capital in INR indexed by UTC timestamps (the capital manager's
  history);
- ``snapshots``: spread monitor snapshots (:func:`~nautilus_options.monitor.snapshots_frame`);
- ``equity``: capital marked to market with the snapshots (:func:`mark_to_market`).

Times are UTC timestamps as Nautilus stamps them; the ``*_ist`` columns repeat them in IST.
"""

from __future__ import annotations

import json
import math
from collections.abc import Collection, Sequence
from datetime import date, tzinfo
from typing import TYPE_CHECKING, Any

import pandas as pd

from nautilus_options.domain.nse import trading_days
from nautilus_options.domain.time import IST

if TYPE_CHECKING:
    from nautilus_options.portfolio import SpreadView

__all__ = [
    "SPREAD_COLUMNS",
    "SUMMARY_KEYS",
    "TRADING_DAYS_PER_YEAR",
    "daily_equity",
    "drawdown",
    "mark_to_market",
    "max_drawdown",
    "sharpe_ratio",
    "spreads_frame",
    "summarize",
]

#: Columns of ``spreads.csv``, in order.
SPREAD_COLUMNS: tuple[str, ...] = (
    "spread_id",
    "strategy_id",
    "spread_type",
    "underlying",
    "expiry",
    "legs",
    "lots",
    "units",
    "opened_at",
    "closed_at",
    "is_open",
    "net_premium",
    "entry_cashflow",
    "gross_pnl",
    "commissions",
    "settlement_charges",
    "charges",
    "pnl",
    "max_loss",
    "max_profit",
    "breakevens",
    "opened_ist",
    "closed_ist",
)

#: Keys of the run summary (see :func:`summarize`).
SUMMARY_KEYS: tuple[str, ...] = (
    "trades",
    "open_spreads",
    "open_pnl",
    "wins",
    "losses",
    "win_rate",
    "pnl_total",
    "charges_total",
    "commissions",
    "settlement_charges",
    "max_drawdown",
    "max_drawdown_pct",
    "sharpe",
    "initial_capital",
    "ending_capital",
    "return_pct",
)

TRADING_DAYS_PER_YEAR = 252


def _timestamp(ns: int | None, tz: tzinfo | str = "UTC") -> pd.Timestamp | None:
    return None if ns is None else pd.Timestamp(ns, unit="ns", tz="UTC").tz_convert(tz)


def spreads_frame(views: Sequence[SpreadView]) -> pd.DataFrame:
    """One row per spread (columns :data:`SPREAD_COLUMNS`).

    Amounts are INR for the whole spread except ``net_premium`` (per unit, credit > 0).
    ``entry_cashflow`` is the premium received (> 0) or paid (< 0); ``pnl`` is the realized
    P&L net of ``charges`` (commissions plus exercise STT), ``gross_pnl`` before them.
    ``legs`` and ``breakevens`` are JSON arrays. ``opened_at``/``closed_at`` are UTC,
    ``opened_ist``/``closed_ist`` the same instants in IST.
    """
    rows = [
        {
            "spread_id": view.spread_id,
            "strategy_id": str(view.strategy_id),
            "spread_type": view.spread_type,
            "underlying": view.underlying,
            "expiry": _timestamp(view.expiry_ns),
            "legs": json.dumps(
                [
                    {
                        "instrument_id": leg.instrument_id.value,
                        "strike": leg.strike,
                        "right": leg.right,
                        "quantity": leg.quantity,
                        "avg_px_open": leg.avg_px_open,
                        "avg_px_close": leg.avg_px_close,
                    }
                    for leg in view.legs
                ]
            ),
            "lots": view.lots,
            "units": view.units,
            "opened_at": _timestamp(view.opened_ns),
            "closed_at": _timestamp(view.closed_ns),
            "is_open": view.is_open,
            "net_premium": view.net_premium,
            "entry_cashflow": view.net_premium * view.units,
            "gross_pnl": view.realized_pnl + view.commissions + view.settlement_charges,
            "commissions": view.commissions,
            "settlement_charges": view.settlement_charges,
            "charges": view.commissions + view.settlement_charges,
            "pnl": view.realized_pnl,
            "max_loss": view.max_loss,
            "max_profit": view.max_profit,
            "breakevens": json.dumps(list(view.breakevens)),
            "opened_ist": _timestamp(view.opened_ns, IST),
            "closed_ist": _timestamp(view.closed_ns, IST),
        }
        for view in views
    ]
    return pd.DataFrame(rows, columns=list(SPREAD_COLUMNS))


def drawdown(equity: pd.Series) -> pd.Series:
    """Distance below the running peak of ``equity`` (>= 0, same units and index)."""
    return equity.cummax() - equity


def max_drawdown(equity: pd.Series) -> tuple[float, float]:
    """Largest peak-to-trough fall of ``equity``: ``(amount, fraction of the peak)``."""
    if equity.empty:
        return 0.0, 0.0
    peak = equity.cummax()
    fall = peak - equity
    position = int(fall.to_numpy().argmax())
    amount = float(fall.iloc[position])
    top = float(peak.iloc[position])
    return amount, (amount / top if top > 0 else 0.0)


def mark_to_market(capital: pd.Series, snapshots: pd.DataFrame) -> pd.Series:
    """Equity marked to market: realized ``capital`` plus the open P&L of the open spreads.

    Both are taken at their last value per timestamp, so the updates of one instant (an
    order's commission, then the position's close) make one point. Each spread's
    ``unrealized_pnl`` is carried forward from its latest snapshot and is zero once the
    spread is closed. Without snapshots the result is ``capital`` alone.
    """
    capital = capital.groupby(level=0).last()
    if snapshots.empty or capital.empty:
        return capital
    open_pnl = snapshots["unrealized_pnl"].where(snapshots["is_open"].astype(bool), 0.0)
    by_spread = (
        open_pnl.groupby([pd.DatetimeIndex(snapshots["ts_event"]), snapshots["spread_id"]])
        .last()
        .unstack()
    )
    grid = capital.index.union(by_spread.index)
    realized = capital.reindex(grid).ffill().fillna(float(capital.iloc[0]))
    return realized + by_spread.reindex(grid).ffill().fillna(0.0).sum(axis=1)


def daily_equity(equity: pd.Series, days_without_data: Collection[date] = ()) -> pd.Series:
    """Closing ``equity`` of every NSE trading day from the first to the last value.

    Days are IST days; trading days without a change carry the previous close forward, so
    they count as flat days. Weekends, exchange holidays and ``days_without_data`` (trading
    days the run had no market data for) are left out: a change on such a day falls into
    the next day's close.
    """
    if equity.empty:
        return equity
    index = pd.DatetimeIndex(equity.index).tz_convert(IST)
    closes = equity.groupby(index.normalize()).last()
    skipped = set(days_without_data)
    sessions = trading_days(closes.index[0].date(), closes.index[-1].date())
    days = pd.DatetimeIndex([pd.Timestamp(day, tz=IST) for day in sessions if day not in skipped])
    return closes.reindex(closes.index.union(days)).ffill().loc[days]


def sharpe_ratio(
    equity: pd.Series,
    periods_per_year: int = TRADING_DAYS_PER_YEAR,
    days_without_data: Collection[date] = (),
) -> float | None:
    """Annualised Sharpe ratio of the daily returns of ``equity`` (zero risk-free rate).

    ``mean / std (ddof 1) * sqrt(periods_per_year)`` over the trading-day closes of
    :func:`daily_equity`, so trading days in ``days_without_data`` give no return; the
    first day's return is measured from the first ``equity`` value. None with fewer than
    two daily returns or when they do not vary.
    """
    daily = daily_equity(equity, days_without_data)
    if daily.empty:
        return None
    # The first day's return is measured from the starting value.
    returns = daily.pct_change().fillna(float(daily.iloc[0]) / float(equity.iloc[0]) - 1.0)
    if len(returns) < 2:
        return None
    std = float(returns.std(ddof=1))
    if not std > 0:
        return None
    return float(returns.mean()) / std * math.sqrt(periods_per_year)


def _paise(amount: float) -> float:
    """Round an INR amount to the paisa (drops float noise from sums)."""
    return round(float(amount), 2)


def summarize(
    spreads: pd.DataFrame,
    capital: pd.Series,
    initial_capital: float,
    equity: pd.Series | None = None,
    days_without_data: Collection[date] = (),
) -> dict[str, Any]:
    """Headline figures of a run (keys :data:`SUMMARY_KEYS`).

    ``trades`` counts closed spreads and ``win_rate`` is the share of them with a positive
    net ``pnl`` (None without trades). ``pnl_total`` and ``charges_total`` sum the ``pnl``
    and ``charges`` columns over every spread, so ``pnl_total`` is net of charges.
    ``ending_capital`` is the last ``capital`` value (``initial_capital`` when empty) and
    ``open_pnl`` what the spreads still open add to it at the end (the last ``equity`` value
    minus ``ending_capital``). The drawdown (INR, and percent of the peak) and the Sharpe
    ratio come from ``equity``, the marked-to-market curve (``capital`` when None); the
    Sharpe ratio leaves out ``days_without_data`` (:func:`sharpe_ratio`). Money
    amounts are rounded to the paisa; percentages (``*_pct``) are in percent, ``win_rate`` is
    a fraction.
    """
    equity = capital if equity is None else equity
    closed = spreads[~spreads["is_open"].astype(bool)]
    wins = int((closed["pnl"] > 0).sum())
    ending = float(capital.iloc[-1]) if not capital.empty else float(initial_capital)
    drawdown_amount, drawdown_pct = max_drawdown(equity)
    return {
        "trades": len(closed),
        "open_spreads": len(spreads) - len(closed),
        "open_pnl": _paise(float(equity.iloc[-1]) - ending) if not equity.empty else 0.0,
        "wins": wins,
        "losses": len(closed) - wins,
        "win_rate": wins / len(closed) if len(closed) else None,
        "pnl_total": _paise(spreads["pnl"].sum()),
        "charges_total": _paise(spreads["charges"].sum()),
        "commissions": _paise(spreads["commissions"].sum()),
        "settlement_charges": _paise(spreads["settlement_charges"].sum()),
        "max_drawdown": _paise(drawdown_amount),
        "max_drawdown_pct": drawdown_pct * 100.0,
        "sharpe": sharpe_ratio(equity, days_without_data=days_without_data),
        "initial_capital": float(initial_capital),
        "ending_capital": _paise(ending),
        "return_pct": (ending / initial_capital - 1.0) * 100.0 if initial_capital else None,
    }
