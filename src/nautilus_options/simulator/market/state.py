"""What every market source maintains: one :class:`Quote` per instrument, and candles.

A source moves its quotes in :meth:`MarketSource.step` and returns the tokens that changed;
the simulator then matches orders against them, records minute candles and sends ticks.
Prices are rupees (floats on the 0.05 grid for options); times are UNIX seconds as Kite's
ticker sends them.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field

from nautilus_options.simulator.instruments import Universe

#: One depth level: (price, quantity, orders).
Level = tuple[float, int, int]
DEPTH_LEVELS = 5


@dataclass(slots=True)
class Quote:
    """The live state of one instrument, in the fields of Kite's quote and full tick."""

    token: int
    last_price: float = 0.0
    last_quantity: int = 0
    volume: int = 0
    average_price: float = 0.0
    buy_quantity: int = 0
    sell_quantity: int = 0
    open: float = 0.0
    high: float = 0.0
    low: float = 0.0
    close: float = 0.0  # previous session's close
    last_trade_time: int = 0
    oi: int = 0
    oi_day_high: int = 0
    oi_day_low: int = 0
    timestamp: int = 0
    bids: list[Level] = field(default_factory=list)
    asks: list[Level] = field(default_factory=list)
    #: UNIX second ``last_price`` last moved without a print (:meth:`mark_last`), 0 if never.
    marked_at: int = 0

    @property
    def best_bid(self) -> Level | None:
        """Top bid level, if any."""
        return self.bids[0] if self.bids else None

    @property
    def best_ask(self) -> Level | None:
        """Top ask level, if any."""
        return self.asks[0] if self.asks else None

    def trade(self, price: float, quantity: int, ts_s: int) -> None:
        """Record a print: last price and quantity, volume, VWAP and the day's range."""
        total = self.average_price * self.volume + price * quantity
        self.volume += quantity
        self.average_price = round(total / self.volume, 2) if self.volume else price
        self.last_price, self.last_quantity, self.last_trade_time = price, quantity, ts_s
        self.mark(price)

    def mark_last(self, price: float, ts_s: int) -> None:
        """Move ``last_price`` to ``price`` without a print (a source with no trades of this
        instrument marks it to its mid): volume, last quantity and trade time stay."""
        self.last_price, self.marked_at = price, ts_s
        self.mark(price)

    def mark(self, price: float) -> None:
        """Extend the day's open/high/low with ``price`` (indices move without trades)."""
        if not self.open:
            self.open = self.high = self.low = price
        self.high, self.low = max(self.high, price), min(self.low, price)


#: Candle: [open, high, low, close, volume, oi].
Candle = list[float]


class CandleRecorder:
    """Minute candles of every quote, built as the market steps (the historical API's data)."""

    def __init__(self) -> None:
        self.candles: dict[int, dict[int, Candle]] = {}
        self._volume: dict[int, int] = {}

    def record(self, quote: Quote, ts_s: int) -> None:
        """Fold the quote's last price, volume change and OI into its minute candle."""
        minute = ts_s - ts_s % 60
        series = self.candles.setdefault(quote.token, {})
        price = quote.last_price
        traded = max(0, quote.volume - self._volume.get(quote.token, quote.volume))
        self._volume[quote.token] = quote.volume
        candle = series.get(minute)
        if candle is None:
            series[minute] = [price, price, price, price, float(traded), float(quote.oi)]
            return
        candle[1], candle[2] = max(candle[1], price), min(candle[2], price)
        candle[3], candle[5] = price, float(quote.oi)
        candle[4] += traded

    def between(
        self, token: int, start_s: int, end_s: int, minutes: int
    ) -> list[tuple[int, Candle]]:
        """Candles of ``minutes`` minutes (or a day when 375 or more) in ``[start_s, end_s]``."""
        series = self.candles.get(token, {})
        width = 86_400 if minutes >= 375 else minutes * 60
        offset = 19_800  # IST: day and minute buckets align to IST wall-clock
        merged: dict[int, Candle] = {}
        for minute in sorted(series):
            if not start_s <= minute <= end_s:
                continue
            bucket = (minute + offset) - (minute + offset) % width - offset
            c = series[minute]
            m = merged.get(bucket)
            if m is None:
                merged[bucket] = list(c)
            else:
                m[1], m[2], m[3], m[5] = max(m[1], c[1]), min(m[2], c[2]), c[3], c[5]
                m[4] += c[4]
        return sorted(merged.items())


class MarketSource(ABC):
    """A market: the listed universe and its quotes, moved forward by :meth:`step`."""

    universe: Universe
    quotes: dict[int, Quote]

    @abstractmethod
    def step(self, now_ns: int, is_open: bool) -> list[int]:
        """Move the market to ``now_ns``; return the tokens whose quote changed."""

    def start(self) -> None:  # noqa: B027 - optional hook
        """Begin any background feed (the real Kite feed); synthetic sources need none."""

    def stop(self) -> None:  # noqa: B027 - optional hook
        """Stop any background feed."""

    async def stopped(self) -> None:  # noqa: B027 - optional hook
        """Wait until a feed stopped by :meth:`stop` has finished."""

    def index_price(self, underlying: str) -> float | None:
        """The current level of the index ``underlying`` settles on."""
        index = self.universe.index_of(underlying)
        if index is None:
            return None
        quote = self.quotes.get(index.instrument_token)
        return quote.last_price if quote and quote.last_price > 0 else None
