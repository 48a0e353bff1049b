"""The one rule for a quote's mid price.

A mid exists only for a two-sided market: both the bid and the ask are positive. A one-sided
or empty book (a zero or missing price, as NSE shows for an illiquid strike) has no mid.
:func:`mid_prices` applies the same rule to arrays of quotes (``nan`` where there is no mid).

>>> mid_price(101.0, 102.0)
101.5
>>> mid_price(0.0, 5.0) is None
True
>>> mid_prices(np.array([101.0, 0.0]), np.array([102.0, 5.0])).tolist()
[101.5, nan]
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]


def mid_price(bid: float, ask: float) -> float | None:
    """The mid of a two-sided quote, or None when either side is missing (<= 0)."""
    if bid > 0 and ask > 0:
        return (bid + ask) / 2
    return None


def mid_prices(bids: FloatArray, asks: FloatArray) -> FloatArray:
    """Element-wise :func:`mid_price` of quote arrays, ``nan`` where either side is <= 0."""
    two_sided = (bids > 0) & (asks > 0)
    return np.where(two_sided, (bids + asks) / 2, np.nan)
