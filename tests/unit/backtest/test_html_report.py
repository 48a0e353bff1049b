"""The HTML report built from a small hand-made run: what a trader sees on the page."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pandas as pd
import pytest
from plotly.offline import get_plotlyjs
from report_frames import orders_frame, snapshots_frame, spread_id, spread_view

from nautilus_options.backtest.charts import equity_figure
from nautilus_options.backtest.html_report import render_html
from nautilus_options.backtest.statistics import mark_to_market, spreads_frame, summarize

_SNAKE_CASE = re.compile(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b")


class _VisibleText(HTMLParser):
    """The text a browser shows: everything outside ``<script>``, ``<style>`` and tags."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._hidden += tag in ("script", "style", "title")

    def handle_endtag(self, tag: str) -> None:
        self._hidden -= tag in ("script", "style", "title")

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            self.parts.append(data)


def _visible(page: str) -> str:
    parser = _VisibleText()
    parser.feed(page)
    return " ".join(parser.parts)


@pytest.fixture(scope="module")
def page() -> str:
    # Spread 1 wins and is closed at its profit target, 2 loses and settles at expiry,
    # 3 is still open at the end.
    spreads = spreads_frame([spread_view(n, is_open=n == 3) for n in (1, 2, 3)])
    orders = orders_frame(
        {
            1: ["intent=open", "intent=close;reason=profit_target"],
            2: ["intent=open"],
            3: ["intent=open"],
        }
    )
    snapshots = snapshots_frame(spreads)
    capital = pd.Series(
        [1_000_000.0, 1_001_195.0, 1_000_390.0],
        index=pd.DatetimeIndex([spreads["opened_at"].iloc[0], *spreads["closed_at"].iloc[:2]]),
    )
    equity = mark_to_market(capital, snapshots)
    summary = summarize(spreads, capital, 1_000_000.0, equity) | {
        "start": "2026-01-08T02:30:00+00:00",
        "end": "2026-01-10T10:00:00+00:00",
    }
    return render_html(
        title="Run <1>",
        summary=summary,
        spreads=spreads,
        equity=equity,
        snapshots=snapshots,
        tearsheet="tearsheet.html",
        files=["fills.csv"],
        orders=orders,
    )


def test_labels_are_words_not_keys(page: str) -> None:
    text = _visible(page)
    assert _SNAKE_CASE.findall(text) == []
    assert "Win rate" in text
    assert "50.0 %" in text  # 1 of 2 closed spreads won
    assert "Net P&L (after charges)" in text
    assert "₹10,00,390.00" in text  # ending capital in lakh grouping
    assert "Bull put credit" in text


def test_times_are_ist(page: str) -> None:
    text = _visible(page)
    # Spread 1 opened at 02:40 UTC, 08:10 IST; the run started 02:30 UTC, 08:00 IST.
    assert "08 Jan 2026 08:10:00 IST" in text
    assert "08 Jan 2026 08:00 IST to 10 Jan 2026 15:30 IST" in text
    assert "02:40" not in text
    assert "+00:00" not in text
    assert "UTC" not in text


def test_each_spread_has_a_section_with_legs_exit_and_payoff(page: str) -> None:
    text = _visible(page)
    sections = re.findall(r"<details id='spread-([^']+)'>(.*?)</details>", page, re.DOTALL)
    assert [name for name, _ in sections] == [spread_id(n) for n in (1, 2, 3)]
    for name, body in sections:
        assert name in _visible(body)
        assert {"NIFTY2611324300PE.NFO", "NIFTY2611324100PE.NFO", "Sell", "Buy"} <= set(
            re.findall(r"[\w.]+", _visible(body))
        )
        assert "L at expiry, before charges" in body  # the payoff chart's title
    assert [_visible(body).count("Profit target") for _, body in sections] == [2, 0, 0]
    assert "Settled at expiry" in _visible(sections[1][1])
    assert "Still open" in _visible(sections[2][1])
    assert "S0001" in text  # short ids in the table and on the chart axis


def test_plotly_is_embedded_once_and_nothing_is_fetched(page: str) -> None:
    bundle = get_plotlyjs()
    assert page.count(bundle[:200]) == 1
    ours = page.replace(bundle, "")
    assert not re.search(r"<script[^>]*\bsrc=", ours)
    assert "http" not in ours
    # 4 charts (equity, drawdown, P&L per spread, greeks) and one payoff per spread.
    assert ours.count("Plotly.newPlot(") == 7


def test_escapes_the_title_and_links_the_outputs(page: str) -> None:
    assert "<title>Run &lt;1&gt;</title>" in page
    assert "<a href='fills.csv'>" in page
    assert "<iframe src='tearsheet.html'" in page
    assert "class='table-wrap'" in page  # wide tables scroll inside their own box


def test_a_run_without_trades_has_no_charts_and_no_raw_keys() -> None:
    spreads = spreads_frame([])
    empty = render_html(
        "x",
        summarize(spreads, pd.Series(dtype=float), 1_000.0),
        spreads,
        pd.Series(dtype=float),
        pd.DataFrame(),
        orders=pd.DataFrame(),
    )
    assert "Plotly" not in empty
    assert _SNAKE_CASE.findall(_visible(empty)) == []
    assert "<details" not in empty


def test_a_run_outside_nse_sessions_keeps_its_points_on_the_time_axis() -> None:
    # A Sunday afternoon on the always-open simulator, then a weekday session.
    sunday = pd.Series(
        [1_000_000.0, 999_900.0],
        index=pd.DatetimeIndex(["2026-11-29 09:53:11", "2026-11-29 09:53:26"], tz="UTC"),
    )
    assert equity_figure(sunday).layout.xaxis.rangebreaks == ()
    monday = sunday.set_axis(sunday.index + pd.Timedelta(days=1))
    assert equity_figure(monday).layout.xaxis.rangebreaks != ()
