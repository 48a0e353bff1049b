"""One limiter per Kite rate class, shared by every caller of one API key (KITE_API.md §2.3).

Kite counts requests per class: orders 10/s and 200/min (placements, modifications and
cancellations are all "write" requests), quotes 1/s, historical candles 3/s, everything else
10/s. A :class:`RateLimiter` holds one sliding window per ``(count, seconds)`` pair and
:meth:`RateLimiter.acquire` waits until every window has room, so a burst is spread out
rather than answered 429. Nautilus' own reconciliation queries go through the same client,
hence the same limiters.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import Callable, Mapping, Sequence

from nautilus_options.adapters.zerodha.constants import RATE_LIMITS


class RateLimiter:
    """Sliding-window limits ``((count, seconds), ...)``, all of which must hold.

    Parameters
    ----------
    limits : sequence of (int, float)
        ``count`` requests per ``seconds``.
    clock : callable, optional
        Monotonic seconds (tests pass a fake).
    """

    def __init__(
        self, limits: Sequence[tuple[int, float]], clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._limits = tuple(limits)
        self._windows = [deque[float]() for _ in self._limits]
        self._clock = clock
        self._lock = asyncio.Lock()
        self.waited = 0.0

    def delay(self) -> float:
        """Seconds until a request would fit every window (0 when it fits now)."""
        now = self._clock()
        wait = 0.0
        for (count, seconds), window in zip(self._limits, self._windows, strict=True):
            while window and window[0] <= now - seconds:
                window.popleft()
            if len(window) >= count:
                wait = max(wait, window[0] + seconds - now)
        return wait

    def record(self) -> None:
        """Count a request made now."""
        now = self._clock()
        for window in self._windows:
            window.append(now)

    async def acquire(self) -> None:
        """Wait for room in every window, then count the request."""
        async with self._lock:
            while (wait := self.delay()) > 0:
                self.waited += wait
                await asyncio.sleep(wait)
            self.record()


def limiters(
    scale: float = 1.0, limits: Mapping[str, Sequence[tuple[int, float]]] = RATE_LIMITS
) -> dict[str, RateLimiter]:
    """A limiter per class, allowances multiplied by ``scale`` (1 for Kite's own limits)."""
    return {
        name: RateLimiter([(max(1, int(count * scale)), seconds) for count, seconds in rule])
        for name, rule in limits.items()
    }
