"""Kite ticker binary frames decoded whole-frame into numpy columns (KITE_API.md §5.3).

Framing (big-endian): ``uint16`` packet count ``N``, then ``N`` times ``uint16`` length
``L`` and ``L`` bytes. The packet kind follows from ``L`` alone, as in the official client:

====  =================================================================================
8     LTP: token, last price
28    index quote: token, last, **high, low, open**, close, change
32    index full: the 28 bytes plus the exchange timestamp (epoch seconds)
44    tradable quote: token, last, last qty, average, volume, buy qty, sell qty,
      **open, high, low**, close
184   tradable full: the 44 bytes, last trade time, OI, OI high, OI low, exchange
      timestamp, then 5 bids and 5 asks of 12 bytes (qty u32, price u32, orders u16, pad)
====  =================================================================================

Prices are integers divided by the segment's divisor (``token & 0xFF``: CDS 3 -> 1e7,
BCD 6 and NCO 12 -> 1e4, else 100); all fields are unsigned. Packets of any other length
are skipped, as the official client does. A frame shorter than 2 bytes is a heartbeat.

The decoder never loops over fields in Python. A frame whose packets all have one length
(the usual case: one mode per subscription) is viewed in place through a structured numpy
dtype; a mixed frame walks only the length prefixes, then gathers each length's packets
with one fancy-indexing copy. Its result is :data:`TICK_DTYPE` rows in frame order, with
prices kept as the wire integers (``*_raw``) next to their divisor so that conversion to
Nautilus fixed-point prices is exact.

This module was written from the protocol description, apart from the simulator's encoder;
tests check each against the other and both against the official client's parser.
"""

from __future__ import annotations

from typing import Final

import numpy as np
import numpy.typing as npt

from nautilus_options.adapters.zerodha.common.errors import TickerDecodeError

MODE_LTP: Final[int] = 1
MODE_QUOTE: Final[int] = 2
MODE_FULL: Final[int] = 3
#: Mode numbers as the official client names them.
MODE_NAMES: Final[dict[int, str]] = {MODE_LTP: "ltp", MODE_QUOTE: "quote", MODE_FULL: "full"}
SEGMENT_INDICES: Final[int] = 9
DEPTH_LEVELS: Final[int] = 5

#: One decoded packet; fields absent from its kind are 0.
TICK_DTYPE: Final[np.dtype] = np.dtype(
    [
        ("token", np.uint32),
        ("mode", np.uint8),
        ("length", np.uint16),
        ("tradable", np.bool_),
        ("divisor", np.float64),
        ("last_price_raw", np.uint32),
        ("last_quantity", np.uint32),
        ("average_price_raw", np.uint32),
        ("volume", np.uint32),
        ("buy_quantity", np.uint32),
        ("sell_quantity", np.uint32),
        ("open_raw", np.uint32),
        ("high_raw", np.uint32),
        ("low_raw", np.uint32),
        ("close_raw", np.uint32),
        ("last_trade_time", np.uint32),
        ("oi", np.uint32),
        ("oi_day_high", np.uint32),
        ("oi_day_low", np.uint32),
        ("exchange_timestamp", np.uint32),
        ("bid_quantity", np.uint32, (DEPTH_LEVELS,)),
        ("bid_price_raw", np.uint32, (DEPTH_LEVELS,)),
        ("bid_orders", np.uint16, (DEPTH_LEVELS,)),
        ("ask_quantity", np.uint32, (DEPTH_LEVELS,)),
        ("ask_price_raw", np.uint32, (DEPTH_LEVELS,)),
        ("ask_orders", np.uint16, (DEPTH_LEVELS,)),
    ]
)

_U4, _U2 = ">u4", ">u2"
_LEVEL: Final[np.dtype] = np.dtype(
    {"names": ["q", "p", "o"], "formats": [_U4, _U4, _U2], "offsets": [0, 4, 8], "itemsize": 12}
)


def _wire(
    length: int, fields: list[tuple[str, int]], extra: dict[str, tuple[object, int]]
) -> np.dtype:
    """Big-endian dtype of a packet *with* its 2-byte length prefix (offsets from the packet)."""
    names = ["length", *(name for name, _ in fields), *extra]
    formats: list[object] = [_U2, *([_U4] * len(fields)), *(fmt for fmt, _ in extra.values())]
    offsets = [0, *(2 + off for _, off in fields), *(2 + off for _, off in extra.values())]
    return np.dtype(
        {"names": names, "formats": formats, "offsets": offsets, "itemsize": length + 2}
    )


_HEAD = [("token", 0), ("last_price_raw", 4)]
_TRADABLE_QUOTE = [
    *_HEAD,
    ("last_quantity", 8),
    ("average_price_raw", 12),
    ("volume", 16),
    ("buy_quantity", 20),
    ("sell_quantity", 24),
    ("open_raw", 28),
    ("high_raw", 32),
    ("low_raw", 36),
    ("close_raw", 40),
]
_TRADABLE_FULL = [
    *_TRADABLE_QUOTE,
    ("last_trade_time", 44),
    ("oi", 48),
    ("oi_day_high", 52),
    ("oi_day_low", 56),
    ("exchange_timestamp", 60),
]
_INDEX_QUOTE = [*_HEAD, ("high_raw", 8), ("low_raw", 12), ("open_raw", 16), ("close_raw", 20)]

#: Packet length -> (wire dtype, mode).
_LAYOUTS: Final[dict[int, tuple[np.dtype, int]]] = {
    8: (_wire(8, _HEAD, {}), MODE_LTP),
    28: (_wire(28, _INDEX_QUOTE, {}), MODE_QUOTE),
    32: (_wire(32, [*_INDEX_QUOTE, ("exchange_timestamp", 28)], {}), MODE_FULL),
    44: (_wire(44, _TRADABLE_QUOTE, {}), MODE_QUOTE),
    184: (_wire(184, _TRADABLE_FULL, {"depth": ((_LEVEL, (10,)), 64)}), MODE_FULL),
}
#: Packet lengths the decoder understands.
PACKET_LENGTHS: Final[frozenset[int]] = frozenset(_LAYOUTS)


def divisors(tokens: npt.NDArray[np.uint32]) -> npt.NDArray[np.float64]:
    """Price divisor of each instrument token's segment (KITE_API.md §5.3)."""
    segment = tokens & 0xFF
    return np.where(segment == 3, 1e7, np.where((segment == 6) | (segment == 12), 1e4, 100.0))


def _fill(out: np.ndarray, records: np.ndarray, length: int) -> None:
    """Copy the wire ``records`` of one packet length into the rows ``out``."""
    dtype, mode = _LAYOUTS[length]
    for name in dtype.names or ():
        if name == "depth":
            depth = records["depth"]
            out["bid_quantity"] = depth["q"][:, :DEPTH_LEVELS]
            out["bid_price_raw"] = depth["p"][:, :DEPTH_LEVELS]
            out["bid_orders"] = depth["o"][:, :DEPTH_LEVELS]
            out["ask_quantity"] = depth["q"][:, DEPTH_LEVELS:]
            out["ask_price_raw"] = depth["p"][:, DEPTH_LEVELS:]
            out["ask_orders"] = depth["o"][:, DEPTH_LEVELS:]
        elif name != "length":
            out[name] = records[name]
    out["mode"] = mode
    out["length"] = length
    tokens = out["token"]
    out["tradable"] = (tokens & 0xFF) != SEGMENT_INDICES
    out["divisor"] = divisors(tokens)


def _packet_bounds(frame: bytes, count: int) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """Start offsets (of the length prefixes) and lengths of the ``count`` packets."""
    starts = np.empty(count, dtype=np.int64)
    lengths = np.empty(count, dtype=np.int64)
    size, position = len(frame), 2
    for index in range(count):
        if position + 2 > size:
            raise TickerDecodeError(
                f"ticker frame of {size} bytes declares {count} packets but holds {index}"
            )
        length = (frame[position] << 8) | frame[position + 1]
        if position + 2 + length > size:
            raise TickerDecodeError(
                f"ticker packet {index} declares {length} bytes but the frame of {size} "
                f"bytes ends {position + 2 + length - size} bytes short"
            )
        starts[index], lengths[index] = position, length
        position += 2 + length
    return starts, lengths


def decode_frame(frame: bytes) -> np.ndarray:
    """Decode one binary ticker frame into :data:`TICK_DTYPE` rows, in frame order.

    Parameters
    ----------
    frame : bytes
        A binary WebSocket message from the Kite ticker.

    Returns
    -------
    numpy.ndarray
        One row per packet of a known length (unknown lengths are skipped); empty for a
        heartbeat.

    Raises
    ------
    TickerDecodeError
        If the frame's declared packet count or lengths run past its end.
    """
    size = len(frame)
    if size < 2:
        return np.zeros(0, dtype=TICK_DTYPE)
    count = (frame[0] << 8) | frame[1]
    if count and size >= 4:
        length = (frame[2] << 8) | frame[3]
        if length in _LAYOUTS and size == 2 + count * (length + 2):
            records = np.frombuffer(frame, dtype=_LAYOUTS[length][0], count=count, offset=2)
            if bool((records["length"] == length).all()):
                out = np.zeros(count, dtype=TICK_DTYPE)
                _fill(out, records, length)
                return out
    starts, lengths = _packet_bounds(frame, count)
    known = np.isin(lengths, list(_LAYOUTS))
    out = np.zeros(int(known.sum()), dtype=TICK_DTYPE)
    rank = np.cumsum(known) - 1
    data = np.frombuffer(frame, dtype=np.uint8)
    for length in np.unique(lengths[known]).tolist():
        selected = np.flatnonzero(lengths == length)
        rows = data[starts[selected, None] + np.arange(length + 2)]
        records = rows.view(_LAYOUTS[length][0]).reshape(-1)
        part = np.zeros(len(selected), dtype=TICK_DTYPE)
        _fill(part, records, length)
        out[rank[selected]] = part
    return out
