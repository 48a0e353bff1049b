"""Names between Nautilus and Kite: order tags from client order ids, instrument keys.

Kite's ``tag`` is at most 20 characters and comes back on every order, in the order book and
in order updates (KITE_API.md §3.2, §8). Each client order gets the base
``nt`` + 14 hex digits of a BLAKE2b hash of its client order id, and each Kite order placed for
it (one per freeze-quantity slice) the tag ``<base><slice:02d>`` (18 characters). The hash
cannot be inverted, so the executing client persists ``base -> client order id`` and can also
recompute the base of any order in its cache.

>>> order_tag("O-20261129-093000-001-000-1", 0)
'ntb04ab907acb94f00'
>>> split_tag(order_tag("O-1", 3)) == (tag_base("O-1"), 3)
True
"""

from __future__ import annotations

import hashlib
import re

from nautilus_trader.model.identifiers import InstrumentId

from nautilus_options.adapters.zerodha.constants import MAX_TAG_LENGTH

_TAG = re.compile(r"^(nt[0-9a-f]{14})(\d{2})$")


def tag_base(client_order_id: str) -> str:
    """The 16-character tag base of ``client_order_id``."""
    digest = hashlib.blake2b(client_order_id.encode(), digest_size=7).hexdigest()
    return f"nt{digest}"


def order_tag(client_order_id: str, slice_index: int = 0) -> str:
    """The Kite tag of slice ``slice_index`` (0-99) of ``client_order_id``."""
    if not 0 <= slice_index < 100:
        raise ValueError(f"slice_index: must be 0-99, got {slice_index}")
    tag = f"{tag_base(client_order_id)}{slice_index:02d}"
    assert len(tag) <= MAX_TAG_LENGTH
    return tag


def split_tag(tag: str | None) -> tuple[str, int] | None:
    """``(base, slice)`` of an adapter tag, or None for any other tag (or none)."""
    match = _TAG.match(tag or "")
    return None if match is None else (match.group(1), int(match.group(2)))


def kite_key(instrument_id: InstrumentId) -> tuple[str, str]:
    """Kite's ``(exchange, tradingsymbol)`` of a ``<tradingsymbol>.NFO`` instrument."""
    return instrument_id.venue.value, instrument_id.symbol.value
