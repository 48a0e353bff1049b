"""Kite ticker binary encoding (pure): packets in ltp/quote/full modes, frames, heartbeats.

Wire format (KITE_API.md §5.3; all integers big-endian, prices in paise for NSE/NFO):

* frame: ``uint16`` packet count N, then N times ``uint16`` length L and L bytes;
* tradable packets: 8 bytes (ltp: token, last price), 44 (quote: + last qty, average price,
  volume, total buy and sell qty, open, high, low, previous close) or 184 (full: + last trade
  time, OI, OI day high and low, exchange timestamp, then 5 bids and 5 asks of
  ``quantity:uint32, price:uint32, orders:uint16, 2 pad bytes``);
* index packets: 8 (ltp), 28 (quote: token, last, **high, low, open**, close, change) or 32
  (full: + exchange timestamp);
* heartbeat: one byte while there is nothing else to send.

The official Python client reads every field as unsigned, so all values are clamped at 0,
except the index "price change" which the client ignores (signed here). Times are UNIX
epoch seconds. This encoder is independent of the adapter's decoder on purpose: each is
checked against the official client's parser.
"""

from __future__ import annotations

import struct
from collections.abc import Sequence
from typing import Literal

from nautilus_options.simulator.market.state import DEPTH_LEVELS, Level, Quote

Mode = Literal["ltp", "quote", "full"]
MODES: tuple[Mode, ...] = ("ltp", "quote", "full")

#: One-byte heartbeat sent while idle.
HEARTBEAT = b"\x00"

_LTP = struct.Struct(">II")
_QUOTE = struct.Struct(">11I")
_FULL = struct.Struct(">16I" + "IIH2x" * 2 * DEPTH_LEVELS)
_INDEX_QUOTE = struct.Struct(">6Ii")
_INDEX_FULL = struct.Struct(">6IiI")
_U16 = struct.Struct(">H")

#: Packet length of each (tradable, mode).
PACKET_LENGTH: dict[tuple[bool, Mode], int] = {
    (True, "ltp"): _LTP.size,
    (True, "quote"): _QUOTE.size,
    (True, "full"): _FULL.size,
    (False, "ltp"): _LTP.size,
    (False, "quote"): _INDEX_QUOTE.size,
    (False, "full"): _INDEX_FULL.size,
}
_UINT32_MAX = 2**32 - 1


def divisor(token: int) -> int:
    """Price divisor of a token's segment: CDS 1e7, BCD and NCO 1e4, everything else 100."""
    segment = token & 0xFF
    if segment == 3:
        return 10_000_000
    if segment in (6, 12):
        return 10_000
    return 100


def _u(value: float) -> int:
    return min(max(int(value), 0), _UINT32_MAX)


def _price(value: float, div: int) -> int:
    return min(max(round(value * div), 0), _UINT32_MAX)


def _depth(levels: list[Level], div: int) -> list[int]:
    out: list[int] = []
    for k in range(DEPTH_LEVELS):
        if k < len(levels):
            price, quantity, orders = levels[k]
            out += [_u(quantity), _price(price, div), min(max(orders, 0), 0xFFFF)]
        else:
            out += [0, 0, 0]
    return out


def encode_packet(quote: Quote, mode: Mode, tradable: bool) -> bytes:
    """One packet of ``quote`` in ``mode`` (index layout when not ``tradable``)."""
    div = divisor(quote.token)
    last = _price(quote.last_price, div)
    if mode == "ltp":
        return _LTP.pack(quote.token, last)
    if not tradable:
        change = round((quote.last_price - quote.close) * div) if quote.close else 0
        head = (
            quote.token,
            last,
            _price(quote.high, div),
            _price(quote.low, div),
            _price(quote.open, div),
            _price(quote.close, div),
            max(min(change, 2**31 - 1), -(2**31)),
        )
        if mode == "quote":
            return _INDEX_QUOTE.pack(*head)
        return _INDEX_FULL.pack(*head, _u(quote.timestamp))
    values = [
        quote.token,
        last,
        _u(quote.last_quantity),
        _price(quote.average_price, div),
        _u(quote.volume),
        _u(quote.buy_quantity),
        _u(quote.sell_quantity),
        _price(quote.open, div),
        _price(quote.high, div),
        _price(quote.low, div),
        _price(quote.close, div),
    ]
    if mode == "quote":
        return _QUOTE.pack(*values)
    values += [
        _u(quote.last_trade_time),
        _u(quote.oi),
        _u(quote.oi_day_high),
        _u(quote.oi_day_low),
        _u(quote.timestamp),
    ]
    return _FULL.pack(*values, *_depth(quote.bids, div), *_depth(quote.asks, div))


def encode_frame(packets: Sequence[bytes]) -> bytes:
    """A binary frame: packet count, then each packet prefixed by its length.

    Raises
    ------
    ValueError
        If there are more than 65,535 packets (the count is a uint16).
    """
    if len(packets) > 0xFFFF:
        raise ValueError(f"a frame holds at most 65535 packets, got {len(packets)}")
    parts = [_U16.pack(len(packets))]
    for packet in packets:
        parts.append(_U16.pack(len(packet)))
        parts.append(packet)
    return b"".join(parts)
