"""Deterministic synthetic NSE index-option market written to a ParquetDataCatalog.

:func:`generate_market` simulates the market of a :class:`SyntheticMarketConfig` with
:mod:`nautilus_options.data.market_model` (index path with intraday seasonality, stochastic
volatility, jumps and overnight gaps; a volatility surface with skew, smile and term
structure; Black-76 quotes on the tick grid around the money for the nearest expiries) and
writes the instruments, option quotes and index prints (on ``NSE`` and on the ``NFO``
settlement mirror) into a new catalog, atomically. :func:`default_catalog` caches the
embedded default market under the user cache directory.

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
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from nautilus_options.data import market_model
from nautilus_options.data.instruments import NFO, NSE, index_instrument, option_contract
from nautilus_options.domain.nse import (
    OptionSymbol,
    contract_spec,
    expiry_ns,
    is_trading_day,
    next_trading_day,
    validate_underlying,
)
from nautilus_options.errors import ConfigError

#: Bumped whenever the generated data changes for the same configuration.
GENERATOR_VERSION = 1

#: Index level at the first open when the configuration gives none.
DEFAULT_SPOT = {"NIFTY": 26_000.0, "BANKNIFTY": 59_000.0}
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
class _Quotes:
    ts: list[NDArray[np.uint64]] = field(default_factory=list)
    bid: list[market_model.FloatArray] = field(default_factory=list)
    ask: list[market_model.FloatArray] = field(default_factory=list)
    bid_size: list[market_model.FloatArray] = field(default_factory=list)
    ask_size: list[market_model.FloatArray] = field(default_factory=list)


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
        path = market_model.simulate_index(config, rng)
        chain, monthly = market_model.chain(config, [float(prices[0]) for prices in path.price])
        quotes: dict[tuple[date, int, market_model.Right], _Quotes] = {}
        for day_index, today in enumerate(chain):
            ts = path.ts[day_index][:-2]
            spot = path.price[day_index][:-2]
            for expiry, strikes in today:
                alive = ts < np.uint64(expiry_ns(expiry))
                lot = contract_spec(config.underlying, expiry).lot_size
                bid, ask, bid_size, ask_size = market_model.quote_day(
                    config,
                    rng,
                    ts[alive],
                    spot[alive],
                    path.atm_vol[day_index][alive],
                    expiry,
                    np.asarray(strikes, dtype=np.float64),
                    lot,
                )
                for side, right in enumerate(market_model.RIGHTS):
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
