"""The statistics and the HTML report of a run under their former common path.

Kept so that ``from nautilus_options.backtest.report import summarize`` keeps working. The
code lives in :mod:`nautilus_options.backtest.statistics` (plain pandas, importable without a
plotting library), :mod:`nautilus_options.backtest.exits` (exit reasons from order tags) and
:mod:`nautilus_options.backtest.html_report` (the trader's report);
import from those.
"""

from nautilus_options.backtest.exits import exit_reasons
from nautilus_options.backtest.html_report import render_html
from nautilus_options.backtest.statistics import (
    SPREAD_COLUMNS,
    SUMMARY_KEYS,
    TRADING_DAYS_PER_YEAR,
    daily_equity,
    drawdown,
    mark_to_market,
    max_drawdown,
    sharpe_ratio,
    spreads_frame,
    summarize,
)

__all__ = [
    "SPREAD_COLUMNS",
    "SUMMARY_KEYS",
    "TRADING_DAYS_PER_YEAR",
    "daily_equity",
    "drawdown",
    "exit_reasons",
    "mark_to_market",
    "max_drawdown",
    "render_html",
    "sharpe_ratio",
    "spreads_frame",
    "summarize",
]
