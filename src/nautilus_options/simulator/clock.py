"""The simulator's clock and market hours.

The clock is the wall clock plus an offset: set at start (``SimulatorConfig.start_at``) and
moved forward by tests and demos through ``POST /admin/clock`` (to reach an expiry or a
token rollover without waiting). Pure parts of the simulator never read it: they take
``now_ns``.

Market hours (``session``): ``"nse"`` is the NSE continuous session, 09:15-15:30 IST on
trading days (:func:`nautilus_options.domain.nse.next_session`); ``"always"`` is open at any
hour, for tests and demos outside NSE hours.
"""

from __future__ import annotations

import time

from nautilus_options.domain.nse import next_session
from nautilus_options.simulator.config import SessionKind


class SimClock:
    """Wall-clock UNIX nanoseconds shifted by an adjustable offset."""

    def __init__(self, session: SessionKind = "nse", start_ns: int | None = None) -> None:
        self.session: SessionKind = session
        self.offset_ns = 0 if start_ns is None else start_ns - time.time_ns()

    def now_ns(self) -> int:
        """The simulator's current time."""
        return time.time_ns() + self.offset_ns

    def advance(self, seconds: float) -> None:
        """Move the clock forward by ``seconds`` (never backwards)."""
        self.offset_ns += max(0, int(seconds * 1e9))

    def is_open(self, now_ns: int) -> bool:
        """Whether the market is open at ``now_ns``."""
        return market_open(self.session, now_ns)


def market_open(session: SessionKind, now_ns: int) -> bool:
    """Whether ``session`` has the market open at ``now_ns`` (both bounds included)."""
    if session == "always":
        return True
    open_ns, close_ns = next_session(now_ns)
    return open_ns <= now_ns <= close_ns
