"""How the backtest venue reports expiry settlement.

At expiry Nautilus' simulated exchange closes every open position with a synthetic fill whose
client order id is (for options the trade id repeats it)

* ``<VENUE>-LEG-CASH-<8 hex>``: in-the-money option cash-settled at intrinsic value;
* ``<VENUE>-LEG-OTM-<8 hex>``: out-of-the-money option expired at 0;
* ``<VENUE>-LEG-EX-<8 hex>-CLOSE`` / ``-OPEN``: physical exercise (not used on NSE indices);
* ``EXPIRATION-LEG-<uuid>``: any other expiring instrument (futures) closed at market.

The option fills bypass the venue fee model, so they carry no charge; the charges they owe
are booked by :mod:`nautilus_options.portfolio.settlement`.
"""

from __future__ import annotations

import re

from nautilus_trader.model.events import OrderFilled

from nautilus_options.portfolio.settlement import SettlementKind

_HEX8 = "[0-9a-f]{8}"
_SETTLEMENT_ID = re.compile(
    rf"^(?:(?P<venue>[^-]+)-LEG-(?:(?P<kind>CASH|OTM)-{_HEX8}|EX-{_HEX8}-(?:CLOSE|OPEN))"
    r"|EXPIRATION-LEG-[0-9a-f-]{36})$"
)
_KINDS = {"CASH": SettlementKind.CASH_EXERCISE, "OTM": SettlementKind.EXPIRED}


def recognize_simulated_exchange(fill: OrderFilled) -> SettlementKind | None:
    """The settlement kind of a fill made by the backtest venue at expiry, else None."""
    client_order_id = fill.client_order_id.value
    match = _SETTLEMENT_ID.match(client_order_id)
    if match is None:
        return None
    venue = match.group("venue")
    if venue is None:  # futures-style close: a market fill with its own trade id
        return SettlementKind.CLOSED_AT_EXPIRY
    if venue != fill.instrument_id.venue.value or fill.trade_id.value != client_order_id:
        return None
    return _KINDS.get(match.group("kind") or "", SettlementKind.CLOSED_AT_EXPIRY)
