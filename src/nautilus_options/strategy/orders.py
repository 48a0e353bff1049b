"""The orders of one spread in flight: at most one per leg, from creation to a final event.

Nautilus counts an order as *open* only once the venue accepted it; an order just created or
submitted (INITIALIZED, SUBMITTED) is not open yet. A strategy that counts open orders
therefore sends the same leg again while the first order is on its way, and at Kite, which
has no reduce-only flag, a second closing SELL of a hedge opens a naked short.
:class:`LegOrders` counts an order from the moment the strategy creates it until its last
event: filled completely, canceled, rejected, denied or expired. A leg with an order in
flight gets no other order, so:

* re-pricing modifies the working order in place (Kite's modify order API,
  ``PUT /orders/:variety/:order_id``), never cancel-and-replace;
* a closing order for a leg goes out only once the leg's opening order is final; when an
  unwind cancels it, only after the cancel is confirmed;
* a quantity above the freeze limit goes out one slice at a time.

Every cancel the strategy sends carries its reason (:attr:`LegOrder.cancel_reason`).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from nautilus_trader.model.identifiers import ClientOrderId


@dataclass
class LegOrder:
    """An order of one spread leg, in flight until its final event.

    Attributes
    ----------
    client_order_id : ClientOrderId
        The order.
    leg : int
        Geometry leg index of the spread.
    closing : bool
        Whether it closes (rather than opens) the leg.
    quantity : int
        Units ordered.
    filled : int
        Units filled so far.
    step : int
        Re-pricing step of its limit price.
    cancel_reason : str
        Why the strategy asked to cancel it ("" while it has not).
    """

    client_order_id: ClientOrderId
    leg: int
    closing: bool
    quantity: int
    filled: int = 0
    step: int = 0
    cancel_reason: str = ""


class LegOrders:
    """The in-flight orders of one spread, at most one per leg."""

    def __init__(self) -> None:
        self._by_leg: dict[int, LegOrder] = {}

    def __len__(self) -> int:
        return len(self._by_leg)

    def __iter__(self) -> Iterator[LegOrder]:
        """The orders in flight (a copy: orders may finish while iterating)."""
        return iter(list(self._by_leg.values()))

    def busy(self, leg: int) -> bool:
        """Whether leg ``leg`` has an order in flight."""
        return leg in self._by_leg

    def get(self, client_order_id: ClientOrderId) -> LegOrder | None:
        """The in-flight order ``client_order_id``, or None (unknown or final)."""
        for order in self._by_leg.values():
            if order.client_order_id == client_order_id:
                return order
        return None

    def add(self, order: LegOrder) -> None:
        """Count ``order`` in flight from now (call before submitting it).

        Raises
        ------
        ValueError
            If its leg already has an order in flight.
        """
        current = self._by_leg.get(order.leg)
        if current is not None:
            raise ValueError(f"leg {order.leg} already has {current.client_order_id} in flight")
        self._by_leg[order.leg] = order

    def fill(self, client_order_id: ClientOrderId, units: int) -> LegOrder | None:
        """Record a fill; the order leaves once filled completely.

        Returns
        -------
        LegOrder | None
            The order filled, None when it is not in flight here.
        """
        order = self.get(client_order_id)
        if order is not None:
            order.filled += units
            if order.filled >= order.quantity:
                del self._by_leg[order.leg]
        return order

    def finish(self, client_order_id: ClientOrderId) -> LegOrder | None:
        """Remove an order that reached a final state other than filled; return it."""
        order = self.get(client_order_id)
        if order is not None:
            del self._by_leg[order.leg]
        return order
