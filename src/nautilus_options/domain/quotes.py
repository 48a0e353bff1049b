"""The one rule for a quote's mid price.

A mid exists only for a two-sided market: both the bid and the ask are positive. A one-sided
or empty book (a zero or missing price, as NSE shows for an illiquid strike) has no mid.

>>> mid_price(101.0, 102.0)
101.5
>>> mid_price(0.0, 5.0) is None
True
"""

from __future__ import annotations


def mid_price(bid: float, ask: float) -> float | None:
    """The mid of a two-sided quote, or None when either side is missing (<= 0)."""
    if bid > 0 and ask > 0:
        return (bid + ask) / 2
    return None
