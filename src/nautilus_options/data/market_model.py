"""The model of the synthetic market: index path, volatility surface, chain and quotes.

The model, in order of generation:

1. **Index path.** Log returns on a fixed intraday grid (``bar_minutes``) with a U-shaped
   intraday variance profile, stochastic volatility (realised vol follows the ATM implied
   vol, which mean-reverts and moves against the index: spot-vol correlation), Poisson
   jumps that also lift implied vol, and an overnight gap at every open.
2. **Implied-volatility surface.** ATM vol times a term-structure factor, with skew and
   smile in standardised moneyness ``z = ln(K/F) / (atm_vol * sqrt(T))``.
3. **Option chain.** For the nearest ``expiries`` expiries alive each day, strikes within
   ``strikes_each_side`` steps of the day's opening ATM strike; once listed, a strike stays
   quoted until its expiry (the chain is the union of strikes touched). Quotes are Black-76
   prices with fractional time to expiry, lowered where needed to the greatest prices free
   of static arbitrage in strike (:func:`arbitrage_free_calls`, puts by put-call parity),
   rounded outwards to the 0.05 tick, with a
   bid/ask width that grows with the premium, away from the money and near expiry. The bid
   is never below 0.05 and the ask always above the bid.
4. **Index prints.** Trade ticks of the index on ``NSE`` and on the ``NFO`` settlement
   mirror at every grid time, and the closing price printed at 15:29:59 and again at
   15:30:00 IST. Backtest expiry runs on the first event at 15:30:00 and cash-settles the
   options against the mirror's last price, which is then the close whatever the order of
   same-time events.

Every function draws from the ``numpy`` generator it is given, in a fixed order, so the same
seed always gives the same market. :mod:`nautilus_options.data.synthetic` writes it out.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

import numpy as np
from numpy.typing import NDArray

from nautilus_options.data.market_config import SyntheticMarketConfig
from nautilus_options.domain.nse import (
    CALENDAR_END,
    contract_spec,
    expiries,
    expiry_ns,
    session_bounds_ns,
)
from nautilus_options.domain.pricing import black76_price
from nautilus_options.domain.time import NS_PER_MINUTE, NS_PER_SECOND, NS_PER_YEAR
from nautilus_options.errors import ConfigError

#: Option tick size, and trading days per year of the index variance.
TICK = 0.05
TRADING_DAYS_PER_YEAR = 252
#: Calendar days searched for the next ``expiries`` expiries of a trading day.
_EXPIRY_HORIZON_DAYS = 120
_TERM_REFERENCE_YEARS = 7 / 365
_MIN_TERM_YEARS = 1 / (365 * 24)
_Z_LIMIT = 4.0

FloatArray = NDArray[np.float64]
Right = Literal["CE", "PE"]
#: Option rights in the order :func:`quote_day` prices them.
RIGHTS: tuple[Right, Right] = ("CE", "PE")


@dataclass
class IndexPath:
    """The simulated index: per trading day, print times, prices and ATM implied vol."""

    ts: list[NDArray[np.uint64]]  # per day: grid times, then the two closing prints
    price: list[FloatArray]  # per day, aligned with ts
    atm_vol: list[FloatArray]  # per day, at the grid times


def _grid(day: date, bar_minutes: int) -> NDArray[np.uint64]:
    open_ns, close_ns = session_bounds_ns(day)
    return np.arange(open_ns, close_ns, bar_minutes * NS_PER_MINUTE, dtype=np.uint64)


def simulate_index(config: SyntheticMarketConfig, rng: np.random.Generator) -> IndexPath:
    """Index prints and ATM implied vol of every trading day of ``config`` (step 1)."""
    days = config.trading_days
    n = len(_grid(days[0], config.bar_minutes))
    position = (np.arange(n) + 0.5) / n
    weights = 1.0 + config.intraday_u_shape * (2.0 * position - 1.0) ** 2
    dt = weights / weights.sum() / TRADING_DAYS_PER_YEAR
    sqrt_dt = np.sqrt(dt)
    rho = config.spot_vol_correlation
    jump_probability = min(config.jumps_per_day / n, 1.0)
    overnight_dt = 1.0 / TRADING_DAYS_PER_YEAR

    log_spot, log_vol = float(np.log(config.initial_spot)), 0.0
    path = IndexPath([], [], [])
    for index, day in enumerate(days):
        if index:
            gap_shock, vol_shock = rng.standard_normal(2)
            log_spot += config.overnight_gap_vol * gap_shock
            log_vol += -config.vol_mean_reversion * log_vol * overnight_dt
            log_vol += (
                config.vol_of_vol
                * np.sqrt(overnight_dt)
                * (rho * gap_shock + np.sqrt(1.0 - rho * rho) * vol_shock)
            )
        spot_shocks = rng.standard_normal(n)
        vol_shocks = rho * spot_shocks + np.sqrt(1.0 - rho * rho) * rng.standard_normal(n)
        jumps = np.where(
            rng.random(n) < jump_probability,
            rng.normal(config.jump_mean, config.jump_vol, n),
            0.0,
        )
        prices = np.empty(n + 2)
        vols = np.empty(n)
        for k in range(n):
            vols[k] = config.atm_vol * np.exp(log_vol)
            prices[k] = np.exp(log_spot)
            sigma = config.realized_vol_ratio * vols[k]
            log_spot += sigma * sqrt_dt[k] * spot_shocks[k] - 0.5 * sigma * sigma * dt[k]
            log_spot += jumps[k]
            log_vol += -config.vol_mean_reversion * log_vol * dt[k]
            log_vol += config.vol_of_vol * sqrt_dt[k] * vol_shocks[k]
            log_vol += config.jump_vol_beta * jumps[k]
        prices[n] = prices[n + 1] = np.exp(log_spot)
        close_ns = session_bounds_ns(day)[1]
        closing = np.array([close_ns - NS_PER_SECOND, close_ns], dtype=np.uint64)
        path.ts.append(np.concatenate([_grid(day, config.bar_minutes), closing]))
        path.price.append(np.round(prices, 2))
        path.atm_vol.append(vols)
    return path


def chain(
    config: SyntheticMarketConfig, opens: list[float]
) -> tuple[list[list[tuple[date, tuple[int, ...]]]], dict[date, bool]]:
    """Per day: (expiry, strikes quoted), strikes accumulating until expiry; monthly flags."""
    listed: dict[date, set[int]] = {}
    monthly: dict[date, bool] = {}
    per_day = []
    for day, open_price in zip(config.trading_days, opens, strict=True):
        horizon = min(day + timedelta(days=_EXPIRY_HORIZON_DAYS), CALENDAR_END)
        alive = expiries(config.underlying, day, horizon)
        if len(alive) < config.expiries:
            raise ConfigError(
                "expiries", f"only {len(alive)} expiries are known from {day} to {horizon}"
            )
        today = []
        for expiry in alive[: config.expiries]:
            step = contract_spec(config.underlying, expiry.day).strike_step
            atm = round(open_price / step) * step
            wing = config.strikes_each_side * step
            strikes = listed.setdefault(expiry.day, set())
            strikes.update(range(max(atm - wing, step), atm + wing + 1, step))
            monthly[expiry.day] = expiry.monthly
            today.append((expiry.day, tuple(sorted(strikes))))
        per_day.append(today)
    return per_day, monthly


def quote_day(
    config: SyntheticMarketConfig,
    rng: np.random.Generator,
    ts: NDArray[np.uint64],
    spot: FloatArray,
    atm_vol: FloatArray,
    expiry: date,
    strikes: FloatArray,
    lot_size: int,
) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray]:
    """Bid, ask and sizes of shape (2, steps, strikes), calls first, then puts (steps 2 and 3)."""
    t = ((expiry_ns(expiry) - ts.astype(np.int64)) / NS_PER_YEAR)[:, None]
    forward = (spot * np.exp(config.rate * t[:, 0]))[:, None]
    term = np.clip(t, _MIN_TERM_YEARS, 1.0) / _TERM_REFERENCE_YEARS
    atm = atm_vol[:, None] * (1.0 + config.term_slope * np.log(term))
    z = np.clip(np.log(strikes[None, :] / forward) / (atm * np.sqrt(t)), -_Z_LIMIT, _Z_LIMIT)
    vol = atm * np.maximum(1.0 + config.skew * z + config.smile * z * z, 0.3)
    discount = np.exp(-config.rate * t)
    calls = np.asarray(black76_price(forward, strikes, t, vol, config.rate, True))
    calls = arbitrage_free_calls(strikes, calls, discount)
    puts = calls - discount * (forward - strikes[None, :])  # put-call parity
    theo = np.stack([calls, np.maximum(puts, 0.0)])
    width = (config.spread_base + config.spread_fraction * theo) * (
        (1.0 + config.wing_widening * np.abs(z)) * (1.0 + config.expiry_widening * np.exp(-t * 365))
    )
    bid_ticks = np.maximum(np.floor((theo - width / 2) / TICK + 1e-9), 1.0)
    ask_ticks = np.maximum(np.ceil((theo + width / 2) / TICK - 1e-9), bid_ticks + 1.0)
    sizes = rng.integers(1, config.max_quote_lots + 1, size=(2, *theo.shape)) * lot_size
    return (
        np.round(bid_ticks * TICK, 2),
        np.round(ask_ticks * TICK, 2),
        sizes[0].astype(np.float64),
        sizes[1].astype(np.float64),
    )


def arbitrage_free_calls(
    strikes: FloatArray, calls: FloatArray, discount: FloatArray
) -> FloatArray:
    """The greatest arbitrage-free call prices below each row of ``calls`` (step 3).

    Static arbitrage in strike is ruled out by three laws: call prices fall with strike
    (no call spread for a credit), by less than ``discount`` per point (no put spread for
    a credit) and are convex (no butterfly for a credit). A steep smile, or its clip at
    ``|z| = 4``, can break them. Each row is lowered to the greatest prices below it that
    obey all three: first the two slope bounds (running minima), then the lower convex hull,
    which keeps both bounds. A row that already obeys them is unchanged; the result stays
    above the discounted intrinsic value, which obeys them too.

    Parameters
    ----------
    strikes : ndarray, shape (n,)
        Increasing strikes.
    calls : ndarray, shape (steps, n)
        Call prices, one row per quote time.
    discount : ndarray, shape (steps, 1)
        ``exp(-r T)`` of each row.
    """
    # Put monotonicity: C_i <= C_j + D (K_j - K_i) for every j > i.
    lowered = np.minimum.accumulate((calls + discount * strikes)[:, ::-1], axis=1)[:, ::-1]
    lowered = np.minimum(calls, lowered - discount * strikes)
    # Call monotonicity: C_i <= C_j for every j < i.
    lowered = np.minimum.accumulate(lowered, axis=1)
    return _convex_minorant(strikes, lowered)


def _convex_minorant(strikes: FloatArray, prices: FloatArray) -> FloatArray:
    """Each row of ``prices`` replaced by its lower convex hull over ``strikes``."""
    out = prices.copy()
    gaps = np.diff(strikes)
    slopes = np.diff(prices, axis=-1) / gaps
    bad = np.flatnonzero((np.diff(slopes, axis=-1) < -1e-12).any(axis=-1))
    for row in bad:
        hull = [0]
        for n in range(1, strikes.size):
            while len(hull) >= 2:
                a, b = hull[-2], hull[-1]
                # Drop b if it lies above the chord from a to n.
                cross = (prices[row, b] - prices[row, a]) * (strikes[n] - strikes[a]) - (
                    prices[row, n] - prices[row, a]
                ) * (strikes[b] - strikes[a])
                if cross < 0:
                    break
                hull.pop()
            hull.append(n)
        out[row] = np.interp(strikes, strikes[hull], prices[row, hull])
    return out
