"""Kite's expiry settlement fills, recognised for the portfolio layer.

Kite reports no trade when an option expires: the position simply closes, at intrinsic
value for an in-the-money option (cash-settled, NSE: the final settlement price is the index's
close on the expiry day) and at 0 otherwise. The execution client detects these closes
(:mod:`.expiry`) and emits them as fills whose client order id is ``KITE-SETTLE-CASH-<key>`` or
``KITE-SETTLE-OTM-<key>`` (``<key>``: 16 hex digits of the contract and the strategy, as
Nautilus ids hold at most 36 characters; the trade id equals the client order id), which
:func:`recognize_kite` reads; name it in the components' ``settlement_recognizers`` as
``"nautilus_options.adapters.zerodha.settlement:recognize_kite"``.
"""

from __future__ import annotations

import hashlib

from nautilus_trader.model.events import OrderFilled

from nautilus_options.portfolio import SettlementKind

CASH_PREFIX = "KITE-SETTLE-CASH-"
OTM_PREFIX = "KITE-SETTLE-OTM-"


def settlement_client_order_id(tradingsymbol: str, in_the_money: bool, owner: str) -> str:
    """The client order id of the settlement close of ``owner``'s position in ``tradingsymbol``.

    ``owner`` is the strategy id: positions are netted per strategy, so two strategies
    holding the same contract get one settlement fill each, under distinct ids. The id is
    the same on every call, so a settlement is never emitted twice.

    >>> settlement_client_order_id("NIFTY2612124000CE", True, "S-001")[:17]
    'KITE-SETTLE-CASH-'
    """
    key = hashlib.sha256(f"{tradingsymbol}:{owner}".encode()).hexdigest()[:16]
    return f"{CASH_PREFIX if in_the_money else OTM_PREFIX}{key}"


def settlement_price(is_call: bool, strike: float, index_close: float) -> float:
    """The final settlement price of an index option: its intrinsic value at the close.

    NSE settles index options in cash at the underlying index's closing price on the expiry
    day; an out-of-the-money option settles at 0.

    >>> settlement_price(True, 24000.0, 24123.45), settlement_price(False, 24000.0, 24123.45)
    (123.45, 0.0)
    """
    sign = 1.0 if is_call else -1.0
    return round(max(0.0, sign * (index_close - strike)), 2)


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
