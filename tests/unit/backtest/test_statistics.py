"""Backtest statistics on hand-built frames."""

from __future__ import annotations

import json
import math
import subprocess
import sys
from datetime import date

import pandas as pd
import pytest
from report_frames import orders_frame, spread_view

from nautilus_options.backtest.exits import EXPIRY, OPEN, exit_reasons
from nautilus_options.backtest.statistics import (
    SPREAD_COLUMNS,
    SUMMARY_KEYS,
    daily_equity,
    mark_to_market,
    max_drawdown,
    sharpe_ratio,
    spreads_frame,
    summarize,
)


def _equity(values: list[float], start: str = "2026-01-05 04:00", freq: str = "1D") -> pd.Series:
    index = pd.date_range(start, periods=len(values), freq=freq, tz="UTC")
    return pd.Series(values, index=index, dtype=float)


def _spreads(pnls: list[float], open_last: bool = False) -> pd.DataFrame:
    frame = pd.DataFrame({column: [None] * len(pnls) for column in SPREAD_COLUMNS})
    frame["pnl"] = pnls
    frame["commissions"] = 10.0
    frame["settlement_charges"] = 2.0
    frame["charges"] = 12.0
    frame["is_open"] = [open_last and i == len(pnls) - 1 for i in range(len(pnls))]
    return frame


def test_max_drawdown_is_the_largest_fall_from_a_running_peak() -> None:
    amount, fraction = max_drawdown(_equity([100, 120, 90, 110, 80, 130]))
    assert amount == 40.0
    assert fraction == pytest.approx(40 / 120)
    assert max_drawdown(_equity([100, 101, 102])) == (0.0, 0.0)
    assert max_drawdown(_equity([])) == (0.0, 0.0)


def test_daily_equity_carries_flat_weekdays_and_skips_weekends() -> None:
    equity = _equity([100, 101, 99], start="2026-01-08 04:00", freq="2D")  # Thu, Sat, Mon
    daily = daily_equity(equity)
    assert [day.strftime("%a") for day in daily.index] == ["Thu", "Fri", "Mon"]
    assert daily.tolist() == [100, 100, 99]


def test_daily_equity_skips_exchange_holidays() -> None:
    equity = _equity([100, 101], start="2026-01-23 10:00", freq="4D")  # Fri, Tue
    daily = daily_equity(equity)
    # Monday 26 Jan 2026 (Republic Day) is no trading day: no flat return for it.
    assert [day.strftime("%a %d") for day in daily.index] == ["Fri 23", "Tue 27"]


def _snapshot_rows(rows: list[tuple[str, str, bool, float]]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=["ts_event", "spread_id", "is_open", "unrealized_pnl"])
    frame["ts_event"] = pd.to_datetime("2026-01-05 " + frame["ts_event"], utc=True)
    return frame


def test_mark_to_market_adds_each_open_spreads_latest_open_pnl() -> None:
    capital = pd.Series(
        [1000.0, 990.0, 1040.0, 1035.0],
        index=pd.to_datetime(
            [f"2026-01-05 {t}" for t in ("09:15", "09:30", "11:00", "11:00")], utc=True
        ),
    )
    snapshots = _snapshot_rows(
        [
            ("09:30", "A", True, -5.0),
            ("10:00", "A", True, -50.0),
            ("10:00", "B", True, 10.0),
            ("10:30", "A", True, 30.0),
            ("11:00", "A", False, 0.0),  # A closed: its P&L is now in the capital
        ]
    )
    equity = mark_to_market(capital, snapshots)
    # One point per instant; B stays open, carried at its last open P&L.
    assert equity.index.is_unique
    assert equity.tolist() == [1000.0, 985.0, 950.0, 1030.0, 1045.0]
    assert mark_to_market(capital, snapshots.iloc[:0]).tolist() == [1000.0, 990.0, 1035.0]


def test_sharpe_ratio_of_daily_returns_from_the_starting_value() -> None:
    index = pd.to_datetime(
        [
            "2026-01-05 03:45",
            "2026-01-05 10:00",
            "2026-01-06 10:00",
            "2026-01-07 10:00",
            "2026-01-08 10:00",
        ],
        utc=True,
    )
    equity = pd.Series([100.0, 101.0, 100.0, 102.0, 103.0], index=index)
    returns = pd.Series([0.01, -1 / 101, 0.02, 1 / 102])
    expected = returns.mean() / returns.std() * math.sqrt(252)
    assert sharpe_ratio(equity) == pytest.approx(expected)
    assert sharpe_ratio(_equity([100, 100, 100])) is None
    assert sharpe_ratio(_equity([100])) is None


def test_days_without_data_give_no_daily_return() -> None:
    # Mon 5, Tue 6, Thu 8 and Fri 9 January 2026; the catalog holds nothing for Wed 7.
    index = pd.to_datetime(
        [
            "2026-01-05 03:45",
            "2026-01-05 10:00",
            "2026-01-06 10:00",
            "2026-01-08 10:00",
            "2026-01-09 10:00",
        ],
        utc=True,
    )
    equity = pd.Series([100.0, 101.0, 100.0, 102.0, 99.0], index=index)
    gap = [date(2026, 1, 7)]
    assert [day.day for day in daily_equity(equity, gap).index] == [5, 6, 8, 9]
    returns = pd.Series([0.01, -1 / 101, 0.02, -3 / 102])
    expected = returns.mean() / returns.std() * math.sqrt(252)
    assert sharpe_ratio(equity, days_without_data=gap) == pytest.approx(expected)
    flat = pd.Series([*returns[:2], 0.0, *returns[2:]])  # the gap as a flat day
    assert sharpe_ratio(equity) == pytest.approx(flat.mean() / flat.std() * math.sqrt(252))
    summary = summarize(_spreads([1.0]), equity, 100.0, days_without_data=gap)
    assert summary["sharpe"] == pytest.approx(expected)


def test_summary_counts_closed_spreads_and_sums_net_pnl() -> None:
    summary = summarize(_spreads([100.0, -40.0, 30.0], open_last=True), _equity([1000, 1060]), 1000)
    assert set(summary) == set(SUMMARY_KEYS)
    assert summary["trades"] == 2
    assert summary["open_spreads"] == 1
    assert summary["wins"] == 1
    assert summary["win_rate"] == 0.5
    assert summary["pnl_total"] == 90.0
    assert summary["charges_total"] == 36.0
    assert summary["settlement_charges"] == 6.0
    assert summary["ending_capital"] == 1060.0
    assert summary["return_pct"] == pytest.approx(6.0)


def test_summary_drawdown_and_open_pnl_come_from_the_marked_equity() -> None:
    capital = _equity([1000, 1000, 1060])
    equity = _equity([1000, 940, 1080])  # a spread 60 under water, then 20 in profit still open
    summary = summarize(_spreads([60.0, 5.0], open_last=True), capital, 1000, equity)
    assert summary["ending_capital"] == 1060.0
    assert summary["open_pnl"] == 20.0
    assert summary["max_drawdown"] == 60.0
    assert summary["max_drawdown_pct"] == pytest.approx(6.0)
    assert summarize(_spreads([60.0]), capital, 1000)["open_pnl"] == 0.0


def test_summary_without_trades() -> None:
    summary = summarize(_spreads([]), _equity([]), 5_000)
    assert summary["trades"] == 0
    assert summary["win_rate"] is None
    assert summary["pnl_total"] == 0.0
    assert summary["ending_capital"] == 5_000
    assert summary["sharpe"] is None


def test_spreads_frame_has_one_row_per_spread_with_net_and_gross_pnl() -> None:
    frame = spreads_frame([spread_view(1, is_open=False), spread_view(2, is_open=True)])
    assert list(frame.columns) == list(SPREAD_COLUMNS)
    row = frame.iloc[0]
    assert row["pnl"] == 1_195.0
    assert row["charges"] == 45.0
    assert row["gross_pnl"] == 1_240.0
    assert row["entry_cashflow"] == 20.0 * 65
    assert json.loads(row["breakevens"]) == [24_280.0]
    assert [leg["quantity"] for leg in json.loads(row["legs"])] == [65.0, -65.0]
    assert row["closed_at"] == pd.Timestamp(1_767_850_000_000_000_000, unit="ns", tz="UTC")
    assert pd.isna(frame.iloc[1]["closed_at"])
    assert str(row["opened_ist"]) == "2026-01-08 08:10:00+05:30"
    assert row["closed_ist"] == row["closed_at"]  # the same instant, shown in IST
    assert pd.isna(frame.iloc[1]["closed_ist"])


def test_exit_reasons_come_from_the_closing_orders_tags() -> None:
    spreads = spreads_frame([spread_view(n, is_open=n == 4) for n in (1, 2, 3, 4)])
    orders = orders_frame(
        {
            1: ["intent=open", "intent=close;reason=stop_loss"],
            2: ["intent=open"],  # no closing order: settled at expiry
            3: ["intent=close", "intent=close;reason=profit_target"],
            4: ["intent=open"],
        }
    )
    expected = ["stop_loss", EXPIRY, "profit_target", OPEN]
    assert exit_reasons(spreads, orders).tolist() == expected
    # The same from the orders report read back from CSV, where tags are a list's text.
    orders["tags"] = orders["tags"].map(str)
    assert exit_reasons(spreads, orders).tolist() == expected
    assert exit_reasons(spreads, pd.DataFrame()).tolist() == [EXPIRY, EXPIRY, EXPIRY, OPEN]


def test_statistics_import_no_plotting_library() -> None:
    code = (
        "import sys, nautilus_options.backtest.statistics; "
        "assert 'matplotlib' not in sys.modules and 'plotly' not in sys.modules, "
        "sorted(m for m in sys.modules if m.startswith(('matplotlib', 'plotly')))"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
