"""Point-to-point messages between strategies and the capital manager.

A strategy never holds a reference to the manager. It sends a :class:`SizingRequest` to
:data:`SIZING_ENDPOINT` and gets a :class:`SizingResponse` through the request's callback, in
the same call (the message bus is synchronous). Granted lots are *reserved*: they count as
deployed capital under ``request_id`` until the strategy sends a :class:`CapitalRelease` to
:data:`RELEASE_ENDPOINT`.

Examples
--------
Inside a ``Strategy``::

    self.msgbus.send(
        endpoint=SIZING_ENDPOINT,
        msg=SizingRequest(
            request_id=spread_id,
            strategy_id=self.id.value,
            capital_per_lot=max_loss_per_lot,
            max_lots=None,
            callback=self._on_sizing,
        ),
    )
    ...
    self.msgbus.send(endpoint=RELEASE_ENDPOINT, msg=CapitalRelease(request_id=spread_id))

Margins come from the venue, not the manager. A strategy sends a :class:`MarginRequest` for
a whole spread to :data:`MARGIN_ENDPOINT`, registered by the execution client (Zerodha: Kite's
basket margin with the open positions considered, and the funds available). Unlike sizing,
the answer needs the network: the :class:`MarginResponse` arrives *later*, through the
callback, on the node's event loop; a failure is an answer with ``error`` set, never an
exception::

    self.msgbus.send(
        endpoint=MARGIN_ENDPOINT,
        msg=MarginRequest(
            request_id=spread_id,
            legs=(
                MarginLeg("NIFTY2612124000PE.NFO", "SELL", 65, 52.5),
                MarginLeg("NIFTY2612123800PE.NFO", "BUY", 65, 21.0),
            ),
            callback=self._on_margin,
        ),
    )
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

SIZING_ENDPOINT = "CapitalManager.size"
"""Message bus endpoint that answers :class:`SizingRequest`."""

RELEASE_ENDPOINT = "CapitalManager.release"
"""Message bus endpoint that takes :class:`CapitalRelease`."""

MARGIN_ENDPOINT = "Margin.basket"
"""Message bus endpoint that answers :class:`MarginRequest` (registered by the venue client)."""


@dataclass(frozen=True, slots=True)
class SizingResponse:
    """Answer to a :class:`SizingRequest`.

    Attributes
    ----------
    request_id : str
        The ``request_id`` of the request.
    lots : int
        Lots granted and reserved; ``0`` when the trade must not be opened.
    reason : str
        Why this many lots (the binding limit, or why none).
    halted : bool
        Whether the manager is halted by the drawdown limit.
    """

    request_id: str
    lots: int
    reason: str
    halted: bool


@dataclass(frozen=True, slots=True)
class SizingRequest:
    """Ask the capital manager how many lots a trade may have, and reserve them.

    Attributes
    ----------
    request_id : str
        Identifies the trade; the reservation is kept under it (strategies use the spread id).
    strategy_id : str
        The requesting strategy, for logs and history.
    capital_per_lot : float
        Capital one lot blocks and can lose (a spread's max loss per lot), positive.
    max_lots : int or None
        The strategy's own cap on lots, combined with the configured one; ``None`` for none.
    callback : Callable[[SizingResponse], None]
        Receives the answer before ``msgbus.send`` returns.

    Raises
    ------
    ValueError
        If ``request_id`` is empty, ``capital_per_lot`` is not positive and finite, or
        ``max_lots`` is negative.
    """

    request_id: str
    strategy_id: str
    capital_per_lot: float
    max_lots: int | None
    callback: Callable[[SizingResponse], None]

    def __post_init__(self) -> None:
        if not self.request_id:
            raise ValueError("request_id must not be empty")
        if not (math.isfinite(self.capital_per_lot) and self.capital_per_lot > 0.0):
            raise ValueError(
                f"capital_per_lot must be a positive finite number, was {self.capital_per_lot}",
            )
        if self.max_lots is not None and self.max_lots < 0:
            raise ValueError(f"max_lots must be >= 0 or None, was {self.max_lots}")


@dataclass(frozen=True, slots=True)
class CapitalRelease:
    """Give back capital reserved under ``request_id`` (when the trade is closed).

    Attributes
    ----------
    request_id : str
        The ``request_id`` of the granted :class:`SizingRequest`.
    amount : float or None
        Capital to release; ``None`` (default) releases the whole reservation.

    Raises
    ------
    ValueError
        If ``amount`` is given and is not positive and finite.
    """

    request_id: str
    amount: float | None = None

    def __post_init__(self) -> None:
        if self.amount is not None and not (math.isfinite(self.amount) and self.amount > 0.0):
            raise ValueError(f"amount must be a positive finite number or None, was {self.amount}")


@dataclass(frozen=True, slots=True)
class MarginLeg:
    """One order of a basket whose margin is asked for.

    Attributes
    ----------
    instrument_id : str
        The instrument, as ``InstrumentId`` text (``"NIFTY2612124000PE.NFO"``).
    side : {"BUY", "SELL"}
        The order's side.
    quantity : int
        Units (not lots), positive.
    price : float
        Limit price, ``>= 0``; ``0`` prices the order at the market.

    Raises
    ------
    ValueError
        If ``instrument_id`` is empty, ``side`` is not BUY or SELL, ``quantity`` is not
        positive, or ``price`` is negative or not finite.
    """

    instrument_id: str
    side: Literal["BUY", "SELL"]
    quantity: int
    price: float

    def __post_init__(self) -> None:
        if not self.instrument_id:
            raise ValueError("instrument_id must not be empty")
        if self.side not in ("BUY", "SELL"):
            raise ValueError(f"side must be 'BUY' or 'SELL', was {self.side!r}")
        if self.quantity <= 0:
            raise ValueError(f"quantity must be > 0, was {self.quantity}")
        if not (math.isfinite(self.price) and self.price >= 0.0):
            raise ValueError(f"price must be a finite number >= 0, was {self.price}")


@dataclass(frozen=True, slots=True)
class MarginResponse:
    """Answer to a :class:`MarginRequest`, in rupees.

    Attributes
    ----------
    request_id : str
        The ``request_id`` of the request.
    initial : float
        Margin of the legs each on its own (before any hedge benefit).
    final : float
        Margin the basket adds given the open positions (after the hedge benefit); a hedged
        spread has ``final < initial``.
    available : float
        Funds available for new positions now.
    error : str or None
        Why there are no figures (they are then 0); None on success.
    """

    request_id: str
    initial: float
    final: float
    available: float
    error: str | None


@dataclass(frozen=True, slots=True)
class MarginRequest:
    """Ask the venue for the margin of a basket of orders (a whole spread).

    Attributes
    ----------
    request_id : str
        Identifies the question (strategies use the spread id).
    legs : tuple of MarginLeg
        The orders, at least one.
    callback : Callable[[MarginResponse], None]
        Receives the answer later, on the node's event loop (module docstring).

    Raises
    ------
    ValueError
        If ``request_id`` is empty or ``legs`` is empty or holds something else than
        :class:`MarginLeg`.
    """

    request_id: str
    legs: tuple[MarginLeg, ...]
    callback: Callable[[MarginResponse], None]

    def __post_init__(self) -> None:
        if not self.request_id:
            raise ValueError("request_id must not be empty")
        if not self.legs or not all(isinstance(leg, MarginLeg) for leg in self.legs):
            raise ValueError("legs must be a non-empty tuple of MarginLeg")
