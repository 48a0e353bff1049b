"""The live synthetic market: the project's synthetic model, run forward from now.

At start the simulator lists, per underlying, its index and the calls and puts of the next
``expiries`` expiries at ``strikes_each_side`` strikes around the starting level. Every
step while the market is open:

1. the index takes a log-normal step of ``realized_vol_ratio * atm_vol`` scaled to the
   trading seconds elapsed (252 days of 6 h 15 min a year); ATM vol takes a small
   mean-reverting step;
2. every live option is repriced with :func:`nautilus_options.data.market_model.quote_day`
   (Black-76 with the synthetic catalog's smile, term structure and bid/ask widths, so
   backtest and paper markets look alike);
3. each option prints a trade with probability ``TRADE_PROBABILITY`` at its bid or ask, and
   its 5-level depth is rebuilt on the tick grid around the new touch.

Outside market hours (``session="nse"``) nothing moves. Expired series stop moving at their
expiry (15:30 IST) and are settled by the exchange on the index's last level.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
from numpy.typing import NDArray

from nautilus_options.data import market_model
from nautilus_options.data.synthetic import SyntheticMarketConfig
from nautilus_options.domain.nse import expiry_ns
from nautilus_options.domain.time import NS_PER_SECOND, ist_date
from nautilus_options.simulator.config import SimulatorConfig
from nautilus_options.simulator.instruments import (
    FIRST_OPTION_EXCHANGE_TOKEN,
    INDEX_OF,
    Instrument,
    Universe,
    index_instrument,
    listed_expiries,
    option_chain,
)
from nautilus_options.simulator.market.state import DEPTH_LEVELS, Level, MarketSource, Quote

#: Trading seconds in a year: 252 sessions of 375 minutes.
TRADING_SECONDS_PER_YEAR = 252 * 375 * 60
#: Chance that an option prints a trade in one step.
TRADE_PROBABILITY = 0.3
TICK = market_model.TICK
#: Model start date handed to :class:`SyntheticMarketConfig` (only its parameters are used).
_MODEL_START = date(2026, 1, 5)


@dataclass
class _Series:
    """The options of one underlying and expiry, in strike order, calls then puts."""

    underlying: str
    expiry: date
    strikes: NDArray[np.float64]
    calls: list[int]
    puts: list[int]
    lot_size: int


class SyntheticMarket(MarketSource):
    """A live synthetic market of NIFTY/BANKNIFTY index options (see the module docstring)."""

    def __init__(self, config: SimulatorConfig, now_ns: int) -> None:
        self.rng = np.random.default_rng(config.seed)
        self.models = {
            u: SyntheticMarketConfig(
                underlying=u, start=_MODEL_START, days=1, seed=config.seed, spot=config.spots.get(u)
            )
            for u in config.underlyings
        }
        today = ist_date(now_ns)
        rows: list[Instrument] = []
        self.series: list[_Series] = []
        self.spot = {u: m.initial_spot for u, m in self.models.items()}
        self.atm_vol = {u: m.atm_vol for u, m in self.models.items()}
        token = FIRST_OPTION_EXCHANGE_TOKEN
        for u in config.underlyings:
            rows.append(index_instrument(u))
            days = listed_expiries(u, now_ns, today, config.expiries)
            chain = option_chain(u, self.spot[u], days, config.strikes_each_side, token)
            token += len(chain)
            rows.extend(chain)
            for day, _ in days:
                legs = [r for r in chain if r.expiry == day]
                self.series.append(
                    _Series(
                        u,
                        day,
                        np.array([r.strike for r in legs if r.instrument_type == "CE"]),
                        [r.instrument_token for r in legs if r.instrument_type == "CE"],
                        [r.instrument_token for r in legs if r.instrument_type == "PE"],
                        legs[0].lot_size,
                    )
                )
        self.universe = Universe(rows)
        self.quotes = {r.instrument_token: Quote(r.instrument_token) for r in rows}
        self.last_ns = now_ns
        for u in config.underlyings:
            self._set_index(u, now_ns)
        self._price_options(now_ns, first=True)

    def step(self, now_ns: int, is_open: bool) -> list[int]:
        """Move the index and reprice the chain (nothing moves while closed)."""
        elapsed_s = max(0, now_ns - self.last_ns) / NS_PER_SECOND
        self.last_ns = now_ns
        if not is_open or elapsed_s == 0:
            return []
        dt = elapsed_s / TRADING_SECONDS_PER_YEAR
        for u, model in self.models.items():
            sigma = model.realized_vol_ratio * self.atm_vol[u]
            shock = float(self.rng.standard_normal())
            self.spot[u] *= float(np.exp(sigma * np.sqrt(dt) * shock - 0.5 * sigma * sigma * dt))
            log_vol = np.log(self.atm_vol[u] / model.atm_vol)
            log_vol += -model.vol_mean_reversion * log_vol * dt + model.vol_of_vol * np.sqrt(dt) * (
                model.spot_vol_correlation * shock
            )
            self.atm_vol[u] = float(model.atm_vol * np.exp(log_vol))
            self._set_index(u, now_ns)
        indices = [INDEX_OF[u][1] for u in self.models]
        return indices + self._price_options(now_ns, first=False)

    def _set_index(self, underlying: str, now_ns: int) -> None:
        index = self.universe.index_of(underlying)
        assert index is not None
        quote = self.quotes[index.instrument_token]
        price = round(self.spot[underlying], 2)
        if not quote.close:
            quote.close = price
        quote.last_price = price
        quote.mark(price)
        quote.timestamp = quote.last_trade_time = now_ns // NS_PER_SECOND

    def _price_options(self, now_ns: int, first: bool) -> list[int]:
        changed: list[int] = []
        ts = np.array([now_ns], dtype=np.uint64)
        now_s = now_ns // NS_PER_SECOND
        for series in self.series:
            if now_ns >= expiry_ns(series.expiry):
                continue
            u = series.underlying
            bid, ask, bid_size, ask_size = market_model.quote_day(
                self.models[u],
                self.rng,
                ts,
                np.array([self.spot[u]]),
                np.array([self.atm_vol[u]]),
                series.expiry,
                series.strikes,
                series.lot_size,
            )
            n = len(series.strikes)
            draws = _Draws(
                depth=self.rng.integers(1, 21, size=(2, n, 2, DEPTH_LEVELS)).tolist(),
                trade=self.rng.random((2, n, 2)).tolist(),
                lots=self.rng.integers(1, 6, size=(2, n)).tolist(),
                oi=self.rng.integers(-1, 2, size=(2, n)).tolist(),
                start_oi=self.rng.integers(200, 20_000, size=(2, n)).tolist(),
            )
            bids, asks = bid[:, 0, :].tolist(), ask[:, 0, :].tolist()
            steps = np.arange(DEPTH_LEVELS) * TICK
            bid_grid = np.round(bid[:, 0, :, None] - steps, 2).tolist()
            ask_grid = np.round(ask[:, 0, :, None] + steps, 2).tolist()
            bid_sizes, ask_sizes = bid_size[:, 0, :].tolist(), ask_size[:, 0, :].tolist()
            lot = series.lot_size
            for side, tokens in enumerate((series.calls, series.puts)):
                for k, token in enumerate(tokens):
                    quote = self.quotes[token]
                    quote.bids = _depth(
                        bid_grid[side][k], int(bid_sizes[side][k]), lot, draws.depth[side][k][0]
                    )
                    quote.asks = _depth(
                        ask_grid[side][k], int(ask_sizes[side][k]), lot, draws.depth[side][k][1]
                    )
                    quote.buy_quantity = sum(level[1] for level in quote.bids) * 20
                    quote.sell_quantity = sum(level[1] for level in quote.asks) * 20
                    quote.timestamp = now_s
                    if first:
                        mid = round(round((bids[side][k] + asks[side][k]) / 2 / TICK) * TICK, 2)
                        quote.close = quote.last_price = mid
                        quote.oi = quote.oi_day_high = quote.oi_day_low = (
                            draws.start_oi[side][k] * lot
                        )
                        quote.last_trade_time = now_s
                    elif draws.trade[side][k][0] < TRADE_PROBABILITY:
                        price = asks[side][k] if draws.trade[side][k][1] < 0.5 else bids[side][k]
                        quantity = draws.lots[side][k] * lot
                        quote.trade(price, quantity, now_s)
                        quote.oi = max(lot, quote.oi + draws.oi[side][k] * quantity)
                        quote.oi_day_high = max(quote.oi_day_high, quote.oi)
                        quote.oi_day_low = min(quote.oi_day_low, quote.oi)
                    changed.append(token)
        return changed


@dataclass
class _Draws:
    """Random draws of one series for one step (drawn in bulk: far faster than per quote)."""

    depth: list[list[list[list[int]]]]
    trade: list[list[list[float]]]
    lots: list[list[int]]
    oi: list[list[int]]
    start_oi: list[list[int]]


def _depth(prices: list[float], size: int, lot: int, lots: list[int]) -> list[Level]:
    """Levels at ``prices`` (touch first, on the tick grid); the touch shows ``size``."""
    levels: list[Level] = [(prices[0], size, max(1, size // lot // 2))]
    for k in range(1, DEPTH_LEVELS):
        if prices[k] < TICK:
            break
        quantity = lots[k] * lot
        levels.append((prices[k], quantity, max(1, lots[k] // 2)))
    return levels
