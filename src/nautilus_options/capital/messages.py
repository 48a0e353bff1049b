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
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

SIZING_ENDPOINT = "CapitalManager.size"
"""Message bus endpoint that answers :class:`SizingRequest`."""

RELEASE_ENDPOINT = "CapitalManager.release"
"""Message bus endpoint that takes :class:`CapitalRelease`."""


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
