"""Properties of :func:`nautilus_options.domain.nse.next_session`."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from nautilus_options.domain.nse import (
    CALENDAR_END,
    CALENDAR_START,
    IST,
    is_trading_day,
    next_session,
    next_trading_day,
    session_bounds_ns,
)

NS = 1_000_000_000
# From a week before the holiday table to a week after it (the weekday fallback included).
moments = st.integers(
    min_value=int(datetime(2023, 12, 25, tzinfo=UTC).timestamp()) * NS,
    max_value=int(datetime(2027, 1, 8, tzinfo=UTC).timestamp()) * NS,
)


def _ist_day(ns: int) -> date:
    return datetime.fromtimestamp(ns // NS, tz=IST).date()


def _has_session(day: date) -> bool:
    covered = CALENDAR_START <= day <= CALENDAR_END
    return is_trading_day(day) if covered else day.weekday() < 5


@given(moments)
def test_the_session_is_a_trading_days_session_that_has_not_closed(now_ns: int) -> None:
    open_ns, close_ns = next_session(now_ns)
    day = _ist_day(open_ns)
    assert _has_session(day)
    assert (open_ns, close_ns) == session_bounds_ns(day)
    assert now_ns <= close_ns


@given(moments)
def test_no_session_is_skipped(now_ns: int) -> None:
    open_ns, _ = next_session(now_ns)
    day = _ist_day(now_ns)
    while day < _ist_day(open_ns):
        if _has_session(day):
            assert session_bounds_ns(day)[1] < now_ns
        day += timedelta(days=1)


def test_weekends_and_holidays_are_skipped() -> None:
    # Friday 2026-01-23 after the close: Monday 2026-01-26 is Republic Day.
    friday_close = session_bounds_ns(date(2026, 1, 23))[1]
    assert next_session(friday_close) == session_bounds_ns(date(2026, 1, 23))
    assert next_session(friday_close + 1) == session_bounds_ns(date(2026, 1, 27))
    assert next_trading_day(date(2026, 1, 23)) == date(2026, 1, 27)


def test_during_a_session_it_is_that_session() -> None:
    open_ns, close_ns = session_bounds_ns(date(2026, 1, 6))
    assert next_session(open_ns) == (open_ns, close_ns)
    assert next_session(open_ns - 1) == (open_ns, close_ns)
    assert next_session(close_ns - 1) == (open_ns, close_ns)
