"""Kite order, trade, position and margin objects (KITE_API.md §3.5, §3.6, §4.1).

Only the fields the adapter reads are declared; Kite's other fields are ignored, so a new
field on Kite's side never breaks decoding. Ids stay strings (19-digit order ids exceed
2**53, KITE_API.md §3.2).
"""

from __future__ import annotations

from typing import Any

import msgspec


class KiteOrder(msgspec.Struct, frozen=True):
    """One order in its latest state (``GET /orders``, order history rows, order updates)."""

    order_id: str
    status: str
    tradingsymbol: str
    exchange: str
    transaction_type: str
    order_type: str
    quantity: int
    instrument_token: int = 0
    variety: str = "regular"
    product: str = "NRML"
    validity: str = "DAY"
    price: float = 0.0
    trigger_price: float = 0.0
    average_price: float = 0.0
    filled_quantity: int = 0
    pending_quantity: int = 0
    cancelled_quantity: int = 0
    status_message: str | None = None
    order_timestamp: str | None = None
    exchange_timestamp: str | None = None
    exchange_update_timestamp: str | None = None
    exchange_order_id: str | None = None
    tag: str | None = None
    tags: list[str] | None = None


class KiteTrade(msgspec.Struct, frozen=True):
    """One fill (``GET /trades``, ``GET /orders/{id}/trades``)."""

    trade_id: str
    order_id: str
    tradingsymbol: str
    exchange: str
    transaction_type: str
    quantity: int
    average_price: float
    instrument_token: int = 0
    product: str = "NRML"
    fill_timestamp: str | None = None
    exchange_timestamp: str | None = None


class KitePosition(msgspec.Struct, frozen=True):
    """One net position (``GET /portfolio/positions`` -> ``net``)."""

    tradingsymbol: str
    exchange: str
    quantity: int
    average_price: float = 0.0
    product: str = "NRML"
    instrument_token: int = 0
    buy_quantity: int = 0
    buy_value: float = 0.0
    sell_quantity: int = 0
    sell_value: float = 0.0


class KitePositions(msgspec.Struct, frozen=True):
    """The positions book."""

    net: list[KitePosition] = []
    day: list[KitePosition] = []


class KiteSegmentMargin(msgspec.Struct, frozen=True):
    """One segment of ``GET /user/margins`` (F&O is under ``equity``)."""

    net: float = 0.0
    available: dict[str, float] = {}
    utilised: dict[str, float] = {}


class KiteMargins(msgspec.Struct, frozen=True):
    """Funds and margins."""

    equity: KiteSegmentMargin = KiteSegmentMargin()


class KiteMarginFigures(msgspec.Struct, frozen=True):
    """Totals of a margin computation."""

    total: float = 0.0


class KiteBasketMargin(msgspec.Struct, frozen=True):
    """``POST /margins/basket``: ``initial`` before and ``final`` after the spread benefit."""

    initial: KiteMarginFigures = KiteMarginFigures()
    final: KiteMarginFigures = KiteMarginFigures()


class KiteEnvelope(msgspec.Struct, frozen=True):
    """Kite's response envelope (KITE_API.md §2.1)."""

    status: str = "success"
    data: Any = None
    message: str = ""
    error_type: str | None = None


class KiteCandles(msgspec.Struct, frozen=True):
    """``GET /instruments/historical/...`` data: ``[ts, o, h, l, c, v(, oi)]`` rows."""

    candles: list[list[Any]] = []
