"""The ticker decoder: hand-built bytes, the official parser, the simulator's encoder, fuzz."""

from __future__ import annotations

import contextlib
import struct

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from ticker_frames import as_official, frame, full_packet, official

from nautilus_options.adapters.zerodha.common.errors import TickerDecodeError
from nautilus_options.adapters.zerodha.parsing.ticker import MODE_FULL, decode_frame
from nautilus_options.simulator.market.state import Quote
from nautilus_options.simulator.ticker.encoder import encode_frame, encode_packet

U32 = st.integers(0, 2**32 - 1)
SEGMENTS = st.sampled_from([1, 2, 3, 4, 6, 9, 12])


def test_full_packet_fields_at_their_documented_offsets() -> None:
    token = 10240002  # NFO (segment 2)
    fields = [12345, 65, 12000, 9100, 500, 600, 11000, 13000, 10500, 11800]
    fields += [1_764_400_000, 300, 320, 280, 1_764_400_001]
    depth = [(65 * (i + 1), 12300 - 5 * i, i + 1) for i in range(5)]
    depth += [(130 * (i + 1), 12350 + 5 * i, i + 2) for i in range(5)]
    rows = decode_frame(frame([full_packet(token, fields, depth)]))
    (row,) = rows
    assert row["mode"] == MODE_FULL
    assert bool(row["tradable"])
    assert row["last_price_raw"] == 12345
    assert row["divisor"] == 100.0
    assert row["last_quantity"] == 65
    assert row["volume"] == 9100
    assert (row["open_raw"], row["high_raw"], row["low_raw"], row["close_raw"]) == (
        11000,
        13000,
        10500,
        11800,
    )
    assert row["last_trade_time"] == 1_764_400_000
    assert row["exchange_timestamp"] == 1_764_400_001
    assert row["oi"] == 300
    assert row["oi_day_high"] == 320
    assert row["oi_day_low"] == 280
    assert row["bid_price_raw"].tolist() == [12300, 12295, 12290, 12285, 12280]
    assert row["ask_quantity"].tolist() == [130, 260, 390, 520, 650]
    assert row["ask_orders"].tolist() == [2, 3, 4, 5, 6]


def test_index_packet_puts_high_low_open_first() -> None:
    packet = struct.pack(">6IiI", 256265, 2600050, 2610000, 2590000, 2595000, 2598000, -5, 7)
    (row,) = decode_frame(frame([packet]))
    assert not row["tradable"]
    assert (row["high_raw"], row["low_raw"], row["open_raw"]) == (2610000, 2590000, 2595000)
    assert row["exchange_timestamp"] == 7


def test_heartbeat_and_unknown_lengths_give_nothing() -> None:
    assert len(decode_frame(b"\x00")) == 0
    assert len(decode_frame(b"")) == 0
    assert len(decode_frame(frame([b"\x00" * 164]))) == 0  # v1 full packet: skipped


def test_overrunning_frame_is_a_clear_error() -> None:
    good = frame([struct.pack(">II", 10240002, 100)])
    with pytest.raises(TickerDecodeError, match="ends 1 bytes short"):
        decode_frame(good[:-1])
    with pytest.raises(TickerDecodeError, match="declares 3 packets"):
        decode_frame(b"\x00\x03" + good[2:])


def _packet(length: int, token: int, values: list[int]) -> bytes:
    if length == 8:
        return struct.pack(">II", token, values[0])
    if length in (28, 32):
        return struct.pack(f">{length // 4}I", token, *values[: length // 4 - 1])
    if length == 44:
        return struct.pack(">11I", token, *values[:10])
    depth = [(values[i], values[i + 1], values[i + 2] & 0xFFFF) for i in range(15, 45, 3)]
    return full_packet(token, values[:15], depth)


TOKENS = st.builds(lambda number, seg: (number << 8) | seg, st.integers(0, 2**24 - 1), SEGMENTS)
VALUES = st.lists(U32, min_size=45, max_size=45)
packets = st.builds(_packet, st.sampled_from([8, 28, 32, 44, 184]), TOKENS, VALUES)
full_packets = st.builds(_packet, st.just(184), TOKENS, VALUES)


@given(st.lists(st.one_of(packets, st.binary(min_size=4, max_size=60)), max_size=30))
def test_equals_the_official_parser_on_random_frames(items: list[bytes]) -> None:
    data = frame(items)
    assert as_official(decode_frame(data)) == official(data)


@given(st.lists(full_packets, min_size=1, max_size=20))
def test_uniform_full_frames_take_the_in_place_path_and_agree(items: list[bytes]) -> None:
    data = frame(items)
    assert as_official(decode_frame(data)) == official(data)


@given(st.binary(max_size=400))
def test_fuzz_random_bytes_never_crash(data: bytes) -> None:
    try:
        rows = decode_frame(data)
    except TickerDecodeError:
        return
    assert rows.dtype.names is not None


@given(st.lists(packets, min_size=1, max_size=8), st.data())
def test_fuzz_mutated_frames_never_crash(items: list[bytes], data: st.DataObject) -> None:
    raw = bytearray(frame(items))
    for _ in range(data.draw(st.integers(1, 6))):
        raw[data.draw(st.integers(0, len(raw) - 1))] = data.draw(st.integers(0, 255))
    cut = data.draw(st.integers(0, len(raw)))
    with contextlib.suppress(TickerDecodeError):
        decode_frame(bytes(raw[:cut]))


def _quote(token: int, seed: int) -> Quote:
    rng = np.random.default_rng(seed)
    price = float(rng.integers(100, 100_000)) / 20
    bids = [(round(price - 0.05 * i, 2), int(rng.integers(1, 9)) * 65, i + 1) for i in range(5)]
    asks = [
        (round(price + 0.05 * (i + 1), 2), int(rng.integers(1, 9)) * 65, i + 1) for i in range(5)
    ]
    return Quote(
        token,
        last_price=price,
        last_quantity=65,
        volume=int(rng.integers(0, 10**6)),
        average_price=price,
        buy_quantity=1000,
        sell_quantity=900,
        open=price,
        high=price + 1,
        low=max(price - 1, 0.05),
        close=price,
        last_trade_time=1_764_400_000,
        oi=5,
        oi_day_high=6,
        oi_day_low=4,
        timestamp=1_764_400_002,
        bids=bids,
        asks=asks,
    )


@pytest.mark.parametrize("mode", ["ltp", "quote", "full"])
def test_round_trips_with_the_simulators_encoder(mode: str) -> None:
    quotes = [_quote(10240002 + 256 * i, i) for i in range(20)] + [_quote(256265, 99)]
    data = encode_frame([encode_packet(q, mode, q.token & 0xFF != 9) for q in quotes])  # type: ignore[arg-type]
    rows = decode_frame(data)
    assert as_official(rows) == official(data)
    assert rows["token"].tolist() == [q.token for q in quotes]
    assert rows["last_price_raw"].tolist() == [round(q.last_price * 100) for q in quotes]
    if mode == "full":
        first = rows[0]
        assert first["bid_price_raw"][0] == round(quotes[0].bids[0][0] * 100)
        assert first["ask_quantity"][0] == quotes[0].asks[0][1]
