"""Kite's expiry settlement fills, recognised for the portfolio layer.

Kite reports no trade when an option expires: the position simply closes, at intrinsic
value for an in-the-money option (cash-settled, NSE) and at 0 otherwise. The adapter marks
such closes with client order ids ``KITE-SETTLE-CASH-<symbol>`` and ``KITE-SETTLE-OTM-<symbol>``
(trade id equal to the client order id), which :func:`recognize_kite` reads; name it in the
components' ``settlement_recognizers`` as
``"nautilus_options.adapters.zerodha.settlement:recognize_kite"``.
"""

from __future__ import annotations

from nautilus_trader.model.events import OrderFilled

from nautilus_options.portfolio import SettlementKind

CASH_PREFIX = "KITE-SETTLE-CASH-"
OTM_PREFIX = "KITE-SETTLE-OTM-"


def settlement_client_order_id(tradingsymbol: str, in_the_money: bool) -> str:
    """The client order id of a settlement close of ``tradingsymbol``."""
    return f"{CASH_PREFIX if in_the_money else OTM_PREFIX}{tradingsymbol}"


def recognize_kite(fill: OrderFilled) -> SettlementKind | None:
    """The settlement kind of a Kite expiry close, else None."""
    client_order_id = fill.client_order_id.value
    if fill.trade_id.value != client_order_id:
        return None
    if client_order_id.startswith(CASH_PREFIX):
        return SettlementKind.CASH_EXERCISE
    if client_order_id.startswith(OTM_PREFIX):
        return SettlementKind.EXPIRED
    return None
