"""A repeating timer confined to trading sessions: the NSE calendar, or always open.

``session="nse"`` (backtest and live) ticks only in NSE sessions; ``session="always"``
(against the simulator's always-open session: tests and demos at any hour) ticks at every
interval.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal

from nautilus_trader.common.component import Clock
from nautilus_trader.common.events import TimeEvent

from nautilus_options.domain.nse import next_session

SessionKind = Literal["nse", "always"]
"""Market hours a component follows: the NSE calendar, or open at every hour."""


class SessionTimer:
    """Fire ``callback`` every ``interval_ns`` while NSE is in session (09:15-15:30 IST).

    The ticks are those of a plain ``clock.set_timer`` started at :meth:`start` (the start
    time plus whole intervals) that fall inside a session, ends included; the ticks at
    night, at weekends and on holidays are left out. For each session the timer runs as a
    Nautilus timer named ``name`` with the session close as its stop time; a time alert
    just after the close sets up the next session. It only uses clock timers and alerts,
    so it behaves the same in backtest and live nodes.

    Parameters
    ----------
    clock : Clock
        The component's clock.
    name : str
        The name of the interval timer (the alert is named ``{name}.next-session``).
    interval_ns : int
        The interval between ticks, in nanoseconds (> 0).
    callback : Callable[[TimeEvent], None]
        Called with each tick's time event.
    session : {"nse", "always"}, default "nse"
        ``"always"`` ticks at every interval, day and night (a plain repeating timer).
    """

    def __init__(
        self,
        clock: Clock,
        name: str,
        interval_ns: int,
        callback: Callable[[TimeEvent], None],
        session: SessionKind = "nse",
    ) -> None:
        if interval_ns <= 0:
            raise ValueError(f"interval_ns must be positive, got {interval_ns}")
        self._clock = clock
        self._name = name
        self._alert = f"{name}.next-session"
        self._interval = interval_ns
        self._callback = callback
        self._anchor: int | None = None
        self._session = session

    @property
    def running(self) -> bool:
        """Whether the timer was started and not stopped since."""
        return self._anchor is not None

    def start(self) -> None:
        """Start ticking on the grid of whole intervals from now (no-op when running)."""
        if self._anchor is None:
            self._anchor = self._clock.timestamp_ns()
            if self._session == "always":
                self._clock.set_timer_ns(
                    name=self._name,
                    interval_ns=self._interval,
                    start_time_ns=self._anchor,
                    stop_time_ns=0,
                    callback=self._callback,
                )
                return
            self._schedule(self._anchor)

    def stop(self) -> None:
        """Cancel the interval timer and the next-session alert."""
        self._anchor = None
        for name in (self._name, self._alert):
            if name in self._clock.timer_names:
                self._clock.cancel_timer(name)

    def _schedule(self, now_ns: int) -> None:
        assert self._anchor is not None
        open_ns, close_ns = next_session(now_ns + 1)
        # The first grid tick after now, and not before the open.
        since = max(now_ns + 1, open_ns) - self._anchor
        first = self._anchor + -(-since // self._interval) * self._interval
        if self._name in self._clock.timer_names:  # the previous session's, done by now
            self._clock.cancel_timer(self._name)
        if first <= close_ns:
            self._clock.set_timer_ns(
                name=self._name,
                interval_ns=self._interval,
                start_time_ns=first - self._interval,  # so it fires first at ``first``
                stop_time_ns=close_ns,
                callback=self._callback,
            )
        self._clock.set_time_alert_ns(self._alert, close_ns + 1, self._next_session)

    def _next_session(self, event: TimeEvent) -> None:
        if self._anchor is not None:
            self._schedule(event.ts_event)
