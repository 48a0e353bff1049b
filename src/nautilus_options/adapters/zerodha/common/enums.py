"""Kite's closed vocabularies as types (KITE_API.md §3.2, §4.2, §5.2).

Statuses are grouped by what they mean to Nautilus (KITE_API.md §8): the pre-exchange ones
are still *submitted*, ``OPEN``/``TRIGGER PENDING``/``MODIFIED``/``UPDATE`` are working,
``COMPLETE``/``CANCELLED``/``REJECTED`` are terminal.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Final


class KiteMode(StrEnum):
    """Ticker streaming modes (KITE_API.md §5.2)."""

    LTP = "ltp"
    QUOTE = "quote"
    FULL = "full"


class KiteProduct(StrEnum):
    """Products an NFO option order may carry."""

    NRML = "NRML"
    MIS = "MIS"


class KiteOrderType(StrEnum):
    """Kite order types."""

    MARKET = "MARKET"
    LIMIT = "LIMIT"
    SL = "SL"
    SL_M = "SL-M"


class KiteValidity(StrEnum):
    """Kite validities the adapter uses (TTL is not mapped)."""

    DAY = "DAY"
    IOC = "IOC"


class KiteRateClass(StrEnum):
    """Kite's rate-limit classes (KITE_API.md §2.3)."""

    ORDERS = "orders"
    QUOTE = "quote"
    HISTORICAL = "historical"
    OTHER = "other"


#: Statuses before the exchange has the order: Nautilus SUBMITTED.
PRE_EXCHANGE_STATUSES: Final[frozenset[str]] = frozenset(
    {"PUT ORDER REQ RECEIVED", "AMO REQ RECEIVED", "VALIDATION PENDING", "OPEN PENDING"}
)
#: Statuses of a modification in progress.
MODIFY_STATUSES: Final[frozenset[str]] = frozenset(
    {"MODIFY VALIDATION PENDING", "MODIFY PENDING", "MODIFIED"}
)
#: Final statuses (KITE_API.md §4.2).
TERMINAL_STATUSES: Final[frozenset[str]] = frozenset({"COMPLETE", "CANCELLED", "REJECTED"})
