"""The notes a backtest prints about its period: clipped bounds, days without data."""

from __future__ import annotations

from datetime import date, timedelta

from nautilus_options.domain.time import NS_PER_DAY, ist_ns
from nautilus_options.environments.data_window import RunPeriod

START = ist_ns(date(2026, 1, 5))
END = ist_ns(date(2026, 1, 30)) + NS_PER_DAY - 1


def test_nothing_to_say_about_a_period_as_asked() -> None:
    assert RunPeriod(START, END, clipped=False, missing_days=()).notes(("a", "b")) == []


def test_a_clipped_period_says_which_days_it_covers() -> None:
    period = RunPeriod(START, END, clipped=True, missing_days=())
    (note,) = period.notes(("2026-01-01", None))
    assert "2026-01-05 to 2026-01-30" in note
    assert "from 2026-01-01 to the end" in note


def test_days_without_data_are_named_first_few_then_counted() -> None:
    missing = tuple(date(2026, 1, 12) + timedelta(days=n) for n in range(5))
    (note,) = RunPeriod(START, END, clipped=False, missing_days=missing).notes((None, None))
    assert note.startswith("5 trading day(s)")
    assert "2026-01-12, 2026-01-13, 2026-01-14 and 2 more" in note
    assert "2026-01-15" not in note
