"""Lockout after repeated failed logins, per user name and per client address.

``max_failures`` failures within ``window_secs`` lock the name for ``lock_secs``, and
``ADDRESS_FACTOR`` times as many lock the client address (keys ``addr:...``; several
people may share one); while locked every attempt is refused without checking the
password, so guessing cannot go on. A successful login clears the name's failures.

An attempt counts from its start (:meth:`LoginThrottle.begin`) to its end
(:meth:`LoginThrottle.end`): attempts in flight count as failures until they end, so parallel
logins cannot check more passwords than the limit allows.
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
        self._pending: dict[str, int] = {}

    def begin(self, *keys: str) -> float:
        """Start an attempt under each key (``user:<name>``, ``addr:<address>``): 0 if it may
        go on (then :meth:`end` it), else the seconds to wait before trying again."""
        now = self._clock()
        with self._lock:
            wait = max([0.0, *(self._locked_until.get(key, now) - now for key in keys)])
            if wait > 0:
                return wait
            if any(self._count(key, now) >= self._limit(key) for key in keys):
                return 1.0  # attempts in flight reach the limit: one of them may fail
            for key in keys:
                self._pending[key] = self._pending.get(key, 0) + 1
        return 0.0

    def end(self, *keys: str, ok: bool) -> None:
        """End an attempt :meth:`begin` let go on: a success clears the name's failures
        (``keys[0]``), a failure is recorded under each key."""
        with self._lock:
            for key in keys:
                self._pending[key] -= 1
                if not self._pending[key]:
                    del self._pending[key]
            if ok:
                self._failures.pop(keys[0], None)
            else:
                self._failed(keys)

    def _count(self, key: str, now: float) -> int:
        times = self._failures.get(key, deque())
        return sum(1 for t in times if t > now - self.window_secs) + self._pending.get(key, 0)

    def _limit(self, key: str) -> int:
        return self.max_failures * (ADDRESS_FACTOR if key.startswith("addr:") else 1)

    def _failed(self, keys: tuple[str, ...]) -> None:
        now = self._clock()
        for key in keys:
            times = self._failures.setdefault(key, deque())
            times.append(now)
            while times and times[0] <= now - self.window_secs:
                times.popleft()
            if len(times) >= self._limit(key):
                self._locked_until[key] = now + self.lock_secs
                times.clear()
