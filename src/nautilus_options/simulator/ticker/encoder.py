"""Kite ticker binary encoding (pure, vectorised): packets in ltp/quote/full modes, frames.

Wire format (KITE_API.md §5.3; all integers big-endian, prices in paise for NSE/NFO):

* frame: ``uint16`` packet count N, then N times ``uint16`` length L and L bytes;
* tradable packets: 8 bytes (ltp: token, last price), 44 (quote: + last qty, average price,
  volume, total buy and sell qty, open, high, low, previous close) or 184 (full: + last trade
  time, OI, OI day high and low, exchange timestamp, then 5 bids and 5 asks of
  ``quantity:uint32, price:uint32, orders:uint16, 2 pad bytes``);
* index packets: 8 (ltp), 28 (quote: token, last, **high, low, open**, close, change) or 32
  (full: + exchange timestamp);
* heartbeat: one byte while there is nothing else to send.

Encoding works on whole frames: quotes are first snapshotted into a :class:`QuoteTable`
(native columns, one row per instrument, prices in rupees), then :func:`encode_rows` fills
one numpy structured array per packet layout, with big-endian fields and the length prefix
in the record, and joins their bytes. There is no per-packet Python loop in encoding.

The official Python client reads every field as unsigned, so all values are clamped at 0,
except the index "price change" which the client ignores (signed here). Times are UNIX
epoch seconds. This encoder is independent of the adapter's decoder on purpose: each is
checked against the official client's parser.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from operator import attrgetter
from typing import Any, Literal

import numpy as np
from numpy.typing import NDArray

from nautilus_options.simulator.market.state import DEPTH_LEVELS, Quote

Mode = Literal["ltp", "quote", "full"]
MODES: tuple[Mode, ...] = ("ltp", "quote", "full")
#: Mode codes used in subscription arrays (-1: not subscribed).
MODE_CODE: dict[Mode, int] = {"ltp": 0, "quote": 1, "full": 2}

#: One-byte heartbeat sent while idle.
HEARTBEAT = b"\x00"

#: Scalar columns of a :class:`QuoteTable`, in :class:`Quote` attribute order.
SCALARS = (
    "token",
    "last_price",
    "last_quantity",
    "average_price",
    "volume",
    "buy_quantity",
    "sell_quantity",
    "open",
    "high",
    "low",
    "close",
    "last_trade_time",
    "oi",
    "oi_day_high",
    "oi_day_low",
    "timestamp",
)
PRICES = frozenset({"last_price", "average_price", "open", "high", "low", "close"})
_GET = attrgetter(*SCALARS)
_EMPTY_LEVEL = (0.0, 0, 0)

_U4, _LEVEL = ">u4", np.dtype([("q", ">u4"), ("p", ">u4"), ("o", ">u2"), ("pad", "V2")])
_TRADABLE_QUOTE = SCALARS[:11]
_INDEX_QUOTE = ("token", "last_price", "high", "low", "open", "close")


def _layout(
    fields: Sequence[str], change: bool = False, ts: bool = False, depth: bool = False
) -> np.dtype[np.void]:
    spec: list[Any] = [("len", ">u2")]
    spec += [(name, _U4) for name in fields]
    if change:
        spec.append(("change", ">i4"))
    if ts:
        spec.append(("timestamp", _U4))
    if depth:
        spec.append(("depth", _LEVEL, (2 * DEPTH_LEVELS,)))
    return np.dtype(spec)


#: Record layout (length prefix + packet) of each (tradable, mode).
LAYOUTS: dict[tuple[bool, Mode], np.dtype[np.void]] = {
    (True, "ltp"): _layout(("token", "last_price")),
    (True, "quote"): _layout(_TRADABLE_QUOTE),
    (True, "full"): _layout(SCALARS, depth=True),
    (False, "ltp"): _layout(("token", "last_price")),
    (False, "quote"): _layout(_INDEX_QUOTE, change=True),
    (False, "full"): _layout(_INDEX_QUOTE, change=True, ts=True),
}
#: Packet length of each (tradable, mode).
PACKET_LENGTH: dict[tuple[bool, Mode], int] = {k: v.itemsize - 2 for k, v in LAYOUTS.items()}
_UINT32_MAX = 2**32 - 1


def divisor(token: int) -> int:
    """Price divisor of a token's segment: CDS 1e7, BCD and NCO 1e4, everything else 100."""
    return int(divisors(np.array([token]))[0])


def divisors(tokens: NDArray[np.int64]) -> NDArray[np.int64]:
    """:func:`divisor` of every token."""
    segment = tokens & 0xFF
    return np.where(
        segment == 3, 10_000_000, np.where((segment == 6) | (segment == 12), 10_000, 100)
    ).astype(np.int64)


class QuoteTable:
    """Native columns of quotes, one row per instrument (the encoder's input).

    ``scalars[:, k]`` is :data:`SCALARS` ``[k]``; ``depth[row, side, level]`` is
    (price, quantity, orders) with bids as side 0 and asks as side 1.
    """

    def __init__(self, tokens: Sequence[int], indices: Iterable[int] = ()) -> None:
        self.tokens = np.asarray(tokens, dtype=np.int64)
        self.row = {int(t): k for k, t in enumerate(self.tokens)}
        n = len(self.tokens)
        self.scalars = np.zeros((n, len(SCALARS)), dtype=np.float64)
        self.scalars[:, 0] = self.tokens
        self.depth = np.zeros((n, 2, DEPTH_LEVELS, 3), dtype=np.float64)
        index_set = set(indices)
        self.tradable = np.array([int(t) not in index_set for t in self.tokens], dtype=bool)

    def refresh(self, quotes: Sequence[Quote]) -> NDArray[np.int64]:
        """Copy ``quotes`` into their rows; return the rows."""
        rows = np.fromiter((self.row[q.token] for q in quotes), np.int64, len(quotes))
        if len(rows):
            self.scalars[rows] = [_GET(q) for q in quotes]
            self.depth[rows] = [
                [
                    (q.bids + [_EMPTY_LEVEL] * DEPTH_LEVELS)[:DEPTH_LEVELS],
                    (q.asks + [_EMPTY_LEVEL] * DEPTH_LEVELS)[:DEPTH_LEVELS],
                ]
                for q in quotes
            ]
        return rows


def _column(
    table: QuoteTable, rows: NDArray[np.int64], name: str, div: NDArray[np.int64]
) -> NDArray[np.int64]:
    values = table.scalars[rows, SCALARS.index(name)]
    if name in PRICES:
        values = np.rint(values * div)
    return np.clip(values, 0, _UINT32_MAX).astype(np.int64)


def _records(
    table: QuoteTable, rows: NDArray[np.int64], tradable: bool, mode: Mode
) -> NDArray[np.void]:
    layout = LAYOUTS[(tradable, mode)]
    out = np.zeros(len(rows), dtype=layout)
    out["len"] = layout.itemsize - 2
    div = divisors(table.tokens[rows])
    names = layout.names or ()
    for name in names:
        if name in SCALARS:
            out[name] = _column(table, rows, name, div)
    if "change" in names:
        last, close = (table.scalars[rows, SCALARS.index(n)] for n in ("last_price", "close"))
        change = np.where(close != 0, np.rint((last - close) * div), 0)
        out["change"] = np.clip(change, -(2**31), 2**31 - 1).astype(np.int64)
    if "depth" in names:
        depth = table.depth[rows].reshape(len(rows), 2 * DEPTH_LEVELS, 3)
        out["depth"]["p"] = np.clip(np.rint(depth[:, :, 0] * div[:, None]), 0, _UINT32_MAX)
        out["depth"]["q"] = np.clip(depth[:, :, 1], 0, _UINT32_MAX)
        out["depth"]["o"] = np.clip(depth[:, :, 2], 0, 0xFFFF)
    return out


def encode_rows(table: QuoteTable, rows: NDArray[np.int64], modes: NDArray[np.int8]) -> bytes:
    """One frame of ``rows``, each in its mode code (:data:`MODE_CODE`); b"" when empty.

    Raises
    ------
    ValueError
        If there are more than 65,535 packets (the count is a uint16).
    """
    if len(rows) > 0xFFFF:
        raise ValueError(f"a frame holds at most 65535 packets, got {len(rows)}")
    if not len(rows):
        return b""
    parts = [len(rows).to_bytes(2, "big")]
    tradable = table.tradable[rows]
    for mode in MODES:
        in_mode = modes == MODE_CODE[mode]
        for kind in (True, False):
            chosen = rows[in_mode & (tradable == kind)]
            if len(chosen):
                parts.append(_records(table, chosen, kind, mode).tobytes())
    return b"".join(parts)


def encode_packet(quote: Quote, mode: Mode, tradable: bool) -> bytes:
    """One packet of ``quote`` in ``mode`` (index layout when not ``tradable``)."""
    table = QuoteTable([quote.token], () if tradable else (quote.token,))
    rows = table.refresh([quote])
    return _records(table, rows, tradable, mode).tobytes()[2:]


def encode_frame(packets: Sequence[bytes]) -> bytes:
    """A binary frame of already-encoded packets: count, then each length-prefixed.

    Raises
    ------
    ValueError
        If there are more than 65,535 packets (the count is a uint16).
    """
    if len(packets) > 0xFFFF:
        raise ValueError(f"a frame holds at most 65535 packets, got {len(packets)}")
    parts = [len(packets).to_bytes(2, "big")]
    for packet in packets:
        parts.append(len(packet).to_bytes(2, "big"))
        parts.append(packet)
    return b"".join(parts)
