"""Expiry settlement: how a venue's settlement fills are recognised, and what they cost.

At expiry every open option position is closed by its venue: an in-the-money option is
cash-settled at its intrinsic value (NSE index options are European and cash-settled), an
out-of-the-money option expires at 0. Each venue reports these closes its own way, so
recognising them is the venue's business: a *settlement recognizer* is any callable
``(OrderFilled) -> SettlementKind | None``, named by import path in the components' configs
(``settlement_recognizers``). The backtest venue's is
:func:`nautilus_options.backtest.settlement.recognize_simulated_exchange`; the Zerodha
adapter supplies Kite's.

The charges owed on a settlement fill are venue-neutral and computed here
(:func:`settlement_charge`), so the capital ledger, the spread tracker and the reports book the
same figure whichever venue reported the fill.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from enum import Enum
from functools import lru_cache

from nautilus_trader.common.config import resolve_path
from nautilus_trader.model.enums import OrderSide
from nautilus_trader.model.events import OrderFilled
from nautilus_trader.model.instruments import OptionContract

from nautilus_options.domain.charges import expiry_settlement_charges
from nautilus_options.domain.nse import contract_spec
from nautilus_options.domain.time import ist_date


class SettlementKind(Enum):
    """How an expiring position was closed by its venue."""

    CASH_EXERCISE = "cash_exercise"
    """An in-the-money option settled in cash at its intrinsic value."""
    EXPIRED = "expired"
    """An out-of-the-money option that expired worthless."""
    CLOSED_AT_EXPIRY = "closed_at_expiry"
    """Any other instrument closed by the venue at expiry (e.g. a future)."""


SettlementRecognizer = Callable[[OrderFilled], SettlementKind | None]

#: The recognizers components use unless configured otherwise: the backtest venue's.
DEFAULT_SETTLEMENT_RECOGNIZERS: tuple[str, ...] = (
    "nautilus_options.backtest.settlement:recognize_simulated_exchange",
)


class SettlementRules:
    """The settlement recognizers of the venues a node trades on, asked in order.

    Parameters
    ----------
    recognizers : sequence of SettlementRecognizer
        Callables returning the kind of a settlement fill, or None for an ordinary fill.
    """

    def __init__(self, recognizers: Sequence[SettlementRecognizer]) -> None:
        self._recognizers = tuple(recognizers)

    @classmethod
    def from_paths(cls, paths: Sequence[str] = DEFAULT_SETTLEMENT_RECOGNIZERS) -> SettlementRules:
        """Load recognizers named ``"package.module:callable"``."""
        return cls([_load(path) for path in paths])

    def kind(self, fill: OrderFilled) -> SettlementKind | None:
        """The settlement kind of ``fill``, or None when it is an ordinary trade."""
        for recognize in self._recognizers:
            kind = recognize(fill)
            if kind is not None:
                return kind
        return None

    def is_settlement(self, fill: OrderFilled) -> bool:
        """Whether ``fill`` closed a position at expiry rather than trading."""
        return self.kind(fill) is not None

    def charge(self, instrument: OptionContract, fill: OrderFilled) -> float:
        """Charges owed on ``fill`` if it settles ``instrument`` (:func:`settlement_charge`)."""
        kind = self.kind(fill)
        return 0.0 if kind is None else settlement_charge(instrument, fill, kind)


@lru_cache(maxsize=32)
def _load(path: str) -> SettlementRecognizer:
    recognizer = resolve_path(path)
    if not callable(recognizer):
        raise TypeError(f"settlement recognizer {path!r} is not callable")
    return recognizer


def settlement_charge(instrument: OptionContract, fill: OrderFilled, kind: SettlementKind) -> float:
    """Charges owed on an expiry settlement fill of ``instrument``, in rupees.

    Only a cash exercise costs anything (an option that expires worthless owes nothing):
    the holder pays STT on the intrinsic value, and both sides pay Zerodha's brokerage per
    freeze-quantity slice of the position, with GST (see
    :func:`~nautilus_options.domain.charges.expiry_settlement_charges` for the rules and
    sources). The venue closes a long position with a SELL and a short one with a BUY.

    Parameters
    ----------
    instrument : OptionContract
        The option that expired (for its multiplier, underlying and id).
    fill : OrderFilled
        The settlement fill of ``instrument``.
    kind : SettlementKind
        How the venue settled it.

    Returns
    -------
    float
        The total charge (> 0) for a cash exercise or assignment; 0.0 otherwise.

    Raises
    ------
    ValueError
        If ``fill`` is not a fill of ``instrument``.
    """
    if fill.instrument_id != instrument.id:
        raise ValueError(f"fill: is for {fill.instrument_id}, not {instrument.id}")
    if kind is not SettlementKind.CASH_EXERCISE:
        return 0.0
    units = fill.last_qty.as_double()
    day = ist_date(fill.ts_event)
    freeze_qty = contract_spec(instrument.underlying, day).freeze_qty
    charges = expiry_settlement_charges(
        "long" if fill.order_side == OrderSide.SELL else "short",
        units * fill.last_px.as_double() * instrument.multiplier.as_double(),
        day,
        orders=max(1, math.ceil(units / freeze_qty)),
    )
    return charges.total
