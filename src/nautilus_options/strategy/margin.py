"""Margin-aware sizing: how many lots of a spread the account's margin can carry.

Before the capital manager sizes a spread, the strategy caps its lots by the margin one lot
blocks and the margin available (``margin_source`` in the config):

* ``model``: one lot's SPAN-plus-exposure margin from the documented approximation
  (:mod:`nautilus_options.domain.margins`, the figures of the local paper broker) plus the
  net premium it pays, against the venue account's free balance. Used in backtests.
* ``venue``: the broker's own figures, asked over the message bus
  (:data:`~nautilus_options.capital.messages.MARGIN_ENDPOINT`, answered by the Zerodha
  execution client from Kite's basket margins). Used in paper and live.
* ``off``: no margin cap.
"""

from __future__ import annotations

import math

from nautilus_options.capital.messages import MarginLeg
from nautilus_options.domain.margins import Leg, portfolio_margin
from nautilus_options.strategy.chain import SpreadPick


def lot_legs(pick: SpreadPick, lot_size: int) -> tuple[Leg, ...]:
    """One lot of the picked spread as margin legs, priced at the mids."""
    return tuple(
        Leg(
            underlying=instrument.underlying,
            strike=spec.strike,
            is_call=spec.right == "CE",
            expiry_ns=instrument.expiration_ns,
            quantity=spec.ratio * lot_size,
            price=mid,
        )
        for spec, instrument, mid in zip(
            pick.selection.geometry.legs, pick.instruments, pick.selection.mids, strict=True
        )
    )


def model_lot_margin(pick: SpreadPick, lot_size: int, now_ns: int) -> float:
    """Margin one lot blocks by the approximation: SPAN + exposure + net premium paid.

    The spot is the selection's parity forward.
    """
    legs = lot_legs(pick, lot_size)
    margin = portfolio_margin(legs, {legs[0].underlying: pick.selection.forward}, now_ns)
    net_debit = sum(leg.quantity * leg.price for leg in legs)
    return margin.span + margin.exposure + max(0.0, net_debit)


def venue_legs(pick: SpreadPick, lot_size: int) -> tuple[MarginLeg, ...]:
    """One lot of the picked spread as a basket-margin request, priced at the mids."""
    return tuple(
        MarginLeg(
            instrument_id=instrument.id.value,
            side="BUY" if spec.ratio > 0 else "SELL",
            quantity=abs(spec.ratio) * lot_size,
            price=mid,
        )
        for spec, instrument, mid in zip(
            pick.selection.geometry.legs, pick.instruments, pick.selection.mids, strict=True
        )
    )


#: The lots of an uncapped spread.
NO_CAP = 2**31 - 1


def lots_within(available: float, per_lot: float) -> int:
    """Whole lots that ``available`` margin carries at ``per_lot`` each (0 when none).

    >>> lots_within(100_000.0, 30_000.0)
    3
    >>> lots_within(100_000.0, 0.0) == NO_CAP  # a lot that blocks nothing is not capped
    True
    """
    if per_lot <= 0 or math.isinf(available):
        return NO_CAP
    return max(0, min(NO_CAP, math.floor(available / per_lot)))
