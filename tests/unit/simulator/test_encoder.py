"""The ticker encoder against the official client's parser (``KiteTicker._parse_binary``)."""

from __future__ import annotations

import random
from datetime import datetime

import pytest
from kiteconnect import KiteTicker

from nautilus_options.simulator.market.state import Quote
from nautilus_options.simulator.ticker.encoder import (
    HEARTBEAT,
    PACKET_LENGTH,
    encode_frame,
    encode_packet,
)

TICKER = KiteTicker("key", "token")
NFO_TOKENS = [40_000 * 256 + 2, 12_345 * 256 + 2]
INDEX_TOKENS = [256265, 260105]


def _paise(rng: random.Random, high: int = 5_000_000) -> float:
    return rng.randint(5, high) / 100


def random_quote(rng: random.Random, token: int) -> Quote:
    levels = [(_paise(rng), rng.randint(0, 10_000), rng.randint(0, 500)) for _ in range(5)]
    return Quote(
        token=token,
        last_price=_paise(rng),
        last_quantity=rng.randint(0, 10_000),
        volume=rng.randint(0, 10**9),
        average_price=_paise(rng),
        buy_quantity=rng.randint(0, 10**7),
        sell_quantity=rng.randint(0, 10**7),
        open=_paise(rng),
        high=_paise(rng),
        low=_paise(rng),
        close=_paise(rng),
        last_trade_time=rng.randint(1_700_000_000, 1_900_000_000),
        oi=rng.randint(0, 10**8),
        oi_day_high=rng.randint(0, 10**8),
        oi_day_low=rng.randint(0, 10**8),
        timestamp=rng.randint(1_700_000_000, 1_900_000_000),
        bids=levels[: rng.randint(0, 5)],
        asks=levels[: rng.randint(0, 5)],
    )


def _expected_depth(levels: list[tuple[float, int, int]]) -> list[dict[str, float]]:
    full = levels + [(0.0, 0, 0)] * (5 - len(levels))
    return [{"quantity": q, "price": p, "orders": o} for p, q, o in full]


def check(tick: dict[str, object], quote: Quote, mode: str, tradable: bool) -> None:
    assert tick["instrument_token"] == quote.token
    assert tick["mode"] == mode
    assert tick["tradable"] is tradable
    assert tick["last_price"] == pytest.approx(quote.last_price)
    if mode == "ltp":
        return
    assert tick["ohlc"] == pytest.approx(
        {"open": quote.open, "high": quote.high, "low": quote.low, "close": quote.close}
    )
    if not tradable:
        if mode == "full":
            assert tick["exchange_timestamp"] == datetime.fromtimestamp(quote.timestamp)
        return
    assert tick["last_traded_quantity"] == quote.last_quantity
    assert tick["average_traded_price"] == pytest.approx(quote.average_price)
    assert tick["volume_traded"] == quote.volume
    assert tick["total_buy_quantity"] == quote.buy_quantity
    assert tick["total_sell_quantity"] == quote.sell_quantity
    if mode == "full":
        assert tick["last_trade_time"] == datetime.fromtimestamp(quote.last_trade_time)
        assert tick["exchange_timestamp"] == datetime.fromtimestamp(quote.timestamp)
        assert (tick["oi"], tick["oi_day_high"], tick["oi_day_low"]) == (
            quote.oi,
            quote.oi_day_high,
            quote.oi_day_low,
        )
        depth = tick["depth"]
        assert isinstance(depth, dict)
        assert depth["buy"] == _expected_depth(quote.bids)
        assert depth["sell"] == _expected_depth(quote.asks)


@pytest.mark.parametrize("seed", range(20))
def test_random_frames_round_trip_through_the_official_parser(seed: int) -> None:
    rng = random.Random(seed)
    expected = []
    packets = []
    for _ in range(rng.randint(1, 40)):
        tradable = rng.random() < 0.7
        token = rng.choice(NFO_TOKENS if tradable else INDEX_TOKENS)
        mode = rng.choice(["ltp", "quote", "full"])
        quote = random_quote(rng, token)
        packet = encode_packet(quote, mode, tradable)  # type: ignore[arg-type]
        assert len(packet) == PACKET_LENGTH[(tradable, mode)]  # type: ignore[index]
        packets.append(packet)
        expected.append((quote, mode, tradable))
    ticks = TICKER._parse_binary(encode_frame(packets))
    assert len(ticks) == len(expected)
    for tick, (quote, mode, tradable) in zip(ticks, expected, strict=True):
        check(tick, quote, mode, tradable)


def test_packet_lengths_are_the_ones_the_client_accepts() -> None:
    assert sorted(set(PACKET_LENGTH.values())) == [8, 28, 32, 44, 184]


def test_heartbeat_is_one_byte_and_yields_no_ticks() -> None:
    assert HEARTBEAT == b"\x00"
    assert len(HEARTBEAT) == 1


def test_negative_values_are_clamped_to_zero() -> None:
    quote = Quote(token=NFO_TOKENS[0], last_price=-1.0, volume=-5)
    (tick,) = TICKER._parse_binary(encode_frame([encode_packet(quote, "quote", True)]))
    assert tick["last_price"] == 0
    assert tick["volume_traded"] == 0


def test_frame_refuses_more_than_65535_packets() -> None:
    with pytest.raises(ValueError, match="65535"):
        encode_frame([b"x"] * 65_536)
