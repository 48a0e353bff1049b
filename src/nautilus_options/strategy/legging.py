"""Order sequencing for multi-leg spreads: slicing, limit re-pricing and leg phases.

Opening buys the hedges (long legs) first and sells the shorts only once every hedge is
filled; closing buys back the shorts first. A spread that cannot complete its opening is
unwound, so no short leg is ever left uncovered. Everything here works on plain values; the
strategy turns the results into orders.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import Enum
from typing import Literal

from nautilus_options.domain.quotes import mid_price
from nautilus_options.domain.spreads import SpreadGeometry

Side = Literal["BUY", "SELL"]


def slice_quantity(units: int, lot_size: int, freeze_qty: int) -> list[int]:
    """Split ``units`` into order quantities no larger than the freeze quantity.

    Each full slice is the largest lot multiple not above ``freeze_qty`` (NIFTY: 1800 units,
    lot 65 -> 1755); the last slice holds the rest, so every slice is a whole number of lots
    whenever ``units`` is.

    Raises
    ------
    ValueError
        If ``units`` is not positive or the freeze quantity is below one lot.
    """
    if units <= 0 or lot_size <= 0:
        raise ValueError(f"units {units} and lot size {lot_size} must be positive")
    max_slice = freeze_qty // lot_size * lot_size
    if max_slice <= 0:
        raise ValueError(f"freeze quantity {freeze_qty} is below one lot of {lot_size}")
    full, rest = divmod(units, max_slice)
    return [max_slice] * full + ([rest] if rest else [])


def leaves_short_uncovered(held: Iterable[int], units: int) -> bool:
    """Whether selling ``units`` of a long leaves more units short than long.

    ``held`` are the signed quantities held in one right of one underlying. Closing is
    hedge-last, so this is never true in a normal close; it guards against shorts the
    strategy does not know as its own (e.g. booked as external after a crash).

    >>> leaves_short_uncovered([65, -65], 65)
    True
    >>> leaves_short_uncovered([65, -65, 65], 65)
    False
    """
    longs = sum(q for q in held if q > 0)
    shorts = -sum(q for q in held if q < 0)
    return shorts > longs - units


def round_to_tick(price: float, tick: float, side: Side) -> float:
    """Round a limit price to the tick grid, towards the market for the side.

    Buys round up and sells round down, never below one tick.
    """
    steps = price / tick
    ticks = math.ceil(steps - 1e-9) if side == "BUY" else math.floor(steps + 1e-9)
    return round(max(ticks, 1) * tick, 10)


def limit_price(
    side: Side,
    bid: float,
    ask: float,
    step: int,
    steps: int,
    protection_pct: float,
    tick: float,
) -> float:
    """Price of a working limit order at re-pricing ``step``.

    Step 0 is the mid; each further step moves ``1 / steps`` of the half spread towards the
    far touch; beyond ``steps`` the order becomes marketable: the far touch moved a further
    ``protection_pct`` percent through it (Kite's market protection).

    Parameters
    ----------
    side : {"BUY", "SELL"}
        Order side.
    bid, ask : float
        Current touch (``bid <= ask``).
    step : int
        Re-pricing step, from 0.
    steps : int
        Number of steps before the order turns marketable.
    protection_pct : float
        Market protection in percent of the far touch.
    tick : float
        Tick size.

    Raises
    ------
    ValueError
        If the quote is not two-sided (no mid by :func:`~nautilus_options.domain.quotes.mid_price`).
    """
    mid = mid_price(bid, ask)
    if mid is None:
        raise ValueError(f"no mid for bid {bid} and ask {ask}")
    far = ask if side == "BUY" else bid
    if step > steps:
        factor = 1 + protection_pct / 100 if side == "BUY" else 1 - protection_pct / 100
        return round_to_tick(far * factor, tick, side)
    fraction = step / steps if steps else 0.0
    return round_to_tick(mid + (far - mid) * fraction, tick, side)


class Phase(Enum):
    """Where a spread is in its life inside the strategy."""

    OPENING_HEDGES = "opening_hedges"
    OPENING_SHORTS = "opening_shorts"
    OPEN = "open"
    CLOSING_SHORTS = "closing_shorts"
    CLOSING_HEDGES = "closing_hedges"
    CLOSED = "closed"

    @property
    def is_opening(self) -> bool:
        """Whether the spread is still being opened."""
        return self in (Phase.OPENING_HEDGES, Phase.OPENING_SHORTS)

    @property
    def is_closing(self) -> bool:
        """Whether the spread is being closed (exit or unwind)."""
        return self in (Phase.CLOSING_SHORTS, Phase.CLOSING_HEDGES)


@dataclass
class LegSequencer:
    """Tracks fills of one spread's legs and says which legs to work next.

    Parameters
    ----------
    geometry : SpreadGeometry
        The legs (index ``i`` is position ``{spread_id}-L{i}``).
    units : int
        Units per leg (``lots * lot_size``).
    """

    geometry: SpreadGeometry
    units: int
    phase: Phase = Phase.OPENING_HEDGES
    opened: dict[int, int] = field(default_factory=dict)
    closed: dict[int, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not self.geometry.hedges:
            self.phase = Phase.OPENING_SHORTS

    def side(self, index: int, closing: bool) -> Side:
        """Order side of leg ``index`` when opening or closing."""
        is_long = self.geometry.legs[index].is_long
        return "BUY" if is_long != closing else "SELL"

    def legs_of_phase(self) -> tuple[int, ...]:
        """Leg indices to work in the current phase."""
        legs = self.geometry.legs
        if self.phase == Phase.OPENING_HEDGES:
            return tuple(i for i, leg in enumerate(legs) if leg.is_long)
        if self.phase == Phase.OPENING_SHORTS:
            return tuple(i for i, leg in enumerate(legs) if not leg.is_long)
        if self.phase == Phase.CLOSING_SHORTS:
            return tuple(i for i, leg in enumerate(legs) if not leg.is_long and self.held(i))
        if self.phase == Phase.CLOSING_HEDGES:
            return tuple(i for i, leg in enumerate(legs) if leg.is_long and self.held(i))
        return ()

    def held(self, index: int) -> int:
        """Units of leg ``index`` currently held."""
        return self.opened.get(index, 0) - self.closed.get(index, 0)

    def on_fill(self, index: int, units: int, closing: bool) -> bool:
        """Record a fill; advance the phase when its legs are done.

        Returns
        -------
        bool
            True when the phase changed (the caller then works :meth:`legs_of_phase`).
        """
        book = self.closed if closing else self.opened
        book[index] = book.get(index, 0) + units
        return self.advance()

    def advance(self) -> bool:
        """Move past phases whose legs are complete; True if the phase changed."""
        start = self.phase
        while True:
            legs = self.legs_of_phase()
            if self.phase == Phase.OPENING_HEDGES and all(self.held(i) >= self.units for i in legs):
                self.phase = Phase.OPENING_SHORTS
            elif self.phase == Phase.OPENING_SHORTS and all(
                self.held(i) >= self.units for i in legs
            ):
                self.phase = Phase.OPEN
            elif self.phase == Phase.CLOSING_SHORTS and not legs:
                self.phase = Phase.CLOSING_HEDGES
            elif self.phase == Phase.CLOSING_HEDGES and not legs:
                self.phase = Phase.CLOSED
            else:
                return self.phase != start

    def start_closing(self) -> None:
        """Close whatever is held: shorts first, then hedges (also used to unwind)."""
        self.phase = Phase.CLOSING_SHORTS
        self.advance()
