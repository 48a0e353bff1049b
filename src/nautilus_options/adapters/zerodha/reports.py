"""Reconciliation reports from Kite's order book, trade book and positions.

Contract (DESIGN.md §7, "reconciliation never lies"): every method *raises* when a Kite call
fails (token, network, 5xx); an empty list means Kite answered and has nothing. Nautilus
reads ``[]`` as a flat account, so a swallowed error would make a restarted node open its
positions again.

Kite orders are grouped into client orders by tag base; the client order id comes from the
:class:`~.journal.OrderJournal`, else from recomputing the tag of each order in the cache.
An order missing from the order book is looked for in the trade book before it is given up
(Kite's order book lives for the day; trades prove fills).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

import msgspec
from nautilus_trader.execution.reports import FillReport, OrderStatusReport, PositionStatusReport
from nautilus_trader.model.enums import OrderStatus
from nautilus_trader.model.identifiers import AccountId, ClientOrderId, InstrumentId, VenueOrderId

from nautilus_options.adapters.zerodha.common.symbology import split_tag
from nautilus_options.adapters.zerodha.http.client import KiteHttpClient
from nautilus_options.adapters.zerodha.parsing.orders import (
    aggregate,
    fill_report,
    first_trade_ids,
    instrument_id_of,
    position_report,
)
from nautilus_options.adapters.zerodha.schemas.orders import KiteOrder, KitePositions, KiteTrade

_ORDERS = msgspec.convert
OPEN_STATUSES = frozenset(
    {OrderStatus.SUBMITTED, OrderStatus.ACCEPTED, OrderStatus.PARTIALLY_FILLED}
)


def group_orders(orders: Iterable[KiteOrder]) -> dict[str, list[KiteOrder]]:
    """Kite orders keyed by tag base (an untagged order is its own group), slices in order."""
    groups: dict[str, list[tuple[int, KiteOrder]]] = {}
    for order in orders:
        parsed = split_tag(order.tag)
        key, index = parsed if parsed else (f"id:{order.order_id}", 0)
        groups.setdefault(key, []).append((index, order))
    return {key: [o for _, o in sorted(items, key=lambda x: x[0])] for key, items in groups.items()}


class KiteReports:
    """Builds reports for one account (see the module docstring).

    Parameters
    ----------
    http : KiteHttpClient
        REST client (its limiters are Kite's).
    account_id : AccountId
        The account the reports are for.
    resolve : callable
        Tag base -> client order id, or None for an order not placed by this node.
    """

    def __init__(
        self,
        http: KiteHttpClient,
        account_id: AccountId,
        resolve: Callable[[str], ClientOrderId | None],
    ) -> None:
        self._http = http
        self._account_id = account_id
        self._resolve = resolve

    def _retry(self, retry: bool) -> float:
        return self._http.connect_retry if retry else 0.0

    async def orders(self, retry: bool = False) -> list[KiteOrder]:
        """The day's order book (raises on failure; ``retry``: reads retried as at connect)."""
        data = await self._http.request("GET", "/orders", retry_for=self._retry(retry))
        return _ORDERS(data, list[KiteOrder])

    async def trades(self, retry: bool = False) -> list[KiteTrade]:
        """The day's trade book (raises on failure; ``retry``: reads retried as at connect)."""
        data = await self._http.request("GET", "/trades", retry_for=self._retry(retry))
        return _ORDERS(data, list[KiteTrade])

    def _client_order_id(self, key: str) -> ClientOrderId | None:
        return None if key.startswith("id:") else self._resolve(key)

    async def order_reports(
        self, instrument_id: InstrumentId | None, open_only: bool, ts_init: int
    ) -> list[OrderStatusReport]:
        """One report per client order in Kite's book."""
        reports = []
        for key, group in group_orders(await self.orders(retry=True)).items():
            report = aggregate(self._account_id, group, self._client_order_id(key), ts_init)
            if instrument_id is not None and report.instrument_id != instrument_id:
                continue
            if open_only and report.order_status not in OPEN_STATUSES:
                continue
            reports.append(report)
        return reports

    async def order_report(
        self,
        client_order_id: ClientOrderId | None,
        venue_order_id: VenueOrderId | None,
        base: str | None,
        ts_init: int,
    ) -> OrderStatusReport | None:
        """The report of one client order, from the book or else from its trades."""
        groups = group_orders(await self.orders())
        for key, group in groups.items():
            ids = {o.order_id for o in group}
            if key == base or (venue_order_id is not None and venue_order_id.value in ids):
                return aggregate(
                    self._account_id, group, client_order_id or self._client_order_id(key), ts_init
                )
        if venue_order_id is None:
            return None
        trades = [t for t in await self.trades() if t.order_id == venue_order_id.value]
        if not trades:
            return None
        first = trades[0]
        synthetic = KiteOrder(
            order_id=first.order_id,
            status="COMPLETE",
            tradingsymbol=first.tradingsymbol,
            exchange=first.exchange,
            transaction_type=first.transaction_type,
            order_type="LIMIT",
            quantity=sum(t.quantity for t in trades),
            filled_quantity=sum(t.quantity for t in trades),
            average_price=sum(t.average_price * t.quantity for t in trades)
            / sum(t.quantity for t in trades),
            exchange_timestamp=first.fill_timestamp,
        )
        return aggregate(self._account_id, [synthetic], client_order_id, ts_init)

    async def fill_reports(
        self, instrument_id: InstrumentId | None, venue_order_id: VenueOrderId | None, ts_init: int
    ) -> list[FillReport]:
        """Every trade of the day, attributed to its client order."""
        orders, trades = await self.orders(retry=True), await self.trades(retry=True)
        owner: dict[str, tuple[VenueOrderId, ClientOrderId | None]] = {}
        for key, group in group_orders(orders).items():
            for order in group:
                owner[order.order_id] = (
                    VenueOrderId(group[0].order_id),
                    self._client_order_id(key),
                )
        first = first_trade_ids(trades)
        reports = []
        for trade in trades:
            venue_id, client_id = owner.get(trade.order_id, (VenueOrderId(trade.order_id), None))
            if (
                instrument_id is not None
                and instrument_id_of(trade.exchange, trade.tradingsymbol) != instrument_id
            ):
                continue
            if venue_order_id is not None and venue_id != venue_order_id:
                continue
            reports.append(
                fill_report(
                    self._account_id, trade, venue_id, client_id, trade.trade_id in first, ts_init
                )
            )
        return reports

    async def position_reports(
        self, instrument_id: InstrumentId | None, ts_init: int
    ) -> list[PositionStatusReport]:
        """Net positions (Kite nets per instrument and product)."""
        book = msgspec.convert(
            await self._http.request("GET", "/portfolio/positions", retry_for=self._retry(True)),
            KitePositions,
        )
        reports = [position_report(self._account_id, p, ts_init) for p in book.net]
        return [r for r in reports if instrument_id is None or r.instrument_id == instrument_id]
