"""The order object as Kite shows it, and its history of snapshots.

Field names and types follow Kite's order object (KITE_API.md §4.1): ids are strings
(19-digit order ids, 16-digit exchange order ids), timestamps are IST wall-clock
``YYYY-MM-DD HH:MM:SS`` strings (19 characters, so the client parses them), quantities
are ints and prices floats. ``GET /orders/{id}`` returns :attr:`Order.history`, one full
copy of the order per status it passed through, oldest first.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from nautilus_options.domain.time import ist_datetime

TERMINAL = frozenset({"COMPLETE", "CANCELLED", "REJECTED"})


def kite_time(now_ns: int) -> str:
    """IST wall-clock ``YYYY-MM-DD HH:MM:SS`` of ``now_ns``."""
    return ist_datetime(now_ns).strftime("%Y-%m-%d %H:%M:%S")


@dataclass
class Order:
    """One order: Kite's public fields, then the simulator's private working state."""

    order_id: str
    placed_by: str
    variety: str
    exchange: str
    tradingsymbol: str
    instrument_token: int
    order_type: str
    transaction_type: str
    validity: str
    product: str
    quantity: int
    price: float
    trigger_price: float
    order_timestamp: str
    status: str = "PUT ORDER REQ RECEIVED"
    status_message: str | None = None
    status_message_raw: str | None = None
    exchange_order_id: str | None = None
    parent_order_id: str | None = None
    exchange_timestamp: str | None = None
    exchange_update_timestamp: str | None = None
    validity_ttl: int | None = None
    disclosed_quantity: int = 0
    average_price: float = 0.0
    filled_quantity: int = 0
    pending_quantity: int = 0
    cancelled_quantity: int = 0
    market_protection: float = 0
    modified: bool = False
    meta: dict[str, Any] = field(default_factory=dict)
    tag: str | None = None
    tags: list[str] = field(default_factory=list)
    guid: str = ""
    account_id: str = ""
    auction_number: str | None = None
    # Private working state (not sent to clients).
    limit: float = 0.0
    modifications: int = 0
    expiry_ns: int = 0
    history: list[dict[str, Any]] = field(default_factory=list)

    PRIVATE = ("limit", "modifications", "expiry_ns", "history")

    def public(self) -> dict[str, Any]:
        """The order as Kite's API returns it."""
        data = asdict(self)
        for name in self.PRIVATE:
            data.pop(name)
        return data

    def snapshot(self, status: str, now_ns: int, message: str | None = None) -> dict[str, Any]:
        """Move to ``status``, append the new state to the history and return it."""
        self.status = status
        if message is not None:
            self.status_message = self.status_message_raw = message
        if self.exchange_order_id is not None:
            self.exchange_update_timestamp = kite_time(now_ns)
        state = self.public()
        self.history.append(state)
        return state

    @property
    def remaining(self) -> int:
        """Quantity still to fill."""
        return self.quantity - self.filled_quantity - self.cancelled_quantity

    @property
    def working(self) -> bool:
        """Whether the order can still fill."""
        return self.status not in TERMINAL and self.remaining > 0

    def fill(self, quantity: int, price: float) -> None:
        """Book a fill: filled and pending quantities and the running average price."""
        total = self.average_price * self.filled_quantity + price * quantity
        self.filled_quantity += quantity
        self.average_price = round(total / self.filled_quantity, 4)
        self.pending_quantity = self.remaining

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Order:
        """Rebuild an order saved with :func:`dataclasses.asdict` (the state file)."""
        return cls(**data)


@dataclass
class Trade:
    """One fill, as ``GET /trades`` shows it (``order_timestamp`` is time-only, as Kite's)."""

    trade_id: str
    order_id: str
    exchange_order_id: str | None
    tradingsymbol: str
    exchange: str
    instrument_token: int
    product: str
    average_price: float
    quantity: int
    transaction_type: str
    fill_timestamp: str
    exchange_timestamp: str
    order_timestamp: str

    def public(self) -> dict[str, Any]:
        """The trade as Kite's API returns it."""
        return asdict(self)
