"""Rounded numbers at the response boundary: float noise never reaches a client.

Each type rounds when a response model is built, whatever computed the value:

* :data:`Money` (INR amounts, P&L, charges, margins) to the paisa;
* :data:`Price` (premiums, marks, strikes, breakevens) to 4 decimals: NSE option ticks are
  0.05, and mids and averages fall between ticks, never finer than this;
* :data:`Greek` (delta, gamma, theta, vega, implied volatility) to 6 significant digits;
* :data:`Ratio` (percentages, the Sharpe ratio, the win rate) to 4 decimals, also in a
  backtest's summary (:func:`round_ratios`).

A value that rounds to zero is ``0.0``, never ``-0.0`` (a tiny loss is no negative zero).
"""

from __future__ import annotations

import math
from typing import Annotated, Any

from pydantic import AfterValidator

__all__ = [
    "RATIO_KEYS",
    "Greek",
    "Money",
    "Price",
    "Ratio",
    "round_decimals",
    "round_ratios",
    "round_significant",
]

#: Summary figures that are ratios, besides every ``*_pct``.
RATIO_KEYS = frozenset({"sharpe", "win_rate"})


def round_decimals(value: float, digits: int) -> float:
    """``value`` to ``digits`` decimals, with a negative zero made ``0.0``.

    >>> round_decimals(-0.001, 2)
    0.0
    >>> round_decimals(-1.23456, 4)
    -1.2346
    """
    return round(value, digits) + 0.0  # -0.0 + 0.0 is 0.0


def round_significant(value: float, digits: int = 6) -> float:
    """``value`` to ``digits`` significant digits (non-finite values unchanged).

    >>> round_significant(0.000123456789)
    0.000123457
    >>> round_significant(1234.5000000001)
    1234.5
    """
    if value == 0:
        return 0.0
    if not math.isfinite(value):
        return value
    return round(value, digits - 1 - math.floor(math.log10(abs(value))))


Money = Annotated[float, AfterValidator(lambda value: round_decimals(value, 2))]
Price = Annotated[float, AfterValidator(lambda value: round_decimals(value, 4))]
Greek = Annotated[float, AfterValidator(round_significant)]
Ratio = Annotated[float, AfterValidator(lambda value: round_decimals(value, 4))]


def round_ratios(summary: dict[str, Any]) -> dict[str, Any]:
    """``summary`` with its ratio figures (``*_pct``, :data:`RATIO_KEYS`) to 4 decimals.

    >>> round_ratios({"return_pct": -0.010353000000007384, "pnl_total": -103.53})
    {'return_pct': -0.0104, 'pnl_total': -103.53}
    """
    return {
        key: round_decimals(value, 4)
        if isinstance(value, float) and (key.endswith("_pct") or key in RATIO_KEYS)
        else value
        for key, value in summary.items()
    }
