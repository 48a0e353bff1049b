"""Lockout after repeated failed logins, per user name and per client address.

``max_failures`` failures within ``window_secs`` lock the name for ``lock_secs``, and
``ADDRESS_FACTOR`` times as many lock the client address (keys ``addr:...``; several
people may share one); while locked every attempt is refused without checking the
password, so guessing cannot go on. A successful login clears the name's failures.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable

__all__ = ["ADDRESS_FACTOR", "LoginThrottle"]

#: How many more failures lock an address than a name.
ADDRESS_FACTOR = 4


class LoginThrottle:
    """Count failed logins and say when a name or an address is locked (thread-safe).

    Parameters
    ----------
    max_failures : int
        Failures within ``window_secs`` that lock.
    window_secs, lock_secs : float
        The counting window and the lock's duration.
    clock : Callable[[], float]
        Monotonic seconds.
    """

    def __init__(
        self,
        max_failures: int = 5,
        window_secs: float = 300.0,
        lock_secs: float = 300.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.max_failures = max_failures
        self.window_secs = window_secs
        self.lock_secs = lock_secs
        self._clock = clock
        self._lock = threading.Lock()
        self._failures: dict[str, deque[float]] = {}
        self._locked_until: dict[str, float] = {}

    def retry_after(self, *keys: str) -> float:
        """Seconds until every key of ``keys`` is unlocked (0 when none is locked)."""
        now = self._clock()
        return max([0.0, *(self._locked_until.get(key, now) - now for key in keys)])

    def failed(self, *keys: str) -> None:
        """Record a failed login under each key (``user:<name>``, ``addr:<address>``)."""
        now = self._clock()
        with self._lock:
            for key in keys:
                times = self._failures.setdefault(key, deque())
                times.append(now)
                while times and times[0] <= now - self.window_secs:
                    times.popleft()
                limit = self.max_failures * (ADDRESS_FACTOR if key.startswith("addr:") else 1)
                if len(times) >= limit:
                    self._locked_until[key] = now + self.lock_secs
                    times.clear()

    def succeeded(self, key: str) -> None:
        """Forget the failures of ``key`` after a successful login."""
        with self._lock:
            self._failures.pop(key, None)
