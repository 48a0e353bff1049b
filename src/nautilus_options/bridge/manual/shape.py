"""The name of a spread's shape, read from its legs (the manual strategy's spreads).

The manual strategy opens any shape and tags its orders with this name; the bridge also
names a manual spread's shape from its legs when showing it (spreads opened by an earlier
version carry the configured spread type's tag).
"""

from __future__ import annotations

from collections.abc import Sequence

from nautilus_options.domain.spreads import LegSpec

__all__ = ["shape_name"]


def shape_name(legs: Sequence[LegSpec]) -> str:
    """``bull_put_credit``, ``bear_call_credit``, ``bull_call_debit``, ``bear_put_debit``,
    ``iron_condor``, ``iron_butterfly``, or ``custom``.

    >>> shape_name([LegSpec(22000, "PE", 1), LegSpec(22200, "PE", -1)])
    'bull_put_credit'
    >>> shape_name([LegSpec(22000, "PE", 1), LegSpec(22200, "PE", -1),
    ...             LegSpec(22200, "CE", -1), LegSpec(22400, "CE", 1)])
    'iron_butterfly'
    """
    puts = sorted((leg for leg in legs if leg.right == "PE"), key=lambda leg: leg.strike)
    calls = sorted((leg for leg in legs if leg.right == "CE"), key=lambda leg: leg.strike)
    put, call = _vertical(puts), _vertical(calls)
    if len(legs) == 2 and put is not None:
        return put
    if len(legs) == 2 and call is not None:
        return call
    if put == "bull_put_credit" and call == "bear_call_credit":
        short_put, short_call = puts[1].strike, calls[0].strike
        return "iron_butterfly" if short_put == short_call else "iron_condor"
    return "custom"


def _vertical(legs: list[LegSpec]) -> str | None:
    """The vertical of two legs of one right (lower strike first), or None."""
    if len(legs) != 2 or {abs(leg.ratio) for leg in legs} != {1} or legs[0].ratio == legs[1].ratio:
        return None
    lower_long = legs[0].ratio > 0
    if legs[0].right == "PE":
        return "bull_put_credit" if lower_long else "bear_put_debit"
    return "bull_call_debit" if lower_long else "bear_call_credit"
