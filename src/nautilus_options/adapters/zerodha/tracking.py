"""What the execution client remembers about each order.

A client order is one :class:`TrackedOrder`: one Kite order per freeze-quantity slice, all
tagged ``<base><slice>`` (:mod:`.common.symbology`). Kite's order updates carry no sequence
number, may repeat and may arrive out of order (KITE_API.md §4.3), and the poll reports the
same states again, so each Kite order keeps only its *newest* snapshot (:func:`is_newer`):
a terminal snapshot is never replaced, and filled quantity never goes down. Fills are keyed
by Kite's ``trade_id``, so a trade reported by the socket path and by a poll counts once.

The persisted map of tags to client orders is the order journal (:mod:`.journal`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from nautilus_trader.model.enums import OrderSide, OrderType
from nautilus_trader.model.identifiers import ClientOrderId, InstrumentId, StrategyId, VenueOrderId

from nautilus_options.adapters.zerodha.common.enums import (
    PRE_EXCHANGE_STATUSES,
    TERMINAL_STATUSES,
)
from nautilus_options.adapters.zerodha.schemas.orders import KiteOrder


def is_newer(old: KiteOrder | None, new: KiteOrder) -> bool:
    """Whether snapshot ``new`` of a Kite order supersedes ``old``."""
    if old is None:
        return True
    if old.status in TERMINAL_STATUSES:
        return False
    if new.filled_quantity < old.filled_quantity:
        return False
    return not (new.status in PRE_EXCHANGE_STATUSES and old.status not in PRE_EXCHANGE_STATUSES)


@dataclass
class TrackedOrder:
    """One client order and its Kite orders (see the module docstring)."""

    client_order_id: ClientOrderId
    strategy_id: StrategyId
    instrument_id: InstrumentId
    side: OrderSide
    order_type: OrderType
    base: str
    quantities: list[int]
    ioc: bool = False
    kite_ids: dict[int, str] = field(default_factory=dict)
    snapshots: dict[str, KiteOrder] = field(default_factory=dict)
    trade_ids: set[str] = field(default_factory=set)
    filled_by_order: dict[str, int] = field(default_factory=dict)
    accepted: bool = False
    triggered: bool = False
    closed: bool = False
    placing: bool = True
    refused: str | None = None
    """Why a later slice was refused at placement, until reported (see :mod:`.sync`)."""

    @property
    def venue_order_id(self) -> VenueOrderId | None:
        """The first slice's Kite order id (one venue order per client order)."""
        first = self.kite_ids.get(0)
        return VenueOrderId(first) if first else None

    @property
    def quantity(self) -> int:
        """Units of the whole client order."""
        return sum(self.quantities)

    @property
    def filled(self) -> int:
        """Units filled so far, from the trades seen."""
        return sum(self.filled_by_order.values())

    def update(self, snapshot: KiteOrder) -> bool:
        """Keep ``snapshot`` if it is newer; return whether it was kept."""
        if not is_newer(self.snapshots.get(snapshot.order_id), snapshot):
            return False
        self.snapshots[snapshot.order_id] = snapshot
        return True

    def lagging_fills(self) -> list[str]:
        """Kite orders whose reported filled quantity is ahead of the trades seen."""
        return [
            order_id
            for order_id, snap in self.snapshots.items()
            if snap.filled_quantity > self.filled_by_order.get(order_id, 0)
        ]

    @property
    def all_terminal(self) -> bool:
        """Every slice placed and final."""
        return (
            not self.placing
            and len(self.snapshots) == len(self.kite_ids) == len(self.quantities)
            and all(s.status in TERMINAL_STATUSES for s in self.snapshots.values())
        )

    @property
    def working(self) -> bool:
        """Some slice reached the exchange (not pre-exchange, not rejected)."""
        return any(
            s.status not in PRE_EXCHANGE_STATUSES and s.status != "REJECTED"
            for s in self.snapshots.values()
        )
