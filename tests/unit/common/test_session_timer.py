"""SessionTimer on a TestClock: ticks on the plain timer's grid, only inside NSE sessions."""

from __future__ import annotations

from datetime import date

import pytest
from nautilus_trader.common.component import TestClock
from nautilus_trader.common.events import TimeEvent

from nautilus_options.common.session import SessionTimer
from nautilus_options.domain.nse import next_session, session_bounds_ns

MINUTE = 60_000_000_000


def _run(clock: TestClock, until_ns: int) -> None:
    """Advance event by event, as an engine does (each handler sees its own time)."""
    while clock.timer_names:
        next_ns = min(clock.next_time_ns(name) for name in clock.timer_names)
        if next_ns > until_ns:
            break
        for handler in clock.advance_time(next_ns):
            handler.handle()


def _ticks(start_ns: int, until_ns: int, interval_ns: int = MINUTE) -> list[int]:
    clock = TestClock()
    clock.set_time(start_ns)
    ticks: list[int] = []

    def on_tick(event: TimeEvent) -> None:
        assert clock.timestamp_ns() == event.ts_event
        ticks.append(event.ts_event)

    SessionTimer(clock, "check", interval_ns, on_tick).start()
    _run(clock, until_ns)
    return ticks


def test_ticks_are_the_plain_timers_ticks_inside_sessions() -> None:
    # Thursday 2026-01-22 08:00:07 IST to Tuesday 2026-01-27 (Monday is a holiday).
    start = session_bounds_ns(date(2026, 1, 22))[0] - 75 * MINUTE + 7
    until = session_bounds_ns(date(2026, 1, 28))[0]
    ticks = _ticks(start, until)
    plain = range(start + MINUTE, until + 1, MINUTE)
    expected = [t for t in plain if next_session(t)[0] <= t]
    assert ticks == expected
    days = [date(2026, 1, 22), date(2026, 1, 23), date(2026, 1, 27)]
    assert len(ticks) == 375 * len(days)  # 09:15:00.x to 15:29:00.x
    for day in days:
        open_ns, close_ns = session_bounds_ns(day)
        assert sum(open_ns <= t <= close_ns for t in ticks) == 375


def test_a_tick_on_the_open_and_on_the_close_fires() -> None:
    open_ns, close_ns = session_bounds_ns(date(2026, 1, 6))
    ticks = _ticks(open_ns, session_bounds_ns(date(2026, 1, 7))[1])
    assert ticks[0] == open_ns + MINUTE
    assert close_ns in ticks
    assert session_bounds_ns(date(2026, 1, 7))[0] in ticks
    assert len(ticks) == 375 + 376


def test_an_interval_longer_than_a_session_ticks_on_its_grid_only_in_session() -> None:
    start = session_bounds_ns(date(2026, 1, 5))[0]
    ticks = _ticks(start, start + 10 * 24 * 60 * MINUTE, interval_ns=7 * 60 * MINUTE)
    assert ticks
    assert all(next_session(t)[0] <= t for t in ticks)
    assert all((t - start) % (7 * 60 * MINUTE) == 0 for t in ticks)


def test_stop_cancels_the_timer_and_the_next_session_alert() -> None:
    clock = TestClock()
    clock.set_time(session_bounds_ns(date(2026, 1, 6))[0])
    timer = SessionTimer(clock, "check", MINUTE, lambda event: None)
    timer.start()
    assert timer.running
    assert set(clock.timer_names) == {"check", "check.next-session"}
    timer.stop()
    assert not timer.running
    assert clock.timer_names == []


def test_the_interval_must_be_positive() -> None:
    with pytest.raises(ValueError, match="interval_ns"):
        SessionTimer(TestClock(), "check", 0, lambda event: None)
