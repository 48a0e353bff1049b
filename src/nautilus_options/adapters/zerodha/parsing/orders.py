"""Kite orders, trades and positions as Nautilus reports (KITE_API.md §3.5-3.6, §4, §8).

Status map (KITE_API.md §8): the pre-exchange statuses are SUBMITTED; ``OPEN``,
``TRIGGER PENDING``, ``UPDATE`` and the modification statuses are ACCEPTED, or
PARTIALLY_FILLED once ``filled_quantity > 0`` (Kite keeps partly filled orders ``OPEN``);
``COMPLETE`` is FILLED, ``CANCELLED`` CANCELED and ``REJECTED`` REJECTED with Kite's
``status_message``. Pending quantity is treated as 0 once an order is terminal (§4.1).

A client order sliced for the freeze limit is several Kite orders sharing a tag base
(:mod:`..common.symbology`); :func:`aggregate` folds them into one report whose venue order id
is the first slice's. Commissions come from :func:`nautilus_options.domain.charges.order_charges`
as in the backtest: brokerage once per executed Kite order (its first trade), the
turnover-based charges on every trade.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal

from nautilus_trader.core.uuid import UUID4
from nautilus_trader.execution.reports import FillReport, OrderStatusReport, PositionStatusReport
from nautilus_trader.model.currencies import INR
from nautilus_trader.model.enums import (
    LiquiditySide,
    OrderSide,
    OrderStatus,
    OrderType,
    PositionSide,
    TimeInForce,
)
from nautilus_trader.model.identifiers import (
    AccountId,
    ClientOrderId,
    InstrumentId,
    Symbol,
    TradeId,
    Venue,
    VenueOrderId,
)
from nautilus_trader.model.objects import Money, Price, Quantity

from nautilus_options.adapters.zerodha.common.enums import PRE_EXCHANGE_STATUSES, TERMINAL_STATUSES
from nautilus_options.adapters.zerodha.schemas.orders import KiteOrder, KitePosition, KiteTrade
from nautilus_options.domain.charges import order_charges
from nautilus_options.domain.time import IST, ist_date, to_ns

PRICE_PRECISION = 2

ORDER_TYPES: dict[str, OrderType] = {
    "LIMIT": OrderType.LIMIT,
    "MARKET": OrderType.MARKET,
    "SL": OrderType.STOP_LIMIT,
    "SL-M": OrderType.STOP_MARKET,
}
KITE_ORDER_TYPES: dict[OrderType, str] = {v: k for k, v in ORDER_TYPES.items()}
TIME_IN_FORCE: dict[str, TimeInForce] = {"DAY": TimeInForce.DAY, "IOC": TimeInForce.IOC}
SIDES: dict[str, OrderSide] = {"BUY": OrderSide.BUY, "SELL": OrderSide.SELL}


def kite_time_ns(text: str | None, default: int) -> int:
    """UNIX ns of Kite's IST wall-clock ``YYYY-MM-DD HH:MM:SS``, or ``default``."""
    if not text or len(text) != 19:
        return default
    try:
        return to_ns(datetime.strptime(text, "%Y-%m-%d %H:%M:%S").replace(tzinfo=IST))
    except ValueError:
        return default


def order_status(order: KiteOrder) -> OrderStatus:
    """Nautilus status of one Kite order (module docstring)."""
    status = order.status
    if status == "COMPLETE":
        return OrderStatus.FILLED
    if status == "CANCELLED":
        return OrderStatus.CANCELED
    if status == "REJECTED":
        return OrderStatus.REJECTED
    if status in PRE_EXCHANGE_STATUSES:
        return OrderStatus.SUBMITTED
    return OrderStatus.PARTIALLY_FILLED if order.filled_quantity > 0 else OrderStatus.ACCEPTED


def _combined_status(orders: Sequence[KiteOrder], quantity: int, filled: int) -> OrderStatus:
    statuses = [order_status(o) for o in orders]
    if not all(o.status in TERMINAL_STATUSES for o in orders):
        if all(s == OrderStatus.SUBMITTED for s in statuses):
            return OrderStatus.SUBMITTED
        return OrderStatus.PARTIALLY_FILLED if filled else OrderStatus.ACCEPTED
    if filled >= quantity:
        return OrderStatus.FILLED
    if all(s == OrderStatus.REJECTED for s in statuses):
        return OrderStatus.REJECTED
    return OrderStatus.CANCELED


def instrument_id_of(exchange: str, tradingsymbol: str) -> InstrumentId:
    """``<tradingsymbol>.<exchange>``, the adapter's instrument id of a Kite key."""
    return InstrumentId(Symbol(tradingsymbol), Venue(exchange))


def aggregate(
    account_id: AccountId,
    orders: Sequence[KiteOrder],
    client_order_id: ClientOrderId | None,
    ts_init: int,
) -> OrderStatusReport:
    """One report for the Kite orders of one client order (its slices, first slice first)."""
    first = orders[0]
    quantity = sum(o.quantity for o in orders)
    filled = sum(o.filled_quantity for o in orders)
    notional = sum((Decimal(str(o.average_price)) * o.filled_quantity for o in orders), Decimal(0))
    ts_accepted = kite_time_ns(first.exchange_timestamp or first.order_timestamp, ts_init)
    ts_last = max(
        kite_time_ns(o.exchange_update_timestamp or o.exchange_timestamp or o.order_timestamp, 0)
        for o in orders
    )
    reasons = [o.status_message for o in orders if o.status == "REJECTED" and o.status_message]
    return OrderStatusReport(
        account_id=account_id,
        instrument_id=instrument_id_of(first.exchange, first.tradingsymbol),
        venue_order_id=VenueOrderId(first.order_id),
        order_side=SIDES[first.transaction_type],
        order_type=ORDER_TYPES.get(first.order_type, OrderType.LIMIT),
        time_in_force=TIME_IN_FORCE.get(first.validity, TimeInForce.DAY),
        order_status=_combined_status(orders, quantity, filled),
        quantity=Quantity.from_int(quantity),
        filled_qty=Quantity.from_int(filled),
        report_id=UUID4(),
        ts_accepted=ts_accepted,
        ts_last=ts_last or ts_accepted,
        ts_init=ts_init,
        client_order_id=client_order_id,
        price=Price(first.price, PRICE_PRECISION) if first.price else None,
        trigger_price=Price(first.trigger_price, PRICE_PRECISION) if first.trigger_price else None,
        avg_px=(notional / filled) if filled else None,
        cancel_reason="; ".join(reasons) or None,
    )


def fill_commission(side: OrderSide, quantity: int, price: float, ts_ns: int, first: bool) -> Money:
    """Charges of one trade in INR (brokerage only on the first trade of a Kite order)."""
    charges = order_charges(
        "BUY" if side == OrderSide.BUY else "SELL",
        quantity * price,
        ist_date(ts_ns),
        brokerage_orders=1 if first else 0,
    )
    return Money(charges.total, INR)


def trade_time_ns(trade: KiteTrade, default: int) -> int:
    """When a trade happened (``fill_timestamp``; ``order_timestamp`` is time-only, §7 #16)."""
    return kite_time_ns(trade.fill_timestamp or trade.exchange_timestamp, default)


def first_trade_ids(trades: Sequence[KiteTrade]) -> set[str]:
    """Ids of the first trade of each Kite order (the one charged brokerage)."""
    first: dict[str, KiteTrade] = {}
    for trade in sorted(trades, key=lambda t: (trade_time_ns(t, 0), t.trade_id)):
        first.setdefault(trade.order_id, trade)
    return {t.trade_id for t in first.values()}


def fill_report(
    account_id: AccountId,
    trade: KiteTrade,
    venue_order_id: VenueOrderId,
    client_order_id: ClientOrderId | None,
    first: bool,
    ts_init: int,
) -> FillReport:
    """A :class:`FillReport` of one Kite trade."""
    side = SIDES[trade.transaction_type]
    ts_event = trade_time_ns(trade, ts_init)
    return FillReport(
        account_id=account_id,
        instrument_id=instrument_id_of(trade.exchange, trade.tradingsymbol),
        venue_order_id=venue_order_id,
        trade_id=TradeId(trade.trade_id),
        order_side=side,
        last_qty=Quantity.from_int(trade.quantity),
        last_px=Price(trade.average_price, PRICE_PRECISION),
        commission=fill_commission(side, trade.quantity, trade.average_price, ts_event, first),
        liquidity_side=LiquiditySide.NO_LIQUIDITY_SIDE,
        report_id=UUID4(),
        ts_event=ts_event,
        ts_init=ts_init,
        client_order_id=client_order_id,
    )


def position_report(
    account_id: AccountId, position: KitePosition, ts_init: int
) -> PositionStatusReport:
    """A :class:`PositionStatusReport` of one Kite net position."""
    side = (
        PositionSide.FLAT
        if position.quantity == 0
        else PositionSide.LONG
        if position.quantity > 0
        else PositionSide.SHORT
    )
    return PositionStatusReport(
        account_id=account_id,
        instrument_id=instrument_id_of(position.exchange, position.tradingsymbol),
        position_side=side,
        quantity=Quantity.from_int(abs(position.quantity)),
        report_id=UUID4(),
        ts_last=ts_init,
        ts_init=ts_init,
        avg_px_open=opening_price(position),
    )


def opening_price(position: KitePosition) -> Decimal | None:
    """The average price of the position's *opening* side, as Nautilus keeps it.

    Kite's ``average_price`` nets sells against buys, so after a partial close it differs
    from Nautilus' ``avg_px_open`` (the mean of the fills that opened the position) and
    every restart would warn of a mismatch. A long position's opening side is its buys
    (``buy_value / buy_quantity``), a short's its sells; ``average_price`` is the fallback
    when Kite gives no side totals. (A position that flipped sides during the day is
    averaged over all that side's fills, while Nautilus restarts at the flip.)
    """
    if position.quantity == 0:
        return None
    quantity, value = (
        (position.buy_quantity, position.buy_value)
        if position.quantity > 0
        else (position.sell_quantity, position.sell_value)
    )
    price = value / quantity if quantity > 0 and value > 0 else position.average_price
    return Decimal(str(round(price, 6)))
