"""Figures as the report shows them: rupees in lakh grouping, percentages, IST times."""

from __future__ import annotations

from datetime import UTC, datetime
from itertools import pairwise

import pandas as pd
import pytest

from nautilus_options.backtest.charts import inr_ticks
from nautilus_options.backtest.formatting import (
    MISSING,
    group_indian,
    inr,
    ist_day,
    ist_time,
    number,
    percent,
    summary_rows,
)
from nautilus_options.backtest.statistics import SUMMARY_KEYS


@pytest.mark.parametrize(
    ("digits", "grouped"),
    [
        ("0", "0"),
        ("999", "999"),
        ("1000", "1,000"),
        ("99999", "99,999"),
        ("100000", "1,00,000"),  # one lakh
        ("1234567", "12,34,567"),
        ("10000000", "1,00,00,000"),  # one crore
        ("123456789012", "1,23,45,67,89,012"),
    ],
)
def test_indian_grouping_is_three_digits_then_pairs(digits: str, grouped: str) -> None:
    assert group_indian(digits) == grouped
    assert grouped.replace(",", "") == digits


def test_rupees_round_to_the_paisa_and_put_the_sign_first() -> None:
    assert inr(123456.78) == "₹1,23,456.78"
    assert inr(1_000_000) == "₹10,00,000.00"
    assert inr(-10643.5) == "-₹10,643.50"
    assert inr(-0.004) == "₹0.00"  # no negative zero
    assert inr(999.995) == "₹1,000.00"  # rounding carries into the grouping
    assert inr(1234.5, decimals=0) == "₹1,234"
    assert inr(None) == inr(float("nan")) == MISSING


def test_percent_and_plain_numbers() -> None:
    assert percent(57.142857) == "57.1 %"
    assert percent(-1.06435, 2) == "-1.06 %"
    assert percent(None) == MISSING
    assert number(26450.0) == "26,450"
    assert number(-4.8591, 2) == "-4.86"


def test_times_are_ist_wall_clock() -> None:
    utc = pd.Timestamp("2026-01-05 03:45:00", tz="UTC")
    assert ist_time(utc) == "05 Jan 2026 09:15 IST"
    assert ist_time("2026-02-03T10:00:00+00:00") == "03 Feb 2026 15:30 IST"
    assert ist_time(datetime(2026, 1, 5, 18, 30, tzinfo=UTC), "%d %b %H:%M:%S") == (
        "06 Jan 00:00:00 IST"
    )
    assert ist_day(pd.Timestamp("2026-01-13 10:00", tz="UTC")) == "13 Jan 2026"
    assert ist_time(None) == ist_time(pd.Timestamp("NaT")) == ist_day(None) == MISSING
    with pytest.raises(ValueError, match="no timezone"):
        ist_time(pd.Timestamp("2026-01-05 09:15"))


def test_every_summary_key_has_a_label_and_a_unit() -> None:
    summary = {key: 0.5 for key in SUMMARY_KEYS} | {
        "start": "2026-01-05T03:45:00+00:00",
        "end": "2026-02-03T10:00:00+00:00",
        "elapsed_secs": 42.6,
        "extra_figure": 3,
    }
    rows = dict(summary_rows(summary))
    assert len(rows) == len(summary)
    assert all("_" not in label for label in rows)
    assert rows["Win rate"] == "50.0 %"  # a fraction in the summary
    assert rows["Return on initial capital"] == "0.50 %"  # already percent
    assert rows["Net P&L (after charges)"] == "₹0.50"
    assert rows["Start"] == "05 Jan 2026 09:15 IST"
    assert rows["Run time (wall clock)"] == "42.6 s"
    assert rows["Extra figure"] == "3"
    assert dict(summary_rows({"win_rate": None, "sharpe": None})) == {
        "Win rate": MISSING,
        "Sharpe ratio (daily, annualised)": MISSING,
    }


def test_rupee_axis_ticks_are_round_and_span_the_values() -> None:
    values, labels = inr_ticks(987_000.0, 1_001_000.0)
    assert values[0] <= 987_000.0
    assert values[-1] >= 1_001_000.0
    steps = {round(b - a, 6) for a, b in pairwise(values)}
    assert steps == {5_000.0}
    assert labels[-1] == "₹10,05,000"
    assert inr_ticks(0.0, 0.0) == ([0.0], ["₹0"])  # a flat line
    assert inr_ticks(-0.5, 0.5)[1] == [
        "-₹0.60",
        "-₹0.40",
        "-₹0.20",
        "₹0.00",
        "₹0.20",
        "₹0.40",
        "₹0.60",
    ]
