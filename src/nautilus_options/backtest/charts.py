"""Interactive plotly charts of a run, in IST and rupees.

Each function returns a ``plotly.graph_objects.Figure``; :func:`figure_div` turns it into an
HTML ``<div>`` without plotly.js, which the page that holds the charts embeds once. Time axes
show IST wall-clock time and skip nights, weekends and NSE holidays; rupee axes and hover
labels use Indian digit grouping (:mod:`nautilus_options.backtest.formatting`).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from nautilus_options.backtest.formatting import inr, number
from nautilus_options.domain.nse import SESSION_CLOSE, SESSION_OPEN, is_trading_day
from nautilus_options.domain.spreads import SpreadGeometry
from nautilus_options.domain.time import IST

__all__ = [
    "drawdown_figure",
    "equity_figure",
    "figure_div",
    "greeks_figure",
    "inr_ticks",
    "payoff_figure",
    "spread_pnl_figure",
]

_GREEN, _RED, _GREY, _BLUE = "#1e8449", "#c0392b", "#7f8c8d", "#1f5fa8"
_CONFIG = {"displaylogo": False, "responsive": True}


def figure_div(figure: go.Figure) -> str:
    """The figure as an HTML ``<div>``; plotly.js must already be on the page."""
    html: str = figure.to_html(full_html=False, include_plotlyjs=False, config=_CONFIG)
    return html


def inr_ticks(low: float, high: float, count: int = 6) -> tuple[list[float], list[str]]:
    """About ``count`` round tick values spanning ``low``..``high``, labelled in rupees.

    Steps are 1, 2 or 5 times a power of ten, so labels read ``₹9,90,000``, ``₹10,00,000``.
    """
    if not (math.isfinite(low) and math.isfinite(high)):
        return [], []
    span = max(high - low, abs(high) * 1e-6, 1.0)
    raw = span / max(count - 1, 1)
    power = 10.0 ** math.floor(math.log10(raw))
    step = next(power * m for m in (1, 2, 5, 10) if power * m >= raw)
    first = math.floor(low / step) * step
    values = [first + i * step for i in range(math.ceil((high - first) / step) + 1)]
    decimals = 0 if all(float(value).is_integer() for value in values) else 2
    return values, [inr(value, decimals) for value in values]


def _ist_wall_clock(index: pd.Index) -> pd.DatetimeIndex:
    """UTC-aware times as naive IST wall-clock times (plotly.js shows them as given)."""
    return pd.DatetimeIndex(index).tz_convert(IST).tz_localize(None)


def _within_sessions(times: pd.DatetimeIndex) -> bool:
    """Whether every IST wall-clock time lies in an NSE session (not so for a paper run on
    the always-open simulator, whose points the session breaks would hide)."""
    clock = times.time
    return bool(
        all(SESSION_OPEN <= t <= SESSION_CLOSE for t in clock)
        and all(is_trading_day(day) for day in set(times.date))
    )


def _time_axis(figure: go.Figure, times: pd.DatetimeIndex) -> None:
    """IST time axes that skip nights, weekends and exchange holidays between the sessions
    (when every point lies in a session)."""
    open_hours = SESSION_OPEN.hour + SESSION_OPEN.minute / 60
    close_hours = SESSION_CLOSE.hour + SESSION_CLOSE.minute / 60
    breaks: list[dict[str, Any]] = [
        {"bounds": ["sat", "mon"]},
        {"bounds": [close_hours, open_hours], "pattern": "hour"},
    ]
    if not _within_sessions(times):
        breaks = []
    elif len(times):
        days = pd.date_range(times.min().normalize(), times.max().normalize(), freq="D")
        # A holiday's session only: breaks that overlap the nightly ones confuse plotly.js.
        holidays = [
            f"{day:%Y-%m-%d} {SESSION_OPEN:%H:%M}"
            for day in days
            if day.day_of_week < 5 and not is_trading_day(day.date())
        ]
        if holidays:
            session_ms = (close_hours - open_hours) * 3_600_000
            breaks.append({"values": holidays, "dvalue": session_ms})
    figure.update_xaxes(
        rangebreaks=breaks,
        title_text="time (IST)",
        hoverformat="%d %b %Y %H:%M IST",
        tickformatstops=[
            {"dtickrange": [None, 86_400_000], "value": "%d %b %H:%M"},
            {"dtickrange": [86_400_000, None], "value": "%d %b"},
        ],
    )


def _rupee_axis(figure: go.Figure, values: Sequence[float], **where: int) -> None:
    finite = [float(v) for v in values if math.isfinite(float(v))]
    if finite:
        ticks, labels = inr_ticks(min(finite), max(finite))
        figure.update_yaxes(tickmode="array", tickvals=ticks, ticktext=labels, **where)


def _layout(figure: go.Figure, title: str, height: int, hovermode: str = "x unified") -> go.Figure:
    figure.update_layout(
        title={"text": title, "x": 0, "xanchor": "left", "font": {"size": 15}},
        template="plotly_white",
        height=height,
        margin={"l": 80, "r": 20, "t": 48, "b": 48},
        showlegend=False,
        hovermode=hovermode,
    )
    return figure


def equity_figure(equity: pd.Series) -> go.Figure:
    """Equity marked to market (realized capital plus open P&L at mids), in rupees."""
    times = _ist_wall_clock(equity.index)
    figure = go.Figure(
        go.Scatter(
            x=times,
            y=equity.to_numpy(dtype=float),
            mode="lines",
            line={"color": _BLUE, "width": 1.5, "shape": "hv"},
            customdata=equity.map(lambda value: number(value, 2)).to_numpy(),
            hovertemplate="Equity ₹%{customdata}<extra></extra>",
        )
    )
    _time_axis(figure, times)
    _rupee_axis(figure, equity.tolist())
    return _layout(figure, "Equity, marked to market (capital + open P&L at mids)", 360)


def drawdown_figure(equity: pd.Series) -> go.Figure:
    """Fall of the marked-to-market equity below its running peak, in rupees (<= 0)."""
    fall = equity - equity.cummax()
    times = _ist_wall_clock(equity.index)
    figure = go.Figure(
        go.Scatter(
            x=times,
            y=fall.to_numpy(dtype=float),
            mode="lines",
            fill="tozeroy",
            line={"color": _RED, "width": 1, "shape": "hv"},
            customdata=fall.map(lambda value: number(-value, 2)).to_numpy(),
            hovertemplate="₹%{customdata} below the peak<extra></extra>",
        )
    )
    _time_axis(figure, times)
    _rupee_axis(figure, [*fall.tolist(), 0.0])
    return _layout(figure, "Drawdown below the running peak", 260)


def spread_pnl_figure(spreads: pd.DataFrame, labels: Sequence[str]) -> go.Figure:
    """Net P&L of each spread (after charges), bars labelled with ``labels`` (spread ids).

    Open spreads are grey: their bar is the P&L realized so far.
    """
    pnl = spreads["pnl"].astype(float)
    is_open = spreads["is_open"].astype(bool)
    colors = [
        _GREY if still_open else (_GREEN if value > 0 else _RED)
        for value, still_open in zip(pnl, is_open, strict=True)
    ]
    status = ["open, realized so far" if still_open else "closed" for still_open in is_open]
    figure = go.Figure(
        go.Bar(
            x=list(labels),
            y=pnl.to_numpy(),
            marker_color=colors,
            customdata=np.column_stack([spreads["spread_id"], pnl.map(inr), status]),
            hovertemplate="%{customdata[0]}<br>%{customdata[1]} (%{customdata[2]})<extra></extra>",
        )
    )
    figure.update_xaxes(title_text="spread", type="category")
    _rupee_axis(figure, [*pnl.tolist(), 0.0])
    return _layout(figure, "Net P&L per spread, after charges", 320, hovermode="closest")


_GREEKS = (
    ("net_delta", "Net delta (₹ per index point)", "#8e44ad"),
    ("theta", "Theta (₹ per day)", "#d35400"),
    ("vega", "Vega (₹ per vol point)", "#16a085"),
)


def greeks_figure(snapshots: pd.DataFrame) -> go.Figure:
    """Net delta, theta and vega summed over the open spreads at each interval snapshot."""
    interval = snapshots[snapshots["reason"] == "interval"]
    shown = [greek for greek in _GREEKS if greek[0] in interval]
    totals = interval.groupby("ts_event")[[column for column, _, _ in shown]].sum()
    times = _ist_wall_clock(totals.index)
    figure = make_subplots(
        rows=len(shown),
        cols=1,
        shared_xaxes=True,
        vertical_spacing=0.08,
        subplot_titles=[title for _, title, _ in shown],
    )
    for row, (column, title, color) in enumerate(shown, start=1):
        figure.add_trace(
            go.Scatter(
                x=times,
                y=totals[column].to_numpy(),
                mode="lines",
                line={"color": color, "width": 1, "shape": "hv"},
                hovertemplate=f"{title}: %{{y:,.2f}}<extra></extra>",
            ),
            row=row,
            col=1,
        )
    _time_axis(figure, times)
    figure.update_xaxes(title_text=None)
    figure.update_xaxes(title_text="time (IST)", row=len(shown), col=1)
    return _layout(figure, "Greeks of the open spreads", 170 * len(shown) + 60)


def payoff_figure(
    geometry: SpreadGeometry,
    units: float,
    net_premium: float,
    spots: Sequence[tuple[str, float]] = (),
) -> go.Figure:
    """P&L of a spread held to expiry against the underlying's price, in rupees.

    Parameters
    ----------
    geometry : SpreadGeometry
        The legs, with their ratios per spread unit.
    units : float
        Spread units held (lots times lot size).
    net_premium : float
        Net credit per unit received on opening (< 0 for a debit paid).
    spots : Sequence[tuple[str, float]]
        Up to two marked prices of the underlying, e.g. ``("at entry", 26013.8)``, drawn as
        lines labelled on their left and right.
    """
    margin = max(geometry.width, 0.01 * geometry.strikes[-1])
    knots = {
        geometry.strikes[0] - margin,
        geometry.strikes[-1] + margin,
        *geometry.strikes,
        *geometry.breakevens(net_premium),
        *(spot for _, spot in spots),
    }
    grid = np.array(sorted(knots))
    pnl = (geometry.payoff(grid) + net_premium) * units
    figure = go.Figure()
    for clipped, color in ((np.maximum(pnl, 0.0), _GREEN), (np.minimum(pnl, 0.0), _RED)):
        figure.add_trace(
            go.Scatter(
                x=grid,
                y=clipped,
                mode="lines",
                fill="tozeroy",
                line={"color": color, "width": 0},
                hoverinfo="skip",
            )
        )
    figure.add_trace(
        go.Scatter(
            x=grid,
            y=pnl,
            mode="lines",
            line={"color": "#333", "width": 1},
            customdata=np.column_stack([[number(x) for x in grid], [inr(v) for v in pnl]]),
            hovertemplate="at %{customdata[0]}: %{customdata[1]}<extra></extra>",
        )
    )
    for (name, spot), side in zip(spots, ("left", "right"), strict=False):
        figure.add_vline(
            x=spot,
            line_dash="dot",
            line_color=_BLUE,
            annotation_text=name,
            annotation_position=f"top {side}",
        )
    figure.update_xaxes(title_text="underlying at expiry", tickformat=",d")
    _rupee_axis(figure, [*pnl.tolist(), 0.0])
    return _layout(figure, "P&L at expiry, before charges", 280, hovermode="closest")
