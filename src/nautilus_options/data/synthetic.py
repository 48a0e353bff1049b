"""Deterministic synthetic NSE index-option market written to a ParquetDataCatalog.

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
   prices with fractional time to expiry, rounded outwards to the 0.05 tick, with a
   bid/ask width that grows with the premium, away from the money and near expiry. The bid
   is never below 0.05 and the ask always above the bid.
4. **Index prints.** Trade ticks of the index on ``NSE`` and on the ``NFO`` settlement
   mirror at every grid time, and the closing price printed at 15:29:59 and again at
   15:30:00 IST. Backtest expiry runs on the first event at 15:30:00 and cash-settles the
   options against the mirror's last price, which is then the close whatever the order of
   same-time events.

Everything is drawn from one ``numpy`` generator seeded by ``seed``: the same
configuration always writes the same data.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field, fields
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal

import numpy as np
from numpy.typing import NDArray

from nautilus_options.data.instruments import NFO, NSE, index_instrument, option_contract
from nautilus_options.domain.nse import (
    CALENDAR_END,
    OptionSymbol,
    contract_spec,
    expiries,
    expiry_ns,
    is_trading_day,
    next_trading_day,
    session_bounds_ns,
    validate_underlying,
)
from nautilus_options.domain.pricing import NS_PER_YEAR, black76_price
from nautilus_options.errors import ConfigError

#: Bumped whenever the generated data changes for the same configuration.
GENERATOR_VERSION = 1

TICK = 0.05
#: Index level at the first open when the configuration gives none.
DEFAULT_SPOT = {"NIFTY": 26_000.0, "BANKNIFTY": 59_000.0}
TRADING_DAYS_PER_YEAR = 252
_NS_PER_MINUTE = 60_000_000_000
_NS_PER_SECOND = 1_000_000_000
#: Calendar days searched for the next ``expiries`` expiries of a trading day.
_EXPIRY_HORIZON_DAYS = 120
_TERM_REFERENCE_YEARS = 7 / 365
_MIN_TERM_YEARS = 1 / (365 * 24)
_Z_LIMIT = 4.0

#: Configuration fields that must be positive, and those that must not be negative.
_POSITIVE = ("days", "strikes_each_side", "expiries", "bar_minutes", "atm_vol", "max_quote_lots")
_NON_NEGATIVE = (
    "vol_of_vol",
    "vol_mean_reversion",
    "realized_vol_ratio",
    "intraday_u_shape",
    "overnight_gap_vol",
    "jumps_per_day",
    "jump_vol",
    "spread_base",
    "spread_fraction",
    "wing_widening",
    "expiry_widening",
)

FloatArray = NDArray[np.float64]
Right = Literal["CE", "PE"]
#: Option rights in the order :func:`_quote_day` prices them.
RIGHTS: tuple[Right, Right] = ("CE", "PE")


@dataclass(frozen=True)
class SyntheticMarketConfig:
    """Parameters of the synthetic market (defaults: a NIFTY-like January 2026).

    Parameters
    ----------
    underlying : str
        ``"NIFTY"`` or ``"BANKNIFTY"``.
    start : date
        First trading day (must be a trading day).
    days : int
        Number of trading days.
    seed : int
        Seed of the random generator.
    strikes_each_side : int
        Strikes listed on each side of the day's opening ATM strike.
    expiries : int
        Nearest expiries quoted each day.
    bar_minutes : int
        Spacing of the quote grid in minutes (1 to 375).
    spot : float, optional
        Index level at the first open (default: ``DEFAULT_SPOT`` of the underlying).
    rate : float
        Continuously compounded rate for forwards and discounting.
    atm_vol : float
        Long-run ATM implied volatility.
    vol_of_vol : float
        Annualised volatility of log ATM implied vol.
    vol_mean_reversion : float
        Mean-reversion speed of log ATM implied vol, per year.
    spot_vol_correlation : float
        Correlation of index returns with ATM implied-vol changes.
    realized_vol_ratio : float
        Realised index vol as a fraction of ATM implied vol (variance risk premium).
    intraday_u_shape : float
        Extra variance at the open and close relative to midday (0 = flat).
    overnight_gap_vol : float
        Standard deviation of the overnight log gap.
    jumps_per_day : float
        Expected number of intraday jumps per day.
    jump_mean, jump_vol : float
        Mean and standard deviation of a jump's log size.
    jump_vol_beta : float
        Change of log ATM vol per unit log jump (negative: down jumps raise vol).
    skew, smile : float
        Linear and quadratic coefficients of the smile in standardised moneyness.
    term_slope : float
        ATM vol changes by ``term_slope * ln(T / 7 days)`` (relative).
    spread_base, spread_fraction : float
        Full bid/ask width before widening: ``spread_base + spread_fraction * premium``.
    wing_widening, expiry_widening : float
        Width multipliers ``1 + wing_widening * |z|`` and ``1 + expiry_widening * exp(-days)``.
    max_quote_lots : int
        Quote sizes are uniform in ``1..max_quote_lots`` lots.
    """

    underlying: str = "NIFTY"
    start: date = date(2026, 1, 5)
    days: int = 20
    seed: int = 7
    strikes_each_side: int = 20
    expiries: int = 2
    bar_minutes: int = 1
    spot: float | None = None
    rate: float = 0.065
    atm_vol: float = 0.12
    vol_of_vol: float = 0.8
    vol_mean_reversion: float = 4.0
    spot_vol_correlation: float = -0.7
    realized_vol_ratio: float = 0.9
    intraday_u_shape: float = 2.0
    overnight_gap_vol: float = 0.004
    jumps_per_day: float = 0.2
    jump_mean: float = -0.001
    jump_vol: float = 0.006
    jump_vol_beta: float = -4.0
    skew: float = -0.10
    smile: float = 0.03
    term_slope: float = -0.02
    spread_base: float = 0.10
    spread_fraction: float = 0.004
    wing_widening: float = 0.15
    expiry_widening: float = 0.5
    max_quote_lots: int = 20
    trading_days: tuple[date, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        validate_underlying(self.underlying)
        for names, holds, rule in (
            (_POSITIVE, lambda value: value > 0, "must be positive"),
            (_NON_NEGATIVE, lambda value: value >= 0, "must not be negative"),
        ):
            for name in names:
                if not holds(getattr(self, name)):
                    raise ConfigError(name, f"{rule}, got {getattr(self, name)}")
        if self.spot is not None and not self.spot > 0:
            raise ConfigError("spot", f"must be positive, got {self.spot}")
        if not -1.0 <= self.spot_vol_correlation <= 1.0:
            raise ConfigError("spot_vol_correlation", "must lie in [-1, 1]")
        if self.bar_minutes > 375:
            raise ConfigError("bar_minutes", "must not exceed the 375-minute session")
        if not is_trading_day(self.start):
            following = next_trading_day(self.start)
            raise ConfigError(
                "start", f"{self.start} is not an NSE trading day (next one: {following})"
            )
        days = [self.start]
        try:
            while len(days) < self.days:
                days.append(next_trading_day(days[-1]))
        except ConfigError as exc:
            raise ConfigError("days", f"{self.days} trading days from {self.start}: {exc}") from exc
        object.__setattr__(self, "trading_days", tuple(days))

    @property
    def initial_spot(self) -> float:
        """The index level at the first open."""
        return self.spot if self.spot is not None else DEFAULT_SPOT[self.underlying]

    def key(self) -> str:
        """A short digest of the configuration and :data:`GENERATOR_VERSION`."""
        values = {f.name: getattr(self, f.name) for f in fields(self) if f.init}
        text = json.dumps([GENERATOR_VERSION, values], sort_keys=True, default=str)
        return hashlib.sha256(text.encode()).hexdigest()[:16]


@dataclass(frozen=True)
class SyntheticMarketSummary:
    """What :func:`generate_market` wrote."""

    catalog_path: Path
    underlying: str
    start: date
    end: date
    trading_days: int
    expiries: tuple[date, ...]
    option_instruments: int
    option_quotes: int
    index_trades: int
    seconds: float

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (paths and dates as strings)."""
        values = asdict(self)
        values["catalog_path"] = str(self.catalog_path)
        values["start"] = self.start.isoformat()
        values["end"] = self.end.isoformat()
        values["expiries"] = [day.isoformat() for day in self.expiries]
        return values


@dataclass
class _IndexPath:
    ts: list[NDArray[np.uint64]]  # per day: grid times, then the two closing prints
    price: list[FloatArray]  # per day, aligned with ts
    atm_vol: list[FloatArray]  # per day, at the grid times


@dataclass
class _Quotes:
    ts: list[NDArray[np.uint64]] = field(default_factory=list)
    bid: list[FloatArray] = field(default_factory=list)
    ask: list[FloatArray] = field(default_factory=list)
    bid_size: list[FloatArray] = field(default_factory=list)
    ask_size: list[FloatArray] = field(default_factory=list)


def _grid(day: date, bar_minutes: int) -> NDArray[np.uint64]:
    open_ns, close_ns = session_bounds_ns(day)
    return np.arange(open_ns, close_ns, bar_minutes * _NS_PER_MINUTE, dtype=np.uint64)


def _simulate_index(config: SyntheticMarketConfig, rng: np.random.Generator) -> _IndexPath:
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
    path = _IndexPath([], [], [])
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
        closing = np.array([close_ns - _NS_PER_SECOND, close_ns], dtype=np.uint64)
        path.ts.append(np.concatenate([_grid(day, config.bar_minutes), closing]))
        path.price.append(np.round(prices, 2))
        path.atm_vol.append(vols)
    return path


def _chain(
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


def _quote_day(
    config: SyntheticMarketConfig,
    rng: np.random.Generator,
    ts: NDArray[np.uint64],
    spot: FloatArray,
    atm_vol: FloatArray,
    expiry: date,
    strikes: FloatArray,
    lot_size: int,
) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray]:
    """Bid, ask and sizes of shape (2, steps, strikes): calls first, then puts."""
    t = ((expiry_ns(expiry) - ts.astype(np.int64)) / NS_PER_YEAR)[:, None]
    forward = (spot * np.exp(config.rate * t[:, 0]))[:, None]
    term = np.clip(t, _MIN_TERM_YEARS, 1.0) / _TERM_REFERENCE_YEARS
    atm = atm_vol[:, None] * (1.0 + config.term_slope * np.log(term))
    z = np.clip(np.log(strikes[None, :] / forward) / (atm * np.sqrt(t)), -_Z_LIMIT, _Z_LIMIT)
    vol = atm * np.maximum(1.0 + config.skew * z + config.smile * z * z, 0.3)
    is_call = np.array([True, False])[:, None, None]
    theo = np.asarray(black76_price(forward, strikes, t, vol, config.rate, is_call))
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


@contextmanager
def _atomic_directory(target: Path) -> Iterator[Path]:
    """Yield a temporary sibling of ``target`` that is renamed to ``target`` on success."""
    if target.exists() and any(target.iterdir()):
        raise ConfigError("catalog_path", f"{target} already exists and is not empty")
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = target.parent / f".{target.name}.partial-{os.getpid()}"
    shutil.rmtree(staging, ignore_errors=True)
    try:
        yield staging
        if target.exists():
            target.rmdir()
        staging.rename(target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def generate_market(
    config: SyntheticMarketConfig, catalog_path: Path, progress: bool = False
) -> SyntheticMarketSummary:
    """Generate the synthetic market of ``config`` into a new catalog at ``catalog_path``.

    The catalog is built in a temporary sibling directory and renamed into place, so an
    interrupted run leaves no partial catalog behind.

    Raises
    ------
    ConfigError
        If ``catalog_path`` exists and is not empty, or the calendar cannot serve the range.
    """
    from nautilus_trader.model.data import QuoteTick, TradeTick
    from nautilus_trader.model.identifiers import InstrumentId
    from nautilus_trader.persistence.catalog.parquet import ParquetDataCatalog
    from rich.console import Console
    from rich.progress import Progress

    started = time.perf_counter()
    rng = np.random.default_rng(config.seed)
    with (
        Progress(console=Console(stderr=True), disable=not progress, transient=True) as bar,
        _atomic_directory(catalog_path) as staging,
    ):
        pricing = bar.add_task("Simulating market", total=len(config.trading_days))
        path = _simulate_index(config, rng)
        chain, monthly = _chain(config, [float(prices[0]) for prices in path.price])
        quotes: dict[tuple[date, int, Right], _Quotes] = {}
        for day_index, today in enumerate(chain):
            ts = path.ts[day_index][:-2]
            spot = path.price[day_index][:-2]
            for expiry, strikes in today:
                alive = ts < np.uint64(expiry_ns(expiry))
                lot = contract_spec(config.underlying, expiry).lot_size
                bid, ask, bid_size, ask_size = _quote_day(
                    config,
                    rng,
                    ts[alive],
                    spot[alive],
                    path.atm_vol[day_index][alive],
                    expiry,
                    np.asarray(strikes, dtype=np.float64),
                    lot,
                )
                for side, right in enumerate(RIGHTS):
                    for column, strike in enumerate(strikes):
                        series = quotes.setdefault((expiry, strike, right), _Quotes())
                        series.ts.append(ts[alive])
                        series.bid.append(bid[side, :, column])
                        series.ask.append(ask[side, :, column])
                        series.bid_size.append(bid_size[side, :, column])
                        series.ask_size.append(ask_size[side, :, column])
            bar.advance(pricing)

        writing = bar.add_task("Writing catalog", total=len(quotes) + 2)
        catalog = ParquetDataCatalog(str(staging))
        options = [
            option_contract(
                OptionSymbol(config.underlying, expiry, Decimal(strike), right, monthly[expiry])
            )
            for expiry, strike, right in sorted(quotes)
        ]
        indices = [index_instrument(config.underlying, venue) for venue in (NSE, NFO)]
        catalog.write_data([*indices, *options])
        index_ts = np.concatenate(path.ts)
        index_px = np.concatenate(path.price)
        for index in indices:
            trades = TradeTick.from_raw_arrays_to_list(
                index.id,
                2,
                0,
                index_px,
                np.ones(len(index_ts)),
                np.zeros(len(index_ts), dtype=np.uint8),
                [str(n) for n in range(len(index_ts))],
                index_ts,
                index_ts,
            )
            catalog.write_data(trades)
            bar.advance(writing)
        option_quotes = 0
        for option, key in zip(options, sorted(quotes), strict=True):
            series = quotes[key]
            ts_all = np.concatenate(series.ts)
            ticks = QuoteTick.from_raw_arrays_to_list(
                InstrumentId.from_str(str(option.id)),
                2,
                0,
                np.concatenate(series.bid),
                np.concatenate(series.ask),
                np.concatenate(series.bid_size),
                np.concatenate(series.ask_size),
                ts_all,
                ts_all,
            )
            catalog.write_data(ticks)
            option_quotes += len(ticks)
            bar.advance(writing)

    return SyntheticMarketSummary(
        catalog_path=catalog_path,
        underlying=config.underlying,
        start=config.trading_days[0],
        end=config.trading_days[-1],
        trading_days=len(config.trading_days),
        expiries=tuple(sorted(monthly)),
        option_instruments=len(options),
        option_quotes=option_quotes,
        index_trades=2 * len(index_ts),
        seconds=time.perf_counter() - started,
    )


def cache_root() -> Path:
    """``$XDG_CACHE_HOME/options-nt`` (``~/.cache/options-nt`` when the variable is unset)."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "options-nt"


def default_catalog(progress: bool = False, config: SyntheticMarketConfig | None = None) -> Path:
    """Path of the synthetic catalog of ``config`` (default: the embedded market).

    Generated once into ``cache_root()/synthetic/v<GENERATOR_VERSION>-<config key>`` and
    reused afterwards; a new generator version or configuration gets a new directory.
    """
    config = config or SyntheticMarketConfig()
    target = cache_root() / "synthetic" / f"v{GENERATOR_VERSION}-{config.key()}"
    if target.is_dir() and any(target.iterdir()):
        return target
    try:
        generate_market(config, target, progress=progress)
    except OSError:
        # Another process won the race and renamed its catalog into place first.
        if not (target.is_dir() and any(target.iterdir())):
            raise
    return target
