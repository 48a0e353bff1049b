"""Backtest statistics, CSV tables and the HTML report.

Everything here works on plain pandas objects so that a report can be rebuilt from the CSV
files of a finished run:

- ``spreads``: one row per spread (:func:`spreads_frame`, columns :data:`SPREAD_COLUMNS`);
- ``capital``: realized capital in INR indexed by UTC timestamps (the capital manager's
  history);
- ``snapshots``: spread monitor snapshots (:func:`~nautilus_options.monitor.snapshots_frame`);
- ``equity``: capital marked to market with the snapshots (:func:`mark_to_market`).
"""

from __future__ import annotations

import base64
import html
import io
import json
import math
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from nautilus_options.domain.nse import trading_days

if TYPE_CHECKING:
    from nautilus_options.portfolio import SpreadView

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
#: Time zone of the trading days the daily returns are measured over.
TRADING_TZ = "Asia/Kolkata"


def _timestamp(ns: int | None) -> pd.Timestamp | None:
    return None if ns is None else pd.Timestamp(ns, unit="ns", tz="UTC")


def spreads_frame(views: Sequence[SpreadView]) -> pd.DataFrame:
    """One row per spread (columns :data:`SPREAD_COLUMNS`).

    Amounts are INR for the whole spread except ``net_premium`` (per unit, credit > 0).
    ``entry_cashflow`` is the premium received (> 0) or paid (< 0); ``pnl`` is the realized
    P&L net of ``charges`` (commissions plus exercise STT), ``gross_pnl`` before them.
    ``legs`` and ``breakevens`` are JSON arrays.
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


def daily_equity(equity: pd.Series) -> pd.Series:
    """Closing ``equity`` of every NSE trading day from the first to the last value.

    Days are IST days; trading days without a change carry the previous close forward, so
    they count as flat days. Weekends and exchange holidays are left out.
    """
    if equity.empty:
        return equity
    index = pd.DatetimeIndex(equity.index).tz_convert(TRADING_TZ)
    closes = equity.groupby(index.normalize()).last()
    sessions = trading_days(closes.index[0].date(), closes.index[-1].date())
    days = pd.DatetimeIndex([pd.Timestamp(day, tz=TRADING_TZ) for day in sessions])
    return closes.reindex(closes.index.union(days)).ffill().loc[days]


def sharpe_ratio(equity: pd.Series, periods_per_year: int = TRADING_DAYS_PER_YEAR) -> float | None:
    """Annualised Sharpe ratio of the daily returns of ``equity`` (zero risk-free rate).

    ``mean / std (ddof 1) * sqrt(periods_per_year)`` over the trading-day closes of
    :func:`daily_equity`; the first day's return is measured from the first ``equity``
    value. None with fewer than two daily returns or when they do not vary.
    """
    daily = daily_equity(equity)
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
) -> dict[str, Any]:
    """Headline figures of a run (keys :data:`SUMMARY_KEYS`).

    ``trades`` counts closed spreads and ``win_rate`` is the share of them with a positive
    net ``pnl`` (None without trades). ``pnl_total`` and ``charges_total`` sum the ``pnl``
    and ``charges`` columns over every spread, so ``pnl_total`` is net of charges.
    ``ending_capital`` is the last ``capital`` value (``initial_capital`` when empty) and
    ``open_pnl`` what the spreads still open add to it at the end (the last ``equity`` value
    minus ``ending_capital``). The drawdown (INR, and percent of the peak) and the Sharpe
    ratio come from ``equity``, the marked-to-market curve (``capital`` when None). Money
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
        "sharpe": sharpe_ratio(equity),
        "initial_capital": float(initial_capital),
        "ending_capital": _paise(ending),
        "return_pct": (ending / initial_capital - 1.0) * 100.0 if initial_capital else None,
    }


def _png(figure: Figure) -> str:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=96, bbox_inches="tight")
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def _time_chart(title: str, height: float, draw: Callable[[Axes], object]) -> str:
    """A one-panel chart over time: ``draw`` fills the axis; returns a base64 PNG."""
    figure = Figure(figsize=(10, height))
    axis = figure.subplots()
    draw(axis)
    axis.set_title(title)
    axis.grid(alpha=0.3)
    figure.autofmt_xdate()
    return _png(figure)


def plot_equity(equity: pd.Series) -> str:
    """Equity curve as a base64 PNG."""
    return _time_chart(
        "Equity marked to market (capital + open P&L at mids, INR)",
        3.5,
        lambda axis: axis.plot(equity.index, equity.to_numpy(), color="#1f5fa8"),
    )


def plot_drawdown(equity: pd.Series) -> str:
    """Drawdown below the running peak (INR) as a base64 PNG."""
    fall = -drawdown(equity)
    return _time_chart(
        "Drawdown of the marked-to-market equity (INR)",
        2.5,
        lambda axis: axis.fill_between(
            fall.index, fall.to_numpy(), 0.0, step="post", color="#c0392b", alpha=0.5
        ),
    )


def plot_spread_pnl(spreads: pd.DataFrame) -> str:
    """Net P&L per spread (bars, green wins and red losses) as a base64 PNG."""
    figure = Figure(figsize=(10, 3.5))
    axis = figure.subplots()
    pnl = spreads["pnl"].astype(float)
    colors = ["#27ae60" if value > 0 else "#c0392b" for value in pnl]
    axis.bar(range(len(pnl)), pnl.to_numpy(), color=colors)
    axis.axhline(0.0, color="black", linewidth=0.8)
    axis.set_xlabel("spread (in opening order)")
    axis.set_title("Net P&L per spread (INR, after charges)")
    axis.grid(alpha=0.3, axis="y")
    return _png(figure)


def plot_greeks(snapshots: pd.DataFrame) -> str:
    """Net delta and theta over all open spreads at each interval snapshot, base64 PNG."""
    interval = snapshots[snapshots["reason"] == "interval"]
    totals = interval.groupby("ts_event")[["net_delta", "theta"]].sum()
    figure = Figure(figsize=(10, 4.5))
    top, bottom = figure.subplots(2, 1, sharex=True)
    top.plot(totals.index, totals["net_delta"].to_numpy(), ".", markersize=2, color="#8e44ad")
    top.set_title("Net delta of open spreads (index points x units)")
    bottom.plot(totals.index, totals["theta"].to_numpy(), ".", markersize=2, color="#d35400")
    bottom.set_title("Theta of open spreads (INR per day)")
    for axis in (top, bottom):
        axis.grid(alpha=0.3)
    figure.autofmt_xdate()
    return _png(figure)


def _format(value: Any) -> str:
    if value is None:
        return "n/a"
    if isinstance(value, float):
        return f"{value:,.4f}" if abs(value) < 10 else f"{value:,.2f}"
    return html.escape(str(value))


def _table(rows: Mapping[str, Any]) -> str:
    body = "".join(
        f"<tr><th>{html.escape(key)}</th><td>{_format(value)}</td></tr>"
        for key, value in rows.items()
    )
    return f"<table class='summary'>{body}</table>"


def _image(title: str, png: str) -> str:
    return (
        f"<figure><img alt='{html.escape(title)}' src='data:image/png;base64,{png}'>"
        f"<figcaption>{html.escape(title)}</figcaption></figure>"
    )


_STYLE = """
body { font-family: system-ui, sans-serif; margin: 2em auto; max-width: 1100px; color: #222; }
table { border-collapse: collapse; margin: 1em 0; font-size: 0.9em; }
th, td { border: 1px solid #ddd; padding: 0.3em 0.6em; text-align: right; }
th { background: #f4f4f4; text-align: left; }
figure { margin: 1.5em 0; } img { max-width: 100%; }
iframe { width: 100%; height: 1600px; border: 1px solid #ddd; }
"""


def render_html(
    title: str,
    summary: Mapping[str, Any],
    spreads: pd.DataFrame,
    equity: pd.Series,
    snapshots: pd.DataFrame,
    tearsheet: str | None = None,
    files: Sequence[str] = (),
) -> str:
    """The self-contained HTML report.

    Parameters
    ----------
    title : str
        Page title.
    summary : Mapping[str, Any]
        Headline figures (from :func:`summarize`).
    spreads : pd.DataFrame
        One row per spread (:data:`SPREAD_COLUMNS`).
    equity : pd.Series
        Equity over time (:func:`mark_to_market`), for the equity and drawdown charts.
    snapshots : pd.DataFrame
        Spread monitor snapshots; adds a greeks chart when not empty.
    tearsheet : str, optional
        Relative path of the Nautilus tearsheet, linked and embedded when given.
    files : Sequence[str]
        Relative paths of the run's other output files, listed with links.
    """
    sections = [f"<h1>{html.escape(title)}</h1>", "<h2>Summary</h2>", _table(summary)]
    sections.append("<h2>Charts</h2>")
    if not equity.empty:
        sections.append(_image("Equity curve", plot_equity(equity)))
        sections.append(_image("Drawdown", plot_drawdown(equity)))
    if not spreads.empty:
        sections.append(_image("P&L per spread", plot_spread_pnl(spreads)))
    if not snapshots.empty and (snapshots["reason"] == "interval").any():
        sections.append(_image("Greeks of open spreads", plot_greeks(snapshots)))
    if not spreads.empty:
        shown = spreads.drop(columns=["legs", "strategy_id"])
        sections.append("<h2>Spreads</h2>")
        sections.append(shown.to_html(index=False, float_format=lambda x: f"{x:,.2f}"))
    if files:
        links = "".join(f"<li><a href='{html.escape(f)}'>{html.escape(f)}</a></li>" for f in files)
        sections.append(f"<h2>Files</h2><ul>{links}</ul>")
    if tearsheet is not None:
        link = html.escape(tearsheet)
        sections.append(
            f"<h2>Nautilus tearsheet</h2><p><a href='{link}'>Open the tearsheet</a></p>"
            f"<iframe src='{link}' title='Nautilus tearsheet'></iframe>"
        )
    body = "\n".join(sections)
    return (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>{html.escape(title)}</title><style>{_STYLE}</style></head>"
        f"<body>{body}</body></html>"
    )
