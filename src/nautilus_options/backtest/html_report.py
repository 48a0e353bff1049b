"""The HTML report of a run, written for a trader: labelled figures, IST times, live charts.

:func:`render_html` builds one self-contained page from the run's frames (see
:mod:`nautilus_options.backtest.statistics`). plotly.js is embedded once, inline, so the file
opens offline; every chart is a ``<div>`` drawn by it. The page holds, in order: the
headline figures, the charts (equity and drawdown marked to market, P&L per spread, greeks),
a table of the spreads, one collapsible section per spread (legs, entry and exit, exit
reason, payoff at expiry), every summary figure, and links to the other output files.
"""

from __future__ import annotations

import html
import json
from collections.abc import Mapping, Sequence
from typing import Any, cast

import pandas as pd
from plotly.offline import get_plotlyjs

from nautilus_options.backtest.charts import (
    drawdown_figure,
    equity_figure,
    figure_div,
    greeks_figure,
    payoff_figure,
    spread_pnl_figure,
)
from nautilus_options.backtest.exits import CLOSED, EXPIRY, OPEN, exit_reasons
from nautilus_options.backtest.formatting import (
    MISSING,
    humanize,
    inr,
    ist_day,
    ist_time,
    number,
    summary_figure,
    summary_rows,
)
from nautilus_options.domain.spreads import LegSpec, Right, SpreadGeometry

__all__ = ["render_html"]

_REASONS = {EXPIRY: "Settled at expiry", OPEN: "Still open", CLOSED: "Closed"}
#: Summary keys shown as headline cards at the top of the page.
_HEADLINE = ("pnl_total", "return_pct", "win_rate", "max_drawdown", "sharpe", "ending_capital")

_STYLE = """
body { font: 15px/1.45 system-ui, sans-serif; margin: 0 auto; padding: 1.5em 2em;
  max-width: 1200px; color: #222; box-sizing: border-box; }
h1 { margin-bottom: 0.2em; } .period { color: #555; margin-top: 0; }
h2 { margin-top: 1.8em; border-bottom: 1px solid #ddd; padding-bottom: 0.2em; }
.cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(170px, 1fr)); gap: 0.8em; }
.card { border: 1px solid #ddd; border-radius: 6px; padding: 0.6em 0.8em; }
.card .label { color: #555; font-size: 0.85em; } .card .value { font-size: 1.35em; }
.table-wrap { overflow-x: auto; max-width: 100%; }
table { border-collapse: collapse; margin: 0.6em 0; font-size: 0.9em; width: 100%; }
th, td { border-bottom: 1px solid #e4e4e4; padding: 0.3em 0.5em; text-align: left; }
thead th { background: #f4f4f4; position: sticky; top: 0; }
td.num, th.num { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
table.figures { width: auto; } table.figures th { font-weight: normal; color: #444; }
.pos { color: #1e8449; } .neg { color: #c0392b; }
details { border: 1px solid #ddd; border-radius: 6px; margin: 0.5em 0; padding: 0.2em 0.8em; }
details[open] { padding-bottom: 0.8em; }
summary { cursor: pointer; padding: 0.3em 0; }
.spread-body { display: grid; grid-template-columns: minmax(0, 1fr) minmax(0, 1fr); gap: 1em; }
@media (max-width: 900px) { .spread-body { grid-template-columns: minmax(0, 1fr); } }
iframe { width: 100%; height: 1600px; border: 1px solid #ddd; }
"""

# Redraw the charts of a section when it is opened: plotly sizes hidden charts wrongly.
_RESIZE_ON_OPEN = """
document.addEventListener("toggle", (event) => {
  event.target.querySelectorAll(".js-plotly-plot").forEach((plot) => Plotly.Plots.resize(plot));
}, true);
"""


def render_html(
    title: str,
    summary: Mapping[str, Any],
    spreads: pd.DataFrame,
    equity: pd.Series,
    snapshots: pd.DataFrame,
    tearsheet: str | None = None,
    files: Sequence[str] = (),
    *,
    orders: pd.DataFrame | None = None,
) -> str:
    """The self-contained HTML report.

    Parameters
    ----------
    title : str
        Page title.
    summary : Mapping[str, Any]
        Headline figures (:func:`~nautilus_options.backtest.statistics.summarize`, plus the
        run's ``start`` and ``end``).
    spreads : pd.DataFrame
        One row per spread (:data:`~nautilus_options.backtest.statistics.SPREAD_COLUMNS`).
    equity : pd.Series
        Equity over time (:func:`~nautilus_options.backtest.statistics.mark_to_market`).
    snapshots : pd.DataFrame
        Spread monitor snapshots; add the greeks chart and the underlying at entry and exit.
    tearsheet : str, optional
        Relative path of the Nautilus tearsheet, linked and embedded when given.
    files : Sequence[str]
        Relative paths of the run's other output files, listed with links.
    orders : pd.DataFrame, optional
        Nautilus' orders report, for each spread's exit reason (not shown without it).
    """
    charts = _charts(spreads, equity, snapshots)
    reasons = exit_reasons(spreads, orders) if orders is not None else None
    sections = [
        f"<h1>{html.escape(title)}</h1>",
        _period(summary),
        _cards(summary),
        *(["<h2>Charts</h2>", *charts] if charts else []),
    ]
    if not spreads.empty:
        labels = _labels(spreads)
        sections += [
            "<h2>Spreads</h2>",
            _spreads_table(spreads, labels, reasons),
            "<h2>Spread by spread</h2>",
            *(
                _spread_section(row, label, reasons, snapshots)
                for (_, row), label in zip(spreads.iterrows(), labels, strict=True)
            ),
        ]
    sections += ["<h2>All figures</h2>", _figures_table(summary)]
    if files:
        links = "".join(f"<li><a href='{html.escape(f)}'>{html.escape(f)}</a></li>" for f in files)
        sections.append(f"<h2>Files</h2><ul>{links}</ul>")
    if tearsheet is not None:
        link = html.escape(tearsheet)
        sections.append(
            f"<h2>Nautilus tearsheet</h2><p><a href='{link}'>Open the tearsheet</a></p>"
            f"<iframe src='{link}' title='Nautilus tearsheet' loading='lazy'></iframe>"
        )
    scripts = f"<script>{get_plotlyjs()}</script><script>{_RESIZE_ON_OPEN}</script>"
    return (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width, initial-scale=1'>"
        f"<title>{html.escape(title)}</title><style>{_STYLE}</style>"
        f"{scripts if charts or not spreads.empty else ''}</head>"
        f"<body>{''.join(sections)}</body></html>"
    )


def _charts(spreads: pd.DataFrame, equity: pd.Series, snapshots: pd.DataFrame) -> list[str]:
    figures = []
    if not equity.empty:
        figures += [equity_figure(equity), drawdown_figure(equity)]
    if not spreads.empty:
        figures.append(spread_pnl_figure(spreads, _labels(spreads)))
    if not snapshots.empty and (snapshots["reason"] == "interval").any():
        figures.append(greeks_figure(snapshots))
    return [figure_div(figure) for figure in figures]


def _labels(spreads: pd.DataFrame) -> list[str]:
    """Spread ids without the strategy id in front when one strategy traded them all."""
    ids = [str(spread_id) for spread_id in spreads["spread_id"]]
    strategies = {str(strategy) for strategy in spreads["strategy_id"]}
    if len(strategies) != 1:
        return ids
    prefix = f"{strategies.pop()}-"
    return [spread_id.removeprefix(prefix) for spread_id in ids]


def _period(summary: Mapping[str, Any]) -> str:
    if "start" not in summary and "end" not in summary:
        return ""
    start, end = ist_time(summary.get("start")), ist_time(summary.get("end"))
    return f"<p class='period'>{html.escape(start)} to {html.escape(end)}</p>"


def _signed(text: str, value: float | None) -> str:
    """``text`` coloured by the sign of ``value`` (profit green, loss red)."""
    if value is None or pd.isna(value) or value == 0:
        return html.escape(text)
    return f"<span class='{'pos' if value > 0 else 'neg'}'>{html.escape(text)}</span>"


def _cards(summary: Mapping[str, Any]) -> str:
    cards = []
    for key in _HEADLINE:
        if key in summary:
            label, text = summary_figure(key, summary[key])
            value = summary[key] if key in ("pnl_total", "return_pct") else None
            cards.append(
                f"<div class='card'><div class='label'>{html.escape(label)}</div>"
                f"<div class='value'>{_signed(text, value)}</div></div>"
            )
    return f"<div class='cards'>{''.join(cards)}</div>"


def _table(headers: Sequence[str], rows: Sequence[Sequence[str]], numeric: set[int]) -> str:
    """A table inside a scrolling container; ``rows`` hold HTML, ``numeric`` column indices."""

    def cell(tag: str, index: int, content: str) -> str:
        return (
            f"<{tag} class='num'>{content}</{tag}>"
            if index in numeric
            else f"<{tag}>{content}</{tag}>"
        )

    head = "".join(cell("th", i, html.escape(h)) for i, h in enumerate(headers))
    body = "".join(
        "<tr>" + "".join(cell("td", i, content) for i, content in enumerate(row)) + "</tr>"
        for row in rows
    )
    table = f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
    return f"<div class='table-wrap'>{table}</div>"


def _figures_table(summary: Mapping[str, Any]) -> str:
    rows = "".join(
        f"<tr><th>{html.escape(label)}</th><td class='num'>{html.escape(text)}</td></tr>"
        for label, text in summary_rows(summary)
    )
    return f"<div class='table-wrap'><table class='figures'>{rows}</table></div>"


def _reason(reasons: pd.Series | None, spread_id: str) -> str:
    if reasons is None:
        return MISSING
    reason = str(reasons[spread_id])
    return _REASONS.get(reason, humanize(reason))


def _lots(row: pd.Series) -> str:
    lots = int(row["lots"])
    return f"{lots} lot" if lots == 1 else f"{number(lots)} lots"


def _spreads_table(spreads: pd.DataFrame, labels: Sequence[str], reasons: pd.Series | None) -> str:
    headers = (
        "Spread",
        "Type",
        "Expiry",
        "Size",
        "Opened (IST)",
        "Closed (IST)",
        "Exit",
        "Premium / unit",
        "Charges",
        "Net P&L",
    )
    rows = [
        (
            f"<a href='#{_anchor(row['spread_id'])}'>{html.escape(label)}</a>",
            html.escape(humanize(str(row["spread_type"]))),
            html.escape(ist_day(row["expiry"])),
            html.escape(_lots(row)),
            html.escape(_short_time(row["opened_at"])),
            html.escape(_short_time(row["closed_at"])),
            html.escape(_reason(reasons, str(row["spread_id"]))),
            html.escape(inr(float(row["net_premium"]))),
            html.escape(inr(float(row["charges"]))),
            _signed(inr(float(row["pnl"])), float(row["pnl"])),
        )
        for (_, row), label in zip(spreads.iterrows(), labels, strict=True)
    ]
    return _table(headers, rows, numeric={3, 7, 8, 9})


def _anchor(spread_id: object) -> str:
    return html.escape(f"spread-{spread_id}")


def _short_time(moment: object) -> str:
    return ist_time(cast(pd.Timestamp, moment), "%d %b %H:%M")


def _geometry(legs: Sequence[Mapping[str, Any]], units: float) -> SpreadGeometry:
    """The spread's legs per unit: ratio = signed quantity / spread units."""
    return SpreadGeometry(
        tuple(
            LegSpec(float(leg["strike"]), cast(Right, leg["right"]), round(leg["quantity"] / units))
            for leg in legs
        )
    )


def _spots(snapshots: pd.DataFrame, spread_id: str, is_open: bool) -> list[tuple[str, float]]:
    """The underlying at the spread's first and last snapshot (its entry, and exit or now)."""
    if snapshots.empty or "underlying" not in snapshots:
        return []
    marks = snapshots.loc[snapshots["spread_id"] == spread_id, "underlying"].astype(float)
    if marks.empty:
        return []
    return [
        ("at entry", float(marks.iloc[0])),
        ("last" if is_open else "at exit", float(marks.iloc[-1])),
    ]


def _legs_table(legs: Sequence[Mapping[str, Any]], is_open: bool) -> str:
    rows = [
        (
            html.escape(str(leg["instrument_id"])),
            number(float(leg["strike"])),
            html.escape(str(leg["right"])),
            "Buy" if leg["quantity"] > 0 else "Sell",
            number(abs(float(leg["quantity"]))),
            inr(float(leg["avg_px_open"])),
            MISSING if is_open else inr(float(leg["avg_px_close"])),
        )
        for leg in legs
    ]
    headers = ("Contract", "Strike", "Right", "Side", "Quantity", "Entry price", "Exit price")
    return _table(headers, rows, numeric={1, 4, 5, 6})


def _spread_section(
    row: pd.Series, label: str, reasons: pd.Series | None, snapshots: pd.DataFrame
) -> str:
    spread_id = str(row["spread_id"])
    legs: list[dict[str, Any]] = json.loads(row["legs"])
    is_open = bool(row["is_open"])
    pnl = float(row["pnl"])
    net_premium = float(row["net_premium"])
    reason = _reason(reasons, spread_id)
    headline = " · ".join(
        [
            f"<b>{html.escape(label)}</b>",
            html.escape(f"{humanize(str(row['spread_type']))} on {row['underlying']}"),
            html.escape(f"expiry {ist_day(row['expiry'])}"),
            html.escape(_lots(row)),
            html.escape(
                f"{_short_time(row['opened_at'])}, still open"
                if is_open
                else f"{_short_time(row['opened_at'])} to {_short_time(row['closed_at'])}"
            ),
            html.escape(reason),
            _signed(inr(pnl), pnl),
        ]
    )
    premium = "credit" if net_premium >= 0 else "debit"
    breakevens = ", ".join(number(point, 2) for point in json.loads(row["breakevens"]))
    facts = [
        ("Spread id", spread_id),
        ("Opened", ist_time(row["opened_at"], "%d %b %Y %H:%M:%S")),
        ("Closed", "still open" if is_open else ist_time(row["closed_at"], "%d %b %Y %H:%M:%S")),
        ("Exit reason", reason),
        (f"Net {premium} per unit", inr(abs(net_premium))),
        (
            f"Premium {'received' if net_premium >= 0 else 'paid'}",
            inr(abs(float(row["entry_cashflow"]))),
        ),
        ("Gross P&L", inr(float(row["gross_pnl"]))),
        ("Charges", inr(float(row["charges"]))),
        ("Net P&L", inr(pnl) + (" (realized so far)" if is_open else "")),
        ("Max profit at expiry", inr(float(row["max_profit"]))),
        ("Max loss at expiry", inr(float(row["max_loss"]))),
        ("Breakevens", breakevens or MISSING),
    ]
    facts_table = "".join(
        f"<tr><th>{html.escape(name)}</th><td class='num'>{html.escape(text)}</td></tr>"
        for name, text in facts
    )
    payoff = payoff_figure(
        _geometry(legs, float(row["units"])),
        float(row["units"]),
        net_premium,
        _spots(snapshots, spread_id, is_open),
    )
    return (
        f"<details id='{_anchor(spread_id)}'><summary>{headline}</summary>"
        f"{_legs_table(legs, is_open)}"
        f"<div class='spread-body'><div class='table-wrap'><table class='figures'>{facts_table}"
        f"</table></div><div>{figure_div(payoff)}</div></div></details>"
    )
