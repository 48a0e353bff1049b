"""Ticker frames built by hand from KITE_API.md §5.3, and the official parser's view of them."""

from __future__ import annotations

import struct
from datetime import datetime
from typing import Any

import numpy as np
from kiteconnect import KiteTicker

OFFICIAL = KiteTicker("key", "token")


def frame(packets: list[bytes]) -> bytes:
    """``uint16 N`` then ``uint16 length + packet`` for each packet."""
    return struct.pack(">H", len(packets)) + b"".join(
        struct.pack(">H", len(p)) + p for p in packets
    )


def full_packet(token: int, fields: list[int], depth: list[tuple[int, int, int]]) -> bytes:
    """184 bytes: token, 15 u32 fields, then 10 depth levels (qty, price, orders)."""
    body = struct.pack(">16I", token, *fields)
    return body + b"".join(struct.pack(">IIH2x", q, p, o) for q, p, o in depth)


def official(data: bytes) -> list[dict[str, Any]]:
    """The official client's ticks, timestamps back as epoch seconds."""
    ticks: list[dict[str, Any]] = OFFICIAL._parse_binary(data)
    for tick in ticks:
        for key in ("last_trade_time", "exchange_timestamp"):
            if isinstance(tick.get(key), datetime):
                tick[key] = round(tick[key].timestamp())
    return ticks


def as_official(rows: np.ndarray) -> list[dict[str, Any]]:
    """Decoded rows in the official client's dict shape (for comparison)."""
    out = []
    for row in rows:
        length, div = int(row["length"]), float(row["divisor"])
        tick: dict[str, Any] = {
            "tradable": bool(row["tradable"]),
            "mode": {1: "ltp", 2: "quote", 3: "full"}[int(row["mode"])],
            "instrument_token": int(row["token"]),
            "last_price": int(row["last_price_raw"]) / div,
        }
        if length in (28, 32, 44, 184):
            if length >= 44:
                tick["last_traded_quantity"] = int(row["last_quantity"])
                tick["average_traded_price"] = int(row["average_price_raw"]) / div
                tick["volume_traded"] = int(row["volume"])
                tick["total_buy_quantity"] = int(row["buy_quantity"])
                tick["total_sell_quantity"] = int(row["sell_quantity"])
            tick["ohlc"] = {k: int(row[f"{k}_raw"]) / div for k in ("open", "high", "low", "close")}
            close = tick["ohlc"]["close"]
            tick["change"] = (tick["last_price"] - close) * 100 / close if close != 0 else 0
        if length in (32, 184):
            tick["exchange_timestamp"] = int(row["exchange_timestamp"])
        if length == 184:
            tick["last_trade_time"] = int(row["last_trade_time"])
            tick["oi"] = int(row["oi"])
            tick["oi_day_high"] = int(row["oi_day_high"])
            tick["oi_day_low"] = int(row["oi_day_low"])
            tick["depth"] = {
                side: [
                    {
                        "quantity": int(row[f"{prefix}_quantity"][i]),
                        "price": int(row[f"{prefix}_price_raw"][i]) / div,
                        "orders": int(row[f"{prefix}_orders"][i]),
                    }
                    for i in range(5)
                ]
                for side, prefix in (("buy", "bid"), ("sell", "ask"))
            }
        out.append(tick)
    return out
