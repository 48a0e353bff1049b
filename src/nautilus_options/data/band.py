"""The strike band: which expiries and strikes a run can touch.

A strategy that enters the nearest expiry with at least ``min_days`` days left (see
:func:`nautilus_options.strategy.selection.choose_expiry`) enters expiry ``E`` only between
``E_prev - min_days`` (exclusive; ``E_prev`` is the previous expiry it may use) and
``E - min_days``, and holds it at most to ``E``. While it may hold ``E``, a leg is never
farther from the index than the strategy's **reach** (its strike rule's distance plus the
wing width, see :mod:`nautilus_options.environments.data_window`), so the strikes of ``E``
worth loading are those within the reach of the index's low and high over that window, plus
the next listed strike on each side (the rule picks the *nearest listed* strike to its
target).

The functions here are pure: times are UNIX nanoseconds, the index path plain arrays.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from nautilus_options.domain.time import NS_PER_DAY, NS_PER_YEAR

__all__ = ["ExpiryWindow", "Reach", "expiry_windows", "strikes_in_band"]

Reach = Callable[[float, float], float]
"""``reach(index_level, years_to_expiry)``: the farthest a leg can be from the index, points."""


@dataclass(frozen=True)
class ExpiryWindow:
    """When an expiry can be touched: entered from ``first_ns``, held until ``last_ns``."""

    expiry_ns: int
    first_ns: int
    last_ns: int


def expiry_windows(
    expiry_ns: Sequence[int], start_ns: int, end_ns: int, min_days: float
) -> list[ExpiryWindow]:
    """The windows of the expiries (sorted) that can be entered between start and end."""
    min_ns = int(min_days * NS_PER_DAY)
    windows: list[ExpiryWindow] = []
    previous: int | None = None
    for expiry in expiry_ns:
        opens = start_ns if previous is None else max(start_ns, previous - min_ns + 1)
        if opens <= min(end_ns, expiry - min_ns):
            windows.append(ExpiryWindow(expiry, opens, min(end_ns, expiry)))
        previous = expiry
    return windows


def strikes_in_band(
    strikes: Sequence[float],
    times: NDArray[np.int64],
    prices: NDArray[np.float64],
    window: ExpiryWindow,
    reach: Reach,
) -> set[float]:
    """The listed ``strikes`` (sorted) of ``window``'s expiry within reach of the index.

    Every strike is kept when the index has no price in the window.
    """
    first, last = np.searchsorted(times, [window.first_ns, window.last_ns], side="left")
    seen = prices[first : last + 1] if last < len(prices) else prices[first:]
    if len(seen) == 0:
        return set(strikes)
    years = (window.expiry_ns - window.first_ns) / NS_PER_YEAR
    low, high = float(seen.min()), float(seen.max())
    lower, upper = low - reach(low, years), high + reach(high, years)
    inside = [n for n, strike in enumerate(strikes) if lower <= strike <= upper]
    if not inside:
        nearest = int(np.argmin([abs(s - (low + high) / 2) for s in strikes]))
        inside = [nearest]
    return set(strikes[max(inside[0] - 1, 0) : inside[-1] + 2])
