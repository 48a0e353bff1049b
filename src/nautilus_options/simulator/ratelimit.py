"""Kite's rate classes as sliding windows (pure: the caller passes ``now_ns``).

Per API key (KITE_API.md §2.3): quote endpoints 1 request/s; historical candles 3/s;
order placement, modification and cancellation 10/s **and** 200/min; everything else
10/s. Past a limit the answer is 429 ``NetworkException`` "Too many requests"; refused
requests do not count.
"""

from __future__ import annotations

from collections import deque
from typing import Literal

RateClass = Literal["quote", "historical", "orders", "other"]

#: (requests, window in seconds) per class; each class may have several windows.
LIMITS: dict[RateClass, tuple[tuple[int, float], ...]] = {
    "quote": ((1, 1.0),),
    "historical": ((3, 1.0),),
    "orders": ((10, 1.0), (200, 60.0)),
    "other": ((10, 1.0),),
}


def rate_class(method: str, path: str) -> RateClass:
    """The class of a request by method and path."""
    if path.startswith("/quote"):
        return "quote"
    if path.startswith("/instruments/historical"):
        return "historical"
    if path.startswith("/orders") and method in ("POST", "PUT", "DELETE"):
        return "orders"
    return "other"


class RateLimiter:
    """Sliding-window counters per (key, class), with every allowance multiplied by ``scale``."""

    def __init__(self, scale: float = 1.0) -> None:
        self.scale = scale
        self._seen: dict[tuple[str, RateClass], deque[int]] = {}

    def allow(self, key: str, cls: RateClass, now_ns: int) -> bool:
        """Count the request and return True, or return False if a window is full."""
        seen = self._seen.setdefault((key, cls), deque())
        longest = max(window for _, window in LIMITS[cls])
        while seen and now_ns - seen[0] >= longest * 1e9:
            seen.popleft()
        for count, window in LIMITS[cls]:
            allowed = max(1, int(count * self.scale))
            recent = sum(1 for t in seen if now_ns - t < window * 1e9)
            if recent >= allowed:
                return False
        seen.append(now_ns)
        return True
