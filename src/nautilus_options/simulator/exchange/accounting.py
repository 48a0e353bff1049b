"""The account: positions, cash, charges, margins and expiry settlement.

Cash follows every fill: premium paid or received, and the order's charges from
:func:`nautilus_options.domain.charges.order_charges` (brokerage on an order's first fill
only). Funds (``GET /user/margins``) are::

    net = opening_balance + cash_flow - span - exposure - premium blocked by open buys

where ``span`` and ``exposure`` come from :mod:`.margins` over the positions plus the
unfilled part of working orders. Expired options settle at 15:30 IST on the index level
(cash, at intrinsic value), and long in-the-money options pay exercise STT
(:func:`nautilus_options.domain.charges.exercise_stt`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from nautilus_options.domain.charges import Charges, Side, exercise_stt, order_charges
from nautilus_options.domain.nse import expiry_ns
from nautilus_options.domain.time import ist_date
from nautilus_options.simulator.exchange.margins import Leg, Margin, portfolio_margin
from nautilus_options.simulator.exchange.orders import Order
from nautilus_options.simulator.exchange.positions import Position
from nautilus_options.simulator.instruments import Instrument, Universe
from nautilus_options.simulator.market.state import Quote


def charges_dict(charges: Charges) -> dict[str, Any]:
    """Kite's ``charges`` object (contract note and margin responses)."""
    return {
        "transaction_tax": charges.stt,
        "transaction_tax_type": "stt",
        "exchange_turnover_charge": charges.exchange_txn,
        "sebi_turnover_charge": charges.sebi,
        "brokerage": charges.brokerage,
        "stamp_duty": charges.stamp,
        "gst": {"igst": charges.gst, "cgst": 0.0, "sgst": 0.0, "total": charges.gst},
        "total": charges.total,
    }


@dataclass
class Account:
    """One trading account's money and positions."""

    opening_balance: float
    cash_flow: float = 0.0
    charges_paid: float = 0.0
    positions: dict[str, Position] = field(default_factory=dict)
    settlements: list[dict[str, Any]] = field(default_factory=list)
    settled_expiries: set[str] = field(default_factory=set)

    def position(self, instrument: Instrument, product: str) -> Position:
        """The position of ``instrument`` under ``product`` (created empty if new)."""
        key = f"{instrument.key}:{product}"
        if key not in self.positions:
            self.positions[key] = Position(
                instrument.tradingsymbol, instrument.exchange, instrument.instrument_token, product
            )
        return self.positions[key]

    def book_fill(
        self, instrument: Instrument, order: Order, quantity: int, price: float, now_ns: int
    ) -> Charges:
        """Book a fill into the position and cash; return its charges."""
        self.position(instrument, order.product).book(order.transaction_type, quantity, price)
        first_fill = order.filled_quantity == quantity
        side: Side = "BUY" if order.transaction_type == "BUY" else "SELL"
        charges = order_charges(side, quantity * price, ist_date(now_ns), int(first_fill))
        sign = 1 if side == "SELL" else -1
        self.cash_flow = round(self.cash_flow + sign * quantity * price - charges.total, 2)
        self.charges_paid = round(self.charges_paid + charges.total, 2)
        return charges

    def legs(
        self, universe: Universe, quotes: dict[int, Quote], orders: Iterable[Order]
    ) -> list[Leg]:
        """Positions and the unfilled part of working orders, as margin legs."""
        out: list[Leg] = []
        for position in self.positions.values():
            instrument = universe.by_token.get(position.instrument_token)
            if instrument is not None and position.quantity:
                out.append(leg(instrument, position.quantity, quotes))
        for order in orders:
            instrument = universe.by_token.get(order.instrument_token)
            if instrument is not None and order.working:
                sign = 1 if order.transaction_type == "BUY" else -1
                out.append(leg(instrument, sign * order.remaining, quotes))
        return out

    def settle(
        self, universe: Universe, index_level: dict[str, float], now_ns: int
    ) -> list[dict[str, Any]]:
        """Cash-settle every position whose expiry (15:30 IST) has passed; return what settled."""
        done: list[dict[str, Any]] = []
        for position in self.positions.values():
            instrument = universe.by_token.get(position.instrument_token)
            if instrument is None or instrument.expiry is None or not position.quantity:
                continue
            if now_ns < expiry_ns(instrument.expiry) or instrument.underlying not in index_level:
                continue
            level = index_level[instrument.underlying]
            sign = 1 if instrument.instrument_type == "CE" else -1
            intrinsic = round(max(0.0, sign * (level - instrument.strike)), 2)
            quantity = position.quantity
            position.book("SELL" if quantity > 0 else "BUY", abs(quantity), intrinsic)
            position.settlement_price = intrinsic
            stt = exercise_stt(quantity * intrinsic, instrument.expiry) if quantity > 0 else 0.0
            self.cash_flow = round(self.cash_flow + quantity * intrinsic - stt, 2)
            self.charges_paid = round(self.charges_paid + stt, 2)
            event = {
                "tradingsymbol": instrument.tradingsymbol,
                "expiry": instrument.expiry.isoformat(),
                "index_close": level,
                "quantity": quantity,
                "settlement_price": intrinsic,
                "exercise_stt": stt,
            }
            self.settlements.append(event)
            done.append(event)
        return done

    def funds(
        self, margin: Margin, blocked_premium: float, m2m: tuple[float, float]
    ) -> dict[str, Any]:
        """The ``equity`` segment of ``GET /user/margins`` (Kite's field names)."""
        net = (
            self.opening_balance + self.cash_flow - margin.span - margin.exposure - blocked_premium
        )
        return {
            "enabled": True,
            "net": round(net, 2),
            "available": {
                "adhoc_margin": 0.0,
                "cash": round(self.opening_balance + self.cash_flow, 2),
                "opening_balance": self.opening_balance,
                "live_balance": round(net, 2),
                "collateral": 0.0,
                "intraday_payin": 0.0,
            },
            "utilised": {
                "debits": round(margin.span + margin.exposure + blocked_premium, 2),
                "exposure": margin.exposure,
                "m2m_realised": round(m2m[0], 2),
                "m2m_unrealised": round(m2m[1], 2),
                "option_premium": round(blocked_premium, 2),
                "payout": 0.0,
                "span": margin.span,
                "holding_sales": 0.0,
                "turnover": 0.0,
                "liquid_collateral": 0.0,
                "stock_collateral": 0.0,
                "delivery": 0.0,
            },
        }

    def margin(self, legs: list[Leg], spots: dict[str, float], now_ns: int) -> Margin:
        """SPAN and exposure of ``legs`` at the current index levels."""
        return portfolio_margin(legs, spots, now_ns)


def leg(instrument: Instrument, quantity: int, quotes: dict[int, Quote]) -> Leg:
    """A margin leg of ``quantity`` units of ``instrument`` at its last price."""
    assert instrument.expiry is not None
    quote = quotes.get(instrument.instrument_token)
    return Leg(
        instrument.underlying,
        instrument.strike,
        instrument.instrument_type == "CE",
        expiry_ns(instrument.expiry),
        quantity,
        quote.last_price if quote else 0.0,
    )
