"""Kite and NSE order rules the adapter applies before sending an order.

* **Freeze quantity** (NSE; KITE_API.md §3.7): an order above the underlying's freeze limit
  is rejected, so it is sliced here into orders of at most the largest lot multiple within
  the limit (NIFTY: 1800 units -> 27 lots of 65 = 1755). Kite's ``autoslice`` is not used: the
  adapter keeps one client order for all the slices and tags each slice itself.
* **Limit price protection** (NSE; DESIGN.md §4): a limit price must lie within +-40% of the
  reference price for premiums above Rs 50, within +-Rs 20 at or below Rs 50. Exits are sent
  as limits one tick inside that band (:func:`protected_limit`), so they are marketable and
  never rejected for the band.
* **Market protection** (Kite, mandatory since 1 Apr 2026; KITE_API.md §3.2): MARKET and SL-M
  orders carry ``market_protection`` (-1 for automatic, or 1-100 percent); 0 is rejected.
"""

from __future__ import annotations

import math
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal

#: Premium at or below which the band is absolute (Rs 20) rather than relative (40%).
BAND_PIVOT = 50.0
BAND_ABSOLUTE = 20.0
BAND_RELATIVE = 0.40


def slice_quantity(quantity: int, freeze_qty: int, lot_size: int) -> list[int]:
    """Split ``quantity`` units into orders of at most ``freeze_qty``, each a lot multiple.

    >>> slice_quantity(3965, 1800, 65)
    [1755, 1755, 455]

    Raises
    ------
    ValueError
        If ``quantity`` is not a positive multiple of ``lot_size``, or no lot fits the limit.
    """
    if lot_size <= 0 or quantity <= 0 or quantity % lot_size:
        raise ValueError(f"quantity {quantity} is not a positive multiple of the lot {lot_size}")
    largest = (freeze_qty // lot_size) * lot_size
    if largest <= 0:
        raise ValueError(f"lot {lot_size} exceeds the freeze quantity {freeze_qty}")
    full, rest = divmod(quantity, largest)
    return [largest] * full + ([rest] if rest else [])


def band(reference: float) -> tuple[float, float]:
    """The limit-price protection band around ``reference`` (see the module docstring)."""
    if reference > BAND_PIVOT:
        return reference * (1 - BAND_RELATIVE), reference * (1 + BAND_RELATIVE)
    return max(0.0, reference - BAND_ABSOLUTE), reference + BAND_ABSOLUTE


def protected_limit(buy: bool, reference: float, tick: float) -> float:
    """A marketable limit price one tick inside the band: high for a buy, low for a sell.

    >>> protected_limit(True, 100.0, 0.05), protected_limit(False, 10.0, 0.05)
    (139.95, 0.05)
    """
    low, high = band(reference)
    step = Decimal(str(tick))
    if buy:
        ticks = (Decimal(str(high)) / step).to_integral_value(ROUND_FLOOR) - 1
    else:
        ticks = max((Decimal(str(low)) / step).to_integral_value(ROUND_CEILING) + 1, Decimal(1))
    return float(ticks * step)


def within_band(price: float, reference: float) -> bool:
    """Whether a limit ``price`` passes the protection band around ``reference``."""
    low, high = band(reference)
    return low <= price <= high or math.isclose(price, low) or math.isclose(price, high)
