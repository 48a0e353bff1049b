"""Kite's order states to Nautilus order events: updates, polls, fills (execution, step 3).

Kite's order updates (a ticker connection with no subscriptions) and a poll of the order book
both feed :meth:`OrderSync._sync`, serialised per client order: ``accepted`` once a slice
reaches the exchange (once per client order, and not at all when Nautilus' in-flight check
already accepted it from a status report; likewise no terminal event or fill that
reconciliation already applied), then ``updated`` with the smaller quantity if a later slice was
refused at placement (see below), ``triggered`` for stop orders leaving ``TRIGGER PENDING``,
fills from the slice's trades (deduplicated by trade id, charges from ``domain.charges``),
then ``canceled`` (``expired`` for IOC) or ``rejected`` with Kite's reason.

**A refused later slice.** One client order is one venue order placed as several Kite orders
(freeze-quantity slices). When a slice after the first is refused at placement (a Kite
error with a known outcome, or a ``TokenException``), the slices already placed stay live,
so the order cannot be rejected; Nautilus' venue order is in effect *smaller*. It is
reported as an ``OrderUpdated`` to the placed quantity, right after ``OrderAccepted``, with
the reason in the log. The order then ends ``FILLED`` when the placed slices fill, rather
than hanging in ``PARTIALLY_FILLED`` for units Kite never had.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable
from typing import Any

import msgspec
from nautilus_trader.execution.messages import QueryOrder
from nautilus_trader.live.execution_client import LiveExecutionClient
from nautilus_trader.model.currencies import INR
from nautilus_trader.model.enums import LiquiditySide, OrderStatus, OrderType, TimeInForce
from nautilus_trader.model.identifiers import TradeId
from nautilus_trader.model.objects import Price, Quantity

from nautilus_options.adapters.zerodha.common.errors import KiteError
from nautilus_options.adapters.zerodha.common.symbology import split_tag, tag_base
from nautilus_options.adapters.zerodha.config import ZerodhaExecClientConfig
from nautilus_options.adapters.zerodha.http.client import KiteHttpClient
from nautilus_options.adapters.zerodha.parsing.orders import fill_commission, trade_time_ns
from nautilus_options.adapters.zerodha.reports import KiteReports
from nautilus_options.adapters.zerodha.schemas.orders import KiteOrder, KiteTrade
from nautilus_options.adapters.zerodha.tracking import TrackedOrder

_DECODE_ORDER = msgspec.convert
#: Cache statuses in which an ``OrderAccepted`` from this client is still news.
_NOT_YET_ACCEPTED = frozenset({OrderStatus.INITIALIZED, OrderStatus.SUBMITTED})


class OrderSync(LiveExecutionClient):
    """The update, poll and event half of the execution client (see the module docstring)."""

    _config: ZerodhaExecClientConfig
    _http: KiteHttpClient
    _reports: KiteReports
    _orders: dict[str, TrackedOrder]
    _by_kite_id: dict[str, TrackedOrder]
    _locks: dict[str, asyncio.Lock]
    counts: dict[str, int]
    _refresh_account_soon: Callable[[], None]  # from the client (account refresh after fills)

    def _lock(self, base: str) -> asyncio.Lock:
        return self._locks.setdefault(base, asyncio.Lock())

    # -- order updates, polling and events ------------------------------------------------
    def _on_order_update(self, data: dict[str, Any]) -> None:
        try:
            snapshot = _DECODE_ORDER(data, KiteOrder)
        except msgspec.ValidationError as exc:
            self._log.warning(f"Ignored a malformed Kite order update: {exc}")
            return
        parsed = split_tag(snapshot.tag)
        tracked = self._orders.get(parsed[0]) if parsed else None
        if tracked is not None and not tracked.closed:
            self.create_task(self._sync(tracked, [snapshot]), log_msg="kite-order-update")

    async def _refresh(self, tracked: TrackedOrder) -> None:
        """Fetch the latest state of ``tracked``'s Kite orders (after place, cancel)."""
        snapshots = []
        for kite_id in list(tracked.kite_ids.values()):
            with contextlib.suppress(KiteError):
                history = await self._http.request("GET", f"/orders/{kite_id}")
                if history:
                    snapshots.append(_DECODE_ORDER(history[-1], KiteOrder))
        await self._sync(tracked, snapshots)

    def _adopt_open_orders(self) -> None:
        """Track the open orders the cache holds from before a restart.

        After a restart the cache (loaded from its database, then reconciled) holds the
        orders still working at Kite, but this client only tracked the orders it placed
        itself: their updates and fills were ignored and their cancels refused, so a resting
        short of a spread being unwound stayed live at Kite. Each is tracked from the cache
        order (its Kite order id, filled quantity and trade ids, so no fill is reported
        twice); the order book poll then adopts any later slices.
        """
        for order in self._cache.orders_open():
            if order.venue_order_id is None:
                continue
            base = tag_base(order.client_order_id.value)
            if base in self._orders:
                continue
            kite_id = order.venue_order_id.value
            tracked = TrackedOrder(
                order.client_order_id,
                order.strategy_id,
                order.instrument_id,
                order.side,
                order.order_type,
                base,
                [int(order.quantity.as_double())],
                ioc=order.time_in_force == TimeInForce.IOC,
                kite_ids={0: kite_id},
                trade_ids={trade_id.value for trade_id in order.trade_ids},
                filled_by_order={kite_id: int(order.filled_qty.as_double())},
                accepted=True,
                placing=False,
            )
            self._orders[base] = tracked
            self._by_kite_id[kite_id] = tracked
            self._log.info(f"Tracking {order.client_order_id} (Kite {kite_id}) after a restart")

    async def _poll_loop(self) -> None:
        while True:
            await asyncio.sleep(self._config.poll_interval_secs)
            self._adopt_open_orders()
            if not any(not t.closed for t in self._orders.values()):
                continue
            try:
                book = await self._reports.orders()
            except KiteError as exc:
                self._log.warning(f"Order book poll failed: {exc}")
                continue
            await self._apply_book(book)

    async def _apply_book(self, book: list[KiteOrder]) -> None:
        """Feed a fetched order book to every open tracked order (adopting lost slices)."""
        found: dict[str, list[KiteOrder]] = {}
        for snapshot in book:
            parsed = split_tag(snapshot.tag)
            tracked = self._orders.get(parsed[0]) if parsed else None
            if parsed is None or tracked is None or tracked.closed:
                continue
            if parsed[1] not in tracked.kite_ids and not tracked.placing:
                tracked.kite_ids[parsed[1]] = snapshot.order_id
                self._by_kite_id[snapshot.order_id] = tracked
            found.setdefault(tracked.base, []).append(snapshot)
        for base, snapshots in found.items():
            await self._sync(self._orders[base], snapshots)

    async def _sync(self, tracked: TrackedOrder, snapshots: list[KiteOrder]) -> None:
        """Apply snapshots to ``tracked`` and emit what changed (module docstring, step 3)."""
        async with self._lock(tracked.base):
            if tracked.closed:
                return
            changed = [
                s
                for s in snapshots
                if s.order_id in tracked.kite_ids.values() and tracked.update(s)
            ]
            if not changed and not tracked.lagging_fills() and tracked.refused is None:
                return
            now = self._clock.timestamp_ns()
            ids = (tracked.strategy_id, tracked.instrument_id, tracked.client_order_id)
            if not tracked.accepted and tracked.working and tracked.venue_order_id is not None:
                tracked.accepted = True
                if not self._engine_accepted(tracked):
                    self.generate_order_accepted(*ids, tracked.venue_order_id, now)
            if tracked.accepted and not tracked.placing and tracked.refused is not None:
                self._report_refused_slice(tracked, now)
            if (
                tracked.accepted
                and not tracked.triggered
                and tracked.order_type in (OrderType.STOP_MARKET, OrderType.STOP_LIMIT)
                and any(
                    s.status not in ("TRIGGER PENDING",)
                    for s in tracked.snapshots.values()
                    if s.status in ("OPEN", "COMPLETE", "UPDATE")
                )
            ):
                tracked.triggered = True
                self.generate_order_triggered(*ids, tracked.venue_order_id, now)
            for kite_id in tracked.lagging_fills():
                await self._fetch_fills(tracked, kite_id)
            if not tracked.all_terminal or tracked.lagging_fills():
                return
            tracked.closed = True
            if tracked.filled >= tracked.quantity:
                return
            cached = self._cache.order(tracked.client_order_id)
            if cached is not None and cached.is_closed:
                return  # the engine's reconciliation already closed it: no second event
            if not tracked.accepted:
                reasons = [s.status_message or "REJECTED" for s in tracked.snapshots.values()]
                self.generate_order_rejected(*ids, "; ".join(sorted(set(reasons))), now)
            elif tracked.ioc:
                self.generate_order_expired(*ids, tracked.venue_order_id, now)
            else:
                self.generate_order_canceled(*ids, tracked.venue_order_id, now)

    async def _query_order(self, command: QueryOrder) -> None:
        """Nautilus' in-flight check of an order: answered by this client's own sync.

        A report sent back to the engine makes it generate ``OrderAccepted`` and an
        *inferred* fill (a made-up trade id) itself, racing the adapter's events for the same
        order. For an order this client tracks, the query instead refreshes the order from
        Kite, which sends the real events (Kite's trade ids); while its placement is still
        being resolved nothing is sent and the engine asks again later.
        """
        base = tag_base(command.client_order_id.value)
        tracked = self._orders.get(base)
        if tracked is None or tracked.closed:
            await super()._query_order(command)
            return
        if not tracked.placing:
            await self._refresh(tracked)

    def _engine_accepted(self, tracked: TrackedOrder) -> bool:
        """Whether the order is already past ``SUBMITTED`` in the cache.

        Nautilus' in-flight check queries an order left ``SUBMITTED`` for a few seconds
        (lost answers, 5xx look-ups) and generates ``OrderAccepted`` itself from the report;
        a second one from this client would reach the strategy again.
        """
        order = self._cache.order(tracked.client_order_id)
        return order is not None and order.status not in _NOT_YET_ACCEPTED

    def _report_refused_slice(self, tracked: TrackedOrder, now: int) -> None:
        """``OrderUpdated`` to the placed quantity (module docstring, "a refused later slice")."""
        reason, tracked.refused = tracked.refused, None
        order = self._cache.order(tracked.client_order_id)
        if order is None:
            return
        self._log.error(
            f"{tracked.client_order_id}: a later slice was refused ({reason}); the order is "
            f"reduced from {order.quantity} to the {tracked.quantity} units placed"
        )
        self.generate_order_updated(
            tracked.strategy_id,
            tracked.instrument_id,
            tracked.client_order_id,
            tracked.venue_order_id,
            Quantity.from_int(tracked.quantity),
            order.price if order.has_price else None,
            order.trigger_price if order.has_trigger_price else None,
            now,
        )

    async def _fetch_fills(self, tracked: TrackedOrder, kite_id: str) -> None:
        try:
            rows = await self._http.request("GET", f"/orders/{kite_id}/trades")
        except KiteError as exc:
            self._log.warning(f"Trades of {kite_id} not fetched (the poll retries): {exc}")
            return
        trades = sorted(
            _DECODE_ORDER(rows or [], list[KiteTrade]),
            key=lambda t: (trade_time_ns(t, 0), t.trade_id),
        )
        cached = self._cache.order(tracked.client_order_id)
        known = {t.value for t in cached.trade_ids} if cached is not None else set()
        for trade in trades:
            if trade.trade_id in tracked.trade_ids:
                continue
            first = kite_id not in tracked.filled_by_order
            tracked.trade_ids.add(trade.trade_id)
            tracked.filled_by_order[kite_id] = (
                tracked.filled_by_order.get(kite_id, 0) + trade.quantity
            )
            if trade.trade_id in known:
                continue  # reconciliation already applied this fill
            ts_event = trade_time_ns(trade, self._clock.timestamp_ns())
            self.counts["fills"] += 1
            self.generate_order_filled(
                tracked.strategy_id,
                tracked.instrument_id,
                tracked.client_order_id,
                tracked.venue_order_id,
                None,
                TradeId(trade.trade_id),
                tracked.side,
                tracked.order_type,
                Quantity.from_int(trade.quantity),
                Price(trade.average_price, 2),
                INR,
                fill_commission(tracked.side, trade.quantity, trade.average_price, ts_event, first),
                LiquiditySide.NO_LIQUIDITY_SIDE,
                ts_event,
            )
        self._refresh_account_soon()
