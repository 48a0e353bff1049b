"""Positions per (exchange, tradingsymbol, product), with Kite's net and day views.

Formulas (checked by hand against Kite's mock positions, KITE_API.md §3.6), with the
multiplier 1 of NFO: ``*_value = quantity x price``; ``value = sell_value - buy_value``;
``pnl = value + quantity x last_price``; ``m2m`` is the same over today's trades only plus
the overnight quantity valued at the previous close. ``net`` holds every position with
activity or a carried quantity; ``day`` only today's trades.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any


def _round(value: float, digits: int) -> float:
    """``round`` without a negative zero (``-0.0`` prints as ``0.0``)."""
    return round(value, digits) + 0.0


@dataclass
class Position:
    """Quantities and values of one position (buys and sells, today and carried)."""

    tradingsymbol: str
    exchange: str
    instrument_token: int
    product: str
    overnight_quantity: int = 0
    overnight_price: float = 0.0
    day_buy_quantity: int = 0
    day_buy_value: float = 0.0
    day_sell_quantity: int = 0
    day_sell_value: float = 0.0
    realised: float = 0.0
    #: The expiry settlement price once settled: the position's last price from then on.
    settlement_price: float | None = None

    @property
    def quantity(self) -> int:
        """Signed net quantity in units."""
        return self.overnight_quantity + self.day_buy_quantity - self.day_sell_quantity

    def book(self, side: str, quantity: int, price: float) -> None:
        """Add a fill."""
        if side == "BUY":
            self.day_buy_quantity += quantity
            self.day_buy_value = round(self.day_buy_value + quantity * price, 4)
        else:
            self.day_sell_quantity += quantity
            self.day_sell_value = round(self.day_sell_value + quantity * price, 4)

    def roll_day(self) -> None:
        """Start a new trading day: today's net quantity becomes the overnight quantity."""
        quantity = self.quantity
        if quantity:
            self.overnight_price = abs(self._net_cost() / quantity)
        self.overnight_quantity = quantity
        self.day_buy_quantity = self.day_sell_quantity = 0
        self.day_buy_value = self.day_sell_value = 0.0

    def _net_cost(self) -> float:
        carried = self.overnight_quantity * self.overnight_price
        return carried + self.day_buy_value - self.day_sell_value

    def _view(self, last_price: float, close: float, day_only: bool) -> dict[str, Any]:
        carried = 0 if day_only else self.overnight_quantity
        buy_qty = self.day_buy_quantity + max(carried, 0)
        sell_qty = self.day_sell_quantity + max(-carried, 0)
        buy_value = self.day_buy_value + max(carried, 0) * self.overnight_price
        sell_value = self.day_sell_value + max(-carried, 0) * self.overnight_price
        quantity = buy_qty - sell_qty
        value = sell_value - buy_value
        pnl = value + quantity * last_price
        # m2m values the carried quantity at the previous close rather than its cost.
        buy_m2m = self.day_buy_value + max(carried, 0) * close
        sell_m2m = self.day_sell_value + max(-carried, 0) * close
        m2m = sell_m2m - buy_m2m + quantity * last_price
        unrealised = quantity * (last_price - (abs(self._net_cost() / quantity) if quantity else 0))
        if quantity < 0:
            unrealised = -quantity * ((abs(self._net_cost() / quantity)) - last_price)
        return {
            "tradingsymbol": self.tradingsymbol,
            "exchange": self.exchange,
            "instrument_token": self.instrument_token,
            "product": self.product,
            "quantity": quantity,
            "overnight_quantity": carried,
            "multiplier": 1,
            "average_price": _round(abs(self._net_cost() / quantity), 4) if quantity else 0.0,
            "close_price": close,
            "last_price": last_price,
            "value": _round(value, 2),
            "pnl": _round(pnl, 2),
            "m2m": _round(m2m, 2),
            "unrealised": _round(unrealised, 2),
            "realised": _round(pnl - unrealised, 2),
            "buy_quantity": buy_qty,
            "buy_price": _round(buy_value / buy_qty, 4) if buy_qty else 0.0,
            "buy_value": _round(buy_value, 2),
            "buy_m2m": _round(buy_m2m, 2),
            "sell_quantity": sell_qty,
            "sell_price": _round(sell_value / sell_qty, 4) if sell_qty else 0.0,
            "sell_value": _round(sell_value, 2),
            "sell_m2m": _round(sell_m2m, 2),
            "day_buy_quantity": self.day_buy_quantity,
            "day_buy_price": _round(self.day_buy_value / self.day_buy_quantity, 4)
            if self.day_buy_quantity
            else 0.0,
            "day_buy_value": _round(self.day_buy_value, 2),
            "day_sell_quantity": self.day_sell_quantity,
            "day_sell_price": _round(self.day_sell_value / self.day_sell_quantity, 4)
            if self.day_sell_quantity
            else 0.0,
            "day_sell_value": _round(self.day_sell_value, 2),
        }

    def net_view(self, last_price: float, close: float) -> dict[str, Any]:
        """The position in ``positions()["net"]``."""
        return self._view(last_price, close, day_only=False)

    def day_view(self, last_price: float, close: float) -> dict[str, Any]:
        """The position in ``positions()["day"]`` (today's trades only)."""
        return self._view(last_price, close, day_only=True)

    @property
    def active_today(self) -> bool:
        """Whether it traded today."""
        return bool(self.day_buy_quantity or self.day_sell_quantity)

    def to_dict(self) -> dict[str, Any]:
        """Plain fields for the state file."""
        return asdict(self)
