"""Modify and cancel on Kite, for every live slice of a client order (execution, step 4).

A modify goes to each slice still working (``PUT /orders/regular/<id>``; a sliced order's
quantity cannot change, since the slices would no longer add up), and ``OrderUpdated`` is
sent once Kite acknowledges every ``PUT`` (it returns the order id), not when the exchange
confirms: if the exchange then refuses the change, Kite's next update of the order carries
the old price or quantity. A cancel deletes each working slice, then refreshes the order;
Kite's refusals are reported as ``OrderCancelRejected`` unless the order closed meanwhile.
"""

from __future__ import annotations

from typing import Any

from nautilus_trader.execution.messages import CancelAllOrders, CancelOrder, ModifyOrder
from nautilus_trader.model.enums import OrderSide

from nautilus_options.adapters.zerodha.common.errors import KiteError
from nautilus_options.adapters.zerodha.common.symbology import tag_base
from nautilus_options.adapters.zerodha.http.client import KiteHttpClient
from nautilus_options.adapters.zerodha.sync import OrderSync
from nautilus_options.adapters.zerodha.tracking import TrackedOrder


class OrderAmendments(OrderSync):
    """Modify and cancel (see the module docstring); built on :class:`.sync.OrderSync`."""

    _http: KiteHttpClient
    _orders: dict[str, TrackedOrder]

    async def _modify_order(self, command: ModifyOrder) -> None:
        self._adopt_open_orders()
        tracked = self._orders.get(tag_base(command.client_order_id.value))
        order = self._cache.order(command.client_order_id)
        if tracked is None or order is None or not tracked.kite_ids:
            return self._modify_rejected(command, "order unknown to the Kite client")
        if (
            command.quantity is not None
            and len(tracked.quantities) > 1
            and command.quantity != order.quantity
        ):
            return self._modify_rejected(command, "a sliced order's quantity cannot be modified")
        form: dict[str, Any] = {}
        if command.quantity is not None:
            form["quantity"] = int(command.quantity.as_double())
        if command.price is not None:
            form["price"] = command.price.as_double()
        if command.trigger_price is not None:
            form["trigger_price"] = command.trigger_price.as_double()
        try:
            for kite_id in tracked.kite_ids.values():
                if tracked.snapshots.get(kite_id) and tracked.snapshots[kite_id].status in (
                    "COMPLETE",
                    "CANCELLED",
                    "REJECTED",
                ):
                    continue
                await self._http.request("PUT", f"/orders/regular/{kite_id}", "orders", data=form)
        except KiteError as exc:
            return self._modify_rejected(command, f"{exc.error_type}: {exc.message}")
        self.generate_order_updated(
            tracked.strategy_id,
            tracked.instrument_id,
            tracked.client_order_id,
            tracked.venue_order_id,
            command.quantity or order.quantity,
            command.price or (order.price if order.has_price else None),
            command.trigger_price or (order.trigger_price if order.has_trigger_price else None),
            self._clock.timestamp_ns(),
        )

    def _modify_rejected(self, command: ModifyOrder, reason: str) -> None:
        self.generate_order_modify_rejected(
            command.strategy_id,
            command.instrument_id,
            command.client_order_id,
            command.venue_order_id,
            reason,
            self._clock.timestamp_ns(),
        )

    async def _cancel_order(self, command: CancelOrder) -> None:
        self._adopt_open_orders()
        tracked = self._orders.get(tag_base(command.client_order_id.value))
        if tracked is None or not tracked.kite_ids:
            self.generate_order_cancel_rejected(
                command.strategy_id,
                command.instrument_id,
                command.client_order_id,
                command.venue_order_id,
                "order unknown to the Kite client",
                self._clock.timestamp_ns(),
            )
            return
        errors = []
        for kite_id in tracked.kite_ids.values():
            snapshot = tracked.snapshots.get(kite_id)
            if snapshot is not None and snapshot.status in ("COMPLETE", "CANCELLED", "REJECTED"):
                continue
            try:
                await self._http.request("DELETE", f"/orders/regular/{kite_id}", "orders")
            except KiteError as exc:
                errors.append(f"{exc.error_type}: {exc.message}")
        await self._refresh(tracked)
        if errors and not tracked.closed:
            self.generate_order_cancel_rejected(
                command.strategy_id,
                command.instrument_id,
                command.client_order_id,
                command.venue_order_id,
                "; ".join(errors),
                self._clock.timestamp_ns(),
            )

    async def _cancel_all_orders(self, command: CancelAllOrders) -> None:
        for order in self._cache.orders_open(instrument_id=command.instrument_id):
            if command.order_side in (OrderSide.NO_ORDER_SIDE, order.side):
                await self._cancel_order(
                    CancelOrder(
                        order.trader_id,
                        order.strategy_id,
                        order.instrument_id,
                        order.client_order_id,
                        order.venue_order_id,
                        command.id,
                        self._clock.timestamp_ns(),
                    )
                )
