"""Replay of a ParquetDataCatalog (``market="replay"``), rebased to the present.

Any catalog with NSE index instruments and their trade ticks (the index level) and NFO
option contracts with quote ticks (and optionally trade ticks) replays, e.g. one written
by ``options-nt data generate`` or ``options-nt data import``.

Rebasing: catalog time ``t`` plays at simulator time ``start + (t - t0) / speed`` while the
market is open, where ``t0`` is the catalog's first index print; every tick is stamped with
the simulator's clock, so a live node sees live timestamps. Gaps of more than
:data:`GAP_S` catalog seconds without data (nights, weekends, holidays) are skipped.

Relisting: the catalog's contracts expired long ago, so its k-th expiry (per underlying,
among those alive at ``t0``) is listed as the k-th expiry from the simulator's today
(provisional dates after the NSE table, as for the synthetic market), with the same strike
and right; expiries beyond ``config.expiries`` are left out. Quote ticks set the touch
(one depth level: a catalog holds no deeper book), trade ticks print.

Last price: an option with trade ticks in the catalog takes ``last_price`` (volume, trade
time) from its prints and from the simulator's own fills. An option with none (e.g. a
catalog from ``options-nt data generate``, which holds option quotes only) is *marked*:
every quote tick moves ``last_price`` (and the day's OHLC and candles) to the mid of its
bid and ask on the tick grid, leaving volume and ``last_trade_time`` to the simulator's
fills. When the catalog runs
out the market stops moving; settlement happens at the listed expiry on the index's level.
Data are read a chunk of :data:`CHUNK_S` catalog seconds at a time.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Literal

import numpy as np
from numpy.typing import NDArray

from nautilus_options.domain.nse import ProvisionalOptionSymbol
from nautilus_options.domain.time import NS_PER_SECOND, ist_date
from nautilus_options.errors import ConfigError
from nautilus_options.simulator.config import SimulatorConfig
from nautilus_options.simulator.instruments import (
    FIRST_OPTION_EXCHANGE_TOKEN,
    INDEX_OF,
    Instrument,
    Universe,
    index_instrument,
    listed_expiries,
    option_instrument,
)
from nautilus_options.simulator.market.state import MarketSource, Quote

log = logging.getLogger(__name__)

#: Catalog seconds read at once.
CHUNK_S = 3600
#: Catalog seconds without data that are skipped instead of played.
GAP_S = 300


@dataclass
class _Events:
    """Catalog events in time order: kind 0 quote (bid, ask, bid size, ask size), 1 trade."""

    ts: NDArray[np.int64]
    kind: NDArray[np.int8]
    token: NDArray[np.int64]
    values: NDArray[np.float64]


class ReplayMarket(MarketSource):
    """A catalog replayed at ``config.speed`` from now (see the module docstring)."""

    def __init__(self, config: SimulatorConfig, now_ns: int) -> None:
        from nautilus_trader.model.data import TradeTick
        from nautilus_trader.persistence.catalog.parquet import ParquetDataCatalog

        assert config.catalog is not None
        if not config.catalog.is_dir():
            raise ConfigError("catalog", f"{config.catalog} is not a catalog directory")
        self.catalog = ParquetDataCatalog(str(config.catalog))
        self.speed = config.speed
        by_id: dict[str, int] = {}
        rows: list[Instrument] = []
        spans: list[tuple[int, int]] = []
        catalog_instruments = self.catalog.instruments()
        for item in catalog_instruments:
            symbol = item.id.symbol.value
            if type(item).__name__ == "IndexInstrument" and symbol in INDEX_OF:
                if any(r.underlying == symbol for r in rows):
                    continue
                rows.append(index_instrument(symbol))
                by_id[str(item.id)] = INDEX_OF[symbol][1]
                spans += self.catalog.get_intervals(TradeTick, str(item.id))
        if not spans:
            raise ConfigError("catalog", f"{config.catalog} has no NIFTY or NIFTY BANK prints")
        self.t0 = min(s for s, _ in spans)
        self.t1 = max(e for _, e in spans)
        rows += self._relist(catalog_instruments, config, now_ns, by_id)
        self.by_id = by_id
        index_tokens = {t for _, t in INDEX_OF.values()}
        #: Options with trade ticks in the catalog (the others are marked to their mid).
        self.traded = {
            token
            for instrument_id, token in by_id.items()
            if token not in index_tokens and self.catalog.get_intervals(TradeTick, instrument_id)
        }
        self.universe = Universe(rows)
        self.quotes = {r.instrument_token: Quote(r.instrument_token) for r in rows}
        self.cursor = self.t0
        self.loaded_to = self.t0
        self.events = _Events(
            np.zeros(0, np.int64), np.zeros(0, np.int8), np.zeros(0, np.int64), np.zeros((0, 4))
        )
        self.position = 0
        self.finished = False
        self.last_ns = now_ns
        self._play(self.t0 + 60 * NS_PER_SECOND, now_ns)  # the first minute: initial quotes

    def _relist(
        self, items: list[Any], config: SimulatorConfig, now_ns: int, by_id: dict[str, int]
    ) -> list[Instrument]:
        """Catalog options alive at t0, on the listed expiries from today (by rank)."""
        options = [
            i
            for i in items
            if type(i).__name__ == "OptionContract"
            and str(i.underlying) in INDEX_OF
            and i.expiration_ns > self.t0
        ]
        rows: list[Instrument] = []
        token = FIRST_OPTION_EXCHANGE_TOKEN
        for underlying in sorted({str(o.underlying) for o in options}):
            mine = [o for o in options if str(o.underlying) == underlying]
            expiries = sorted({o.expiration_ns for o in mine})[: config.expiries]
            listed = listed_expiries(underlying, now_ns, ist_date(now_ns), len(expiries))
            relisted = dict(zip(expiries, listed, strict=False))
            for option in sorted(mine, key=lambda o: (o.expiration_ns, float(o.strike_price))):
                if option.expiration_ns not in relisted:
                    continue
                day, monthly = relisted[option.expiration_ns]
                right: Literal["CE", "PE"] = "CE" if option.option_kind.name == "CALL" else "PE"
                symbol = ProvisionalOptionSymbol(
                    underlying, day, Decimal(str(option.strike_price)), right, monthly
                )
                row = option_instrument(symbol, token)
                token += 1
                rows.append(row)
                by_id[str(option.id)] = row.instrument_token
        return rows

    def _load(self) -> None:
        """Read the next chunk of catalog events (after :attr:`loaded_to`)."""
        start, end = self.loaded_to, self.loaded_to + CHUNK_S * NS_PER_SECOND
        ids = list(self.by_id)
        quotes = self.catalog.quote_ticks(instrument_ids=ids, start=start, end=end - 1)
        trades = self.catalog.trade_ticks(instrument_ids=ids, start=start, end=end - 1)
        ts = [q.ts_event for q in quotes] + [t.ts_event for t in trades]
        kind = [0] * len(quotes) + [1] * len(trades)
        token = [self.by_id[str(q.instrument_id)] for q in quotes]
        token += [self.by_id[str(t.instrument_id)] for t in trades]
        values = [
            (q.bid_price.as_double(), q.ask_price.as_double(), int(q.bid_size), int(q.ask_size))
            for q in quotes
        ] + [(t.price.as_double(), int(t.size), 0, 0) for t in trades]
        order = np.argsort(np.asarray(ts, dtype=np.int64), kind="stable")
        self.events = _Events(
            np.asarray(ts, dtype=np.int64)[order],
            np.asarray(kind, dtype=np.int8)[order],
            np.asarray(token, dtype=np.int64)[order],
            np.asarray(values, dtype=np.float64).reshape(-1, 4)[order],
        )
        self.position = 0
        self.loaded_to = end

    def _play(self, until: int, now_ns: int) -> list[int]:
        """Apply every event up to catalog time ``until``; return the tokens changed."""
        changed: set[int] = set()
        now_s = now_ns // NS_PER_SECOND
        while not self.finished:
            if self.position >= len(self.events.ts):
                if self.loaded_to > self.t1:
                    self.finished = True
                    log.warning("replay reached the end of the catalog: the market stops")
                    break
                if self.loaded_to > until:
                    break
                self._load()
                continue
            if self.events.ts[self.position] > until:
                break
            k = self.position
            self._apply(int(self.events.kind[k]), int(self.events.token[k]), k, now_s)
            changed.add(int(self.events.token[k]))
            self.position += 1
        return sorted(changed)

    def _apply(self, kind: int, token: int, k: int, now_s: int) -> None:
        quote = self.quotes[token]
        a, b, c, d = self.events.values[k].tolist()
        quote.timestamp = now_s
        if kind == 1 and token in (t for _, t in INDEX_OF.values()):
            price = round(a, 2)
            quote.close = quote.close or price
            quote.last_price, quote.last_trade_time = price, now_s
            quote.mark(price)
        elif kind == 1:
            quote.trade(round(a, 2), int(b), now_s)
        else:
            quote.bids = [(round(a, 2), int(c), 1)] if a > 0 else []
            quote.asks = [(round(b, 2), int(d), 1)] if b > 0 else []
            quote.buy_quantity, quote.sell_quantity = int(c), int(d)
            if a > 0 and b > 0:
                mid = round(round((a + b) / 2 / 0.05) * 0.05, 2)
                if not quote.last_price:
                    quote.last_price = quote.close = mid
                    quote.last_trade_time = now_s
                elif token not in self.traded:
                    quote.mark_last(mid, now_s)

    def _next_ts(self) -> int | None:
        while self.position >= len(self.events.ts) and not self.finished:
            if self.loaded_to > self.t1:
                return None
            self._load()
        return int(self.events.ts[self.position]) if not self.finished else None

    def step(self, now_ns: int, is_open: bool) -> list[int]:
        """Play the catalog forward by the elapsed open time times ``speed``."""
        elapsed = max(0, now_ns - self.last_ns)
        self.last_ns = now_ns
        if not is_open or self.finished:
            return []
        self.cursor += int(elapsed * self.speed)
        following = self._next_ts()
        if following is not None and following - self.cursor > GAP_S * NS_PER_SECOND:
            self.cursor = following  # skip a night, weekend or hole in the data
        return self._play(self.cursor, now_ns)
