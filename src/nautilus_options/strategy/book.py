"""The strategy's book: the spreads it is opening, holding or closing.

A spread enters the book when its first order goes out (or when a restart adopts it from the
cache) and leaves it once closed with no order left working. The book indexes spreads by
leg instrument, so the strategy follows the quotes of exactly the instruments some spread
holds: :meth:`SpreadBook.add` and :meth:`SpreadBook.remove` return the instruments that
start or stop being held.

**Restart adoption.** :func:`adopt` rebuilds a spread from the
:class:`~nautilus_options.portfolio.SpreadView` the tracker reconstructs from the leg
positions in the cache. A spread whose legs are all fully held is complete and managed as
open; any other (an entry or exit cut short) must be unwound.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from nautilus_trader.model.identifiers import InstrumentId
from nautilus_trader.model.instruments import OptionContract

from nautilus_options.domain.spreads import LegSpec, SpreadGeometry, SpreadType
from nautilus_options.portfolio import SpreadView
from nautilus_options.strategy.legging import LegSequencer, Phase
from nautilus_options.strategy.orders import LegOrders


@dataclass
class ActiveSpread:
    """A spread the strategy is opening, holding or closing.

    Attributes
    ----------
    spread_id : str
        ``{strategy_id}-S{n:04d}``.
    instruments : tuple[OptionContract, ...]
        The contract of each geometry leg.
    sequencer : LegSequencer
        Fills per leg and the legging phase.
    phase_started_ns : int
        When the current phase started (UNIX ns), for the leg timeout.
    reserved : bool
        Whether capital was reserved for it (released when it finishes).
    leg_ids : tuple[int, ...]
        Position leg index ``i`` (``{spread_id}-L{i}``) of each geometry leg.
    urgent : bool
        Whether orders go out marketable at once (stop-loss exits, unwinds).
    exit_reason : str
        Why it is closing ("" while not closing).
    net_premium, max_profit, max_loss : float
        Entry premium per unit (credit > 0) and the max profit and loss per unit from it.
    orders : LegOrders
        Its orders in flight, at most one per leg.
    spread_type : str
        The shape its orders are tagged with (``type=``); "" for the strategy's own.
    """

    spread_id: str
    instruments: tuple[OptionContract, ...]
    sequencer: LegSequencer
    phase_started_ns: int
    reserved: bool
    leg_ids: tuple[int, ...]
    urgent: bool = False
    exit_reason: str = ""
    net_premium: float = 0.0
    max_profit: float = 0.0
    max_loss: float = 0.0
    orders: LegOrders = field(default_factory=LegOrders)
    spread_type: str = ""

    def set_premium(self, net_premium: float) -> None:
        """Fix the entry premium per unit and the spread's max profit and loss from it."""
        self.net_premium = net_premium
        self.max_profit = self.sequencer.geometry.max_profit(net_premium)
        self.max_loss = self.sequencer.geometry.max_loss(net_premium)


class SpreadBook:
    """Active spreads by id, indexed by the instruments of their legs."""

    def __init__(self) -> None:
        self._spreads: dict[str, ActiveSpread] = {}
        self._by_instrument: dict[InstrumentId, set[str]] = {}

    def __len__(self) -> int:
        return len(self._spreads)

    def __iter__(self) -> Iterator[ActiveSpread]:
        """The spreads, oldest first (a copy: the book may change while iterating)."""
        return iter(list(self._spreads.values()))

    def __contains__(self, spread_id: object) -> bool:
        return spread_id in self._spreads

    def get(self, spread_id: str) -> ActiveSpread | None:
        """The spread ``spread_id``, or None when not in the book."""
        return self._spreads.get(spread_id)

    def ids(self) -> list[str]:
        """Ids of the spreads, oldest first."""
        return list(self._spreads)

    def instrument_ids(self) -> list[InstrumentId]:
        """Instruments held by some spread."""
        return list(self._by_instrument)

    def add(self, spread: ActiveSpread) -> list[InstrumentId]:
        """Add ``spread``; return its instruments no other spread held before."""
        self._spreads[spread.spread_id] = spread
        new = []
        for instrument in spread.instruments:
            spread_ids = self._by_instrument.setdefault(instrument.id, set())
            if not spread_ids:
                new.append(instrument.id)
            spread_ids.add(spread.spread_id)
        return new

    def remove(self, spread: ActiveSpread) -> list[InstrumentId]:
        """Remove ``spread``; return its instruments no other spread holds any more."""
        self._spreads.pop(spread.spread_id, None)
        released = []
        for instrument in spread.instruments:
            spread_ids = self._by_instrument.get(instrument.id)
            if spread_ids is None:
                continue
            spread_ids.discard(spread.spread_id)
            if not spread_ids:
                del self._by_instrument[instrument.id]
                released.append(instrument.id)
        return released

    def clear(self) -> None:
        """Forget every spread."""
        self._spreads.clear()
        self._by_instrument.clear()


def adopt(
    view: SpreadView, instruments: tuple[OptionContract, ...], now_ns: int, reserved: bool
) -> ActiveSpread:
    """Rebuild an active spread from its view (legs held as the positions say)."""
    legs = tuple(LegSpec(leg.strike, leg.right, leg.ratio) for leg in view.legs)
    sequencer = LegSequencer(SpreadGeometry(legs), int(view.units), phase=Phase.OPEN)
    for i, leg in enumerate(view.legs):
        sequencer.opened[i] = int(abs(leg.quantity))
        sequencer.closed[i] = int(abs(leg.quantity) - abs(leg.open_quantity))
    spread = ActiveSpread(
        spread_id=view.spread_id,
        instruments=instruments,
        sequencer=sequencer,
        phase_started_ns=now_ns,
        reserved=reserved,
        leg_ids=tuple(leg.index for leg in view.legs),
    )
    spread.set_premium(view.net_premium)
    return spread


def is_complete(view: SpreadView) -> bool:
    """Whether every leg of the spread's shape is opened and still fully held."""
    return len(view.legs) == _leg_count(view.spread_type) and all(
        leg.open_quantity == leg.quantity for leg in view.legs
    )


def _leg_count(spread_type: str) -> int:
    """Legs of a fully opened spread of ``spread_type`` (0 when unknown)."""
    try:
        kind = SpreadType[spread_type.upper()]
    except KeyError:
        return 0
    return 4 if kind in (SpreadType.IRON_CONDOR, SpreadType.IRON_BUTTERFLY) else 2
