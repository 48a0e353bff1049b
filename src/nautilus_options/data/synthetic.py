"""Deterministic synthetic NSE index-option market written to a ParquetDataCatalog.

:func:`generate_market` simulates the market of a :class:`SyntheticMarketConfig` with
:mod:`nautilus_options.data.market_model` (index path with intraday seasonality, stochastic
volatility, jumps and overnight gaps; a volatility surface with skew, smile and term
structure; Black-76 quotes on the tick grid around the money for the nearest expiries) and
writes the instruments, option quotes and index prints (on ``NSE`` and on the ``NFO``
settlement mirror) into a new catalog. :func:`default_catalog` caches the embedded default
market under the user cache directory.

The catalog is written into ``.<name>.partial-<pid>`` beside the target and renamed into
place in one atomic step, under the catalog's writer lock
(:mod:`nautilus_options.data.lock`); the next writer removes the partial folders of killed
runs.

Everything is drawn from one ``numpy`` generator seeded by ``seed``: the same
configuration always writes the same data.
"""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field, replace
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from nautilus_options.common.progress import Progress, progress_bar
from nautilus_options.data import market_model
from nautilus_options.data.instruments import NFO, NSE, index_instrument, option_contract
from nautilus_options.data.journal import STAGING_SUFFIXES, catalog_writer
from nautilus_options.data.lock import sibling
from nautilus_options.data.market_config import (
    DEFAULT_SPOT as DEFAULT_SPOT,
)
from nautilus_options.data.market_config import (
    GENERATOR_VERSION as GENERATOR_VERSION,
)
from nautilus_options.data.market_config import (
    SyntheticMarketConfig as SyntheticMarketConfig,
)
from nautilus_options.domain.nse import OptionSymbol, contract_spec, expiry_ns
from nautilus_options.errors import ConfigError


@dataclass(frozen=True)
class SyntheticMarketSummary:
    """What :func:`generate_market` wrote (``notices``: what it repaired first)."""

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
    notices: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (paths and dates as strings)."""
        values = asdict(self)
        values["catalog_path"] = str(self.catalog_path)
        values["start"] = self.start.isoformat()
        values["end"] = self.end.isoformat()
        values["expiries"] = [day.isoformat() for day in self.expiries]
        values["notices"] = list(self.notices)
        return values


@dataclass
class _Quotes:
    ts: list[NDArray[np.uint64]] = field(default_factory=list)
    bid: list[market_model.FloatArray] = field(default_factory=list)
    ask: list[market_model.FloatArray] = field(default_factory=list)
    bid_size: list[market_model.FloatArray] = field(default_factory=list)
    ask_size: list[market_model.FloatArray] = field(default_factory=list)


def _is_empty_dir(path: Path) -> bool:
    return path.is_dir() and not any(path.iterdir())


@contextmanager
def _atomic_directory(target: Path) -> Iterator[Path]:
    """Yield a partial sibling of ``target`` that replaces ``target`` on success."""
    if target.exists() and not _is_empty_dir(target):
        raise ConfigError("catalog_path", f"{target} already exists and is not empty")
    staging = sibling(target, f"{STAGING_SUFFIXES[1]}{os.getpid()}")
    try:
        yield staging
        os.replace(staging, target)  # atomic; replaces an empty directory
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def generate_market(
    config: SyntheticMarketConfig,
    catalog_path: Path,
    progress: Progress | bool = False,
    *,
    wait: bool = False,
) -> SyntheticMarketSummary:
    """Generate the synthetic market of ``config`` into a new catalog at ``catalog_path``.

    The catalog is built in a partial sibling directory and renamed into place, so an
    interrupted run leaves no partial catalog behind. The run holds the catalog's writer
    lock; what it repaired first is listed in :attr:`SyntheticMarketSummary.notices`.

    Raises
    ------
    ConfigError
        If ``catalog_path`` is a file, exists and is not empty, or its folder is not
        writable, or the calendar cannot serve the range.
    CatalogLockedError
        If another process is writing the catalog and ``wait`` is false.
    """
    catalog_path = Path(catalog_path)
    with catalog_writer(catalog_path, wait=wait) as notices:
        summary = _generate(config, catalog_path, progress)
    return replace(summary, notices=tuple(notices))


def _generate(
    config: SyntheticMarketConfig, catalog_path: Path, progress: Progress | bool
) -> SyntheticMarketSummary:
    from nautilus_trader.model.data import QuoteTick, TradeTick
    from nautilus_trader.model.identifiers import InstrumentId
    from nautilus_trader.persistence.catalog.parquet import ParquetDataCatalog

    started = time.perf_counter()
    rng = np.random.default_rng(config.seed)
    bar = progress_bar(progress) if isinstance(progress, bool) else progress
    with bar, _atomic_directory(catalog_path) as staging:
        bar.stage("simulating the market", total=len(config.trading_days), unit="days")
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
            bar.advance()

        bar.stage("writing the catalog", total=len(quotes) + 2, unit="series")
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
            bar.advance()
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
            bar.advance()

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


def default_catalog(
    progress: Progress | bool = False, config: SyntheticMarketConfig | None = None
) -> Path:
    """Path of the synthetic catalog of ``config`` (default: the embedded market).

    Generated once into ``cache_root()/synthetic/v<GENERATOR_VERSION>-<config key>`` and
    reused afterwards; a new generator version or configuration gets a new directory.
    Concurrent callers queue on the catalog's writer lock: one generates, the others reuse.
    """
    config = config or SyntheticMarketConfig()
    target = cache_root() / "synthetic" / f"v{GENERATOR_VERSION}-{config.key()}"
    if target.is_dir() and any(target.iterdir()):
        return target
    with catalog_writer(target, wait=True):
        if not (target.is_dir() and any(target.iterdir())):
            _generate(config, target, progress)
    return target
