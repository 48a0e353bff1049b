"""Select an option-chain window from a catalog as ``BacktestDataConfig`` entries.

:func:`select_chain` picks, for one underlying and date range, the nearest expiries and the
strikes around the money (around a reference spot, given or read from the index data in the
catalog). :func:`select_band` picks what a run can touch over the whole range: the expiries
a strategy could enter, each with the strikes within a reach of the index's range while that
expiry could be entered or held (the **strike band**). :func:`chain_data_configs` turns
either selection into ``BacktestDataConfig`` objects for a ``BacktestRunConfig``: the
options' quotes (or bars) plus the index on NSE and its NFO settlement mirror, so that a
``BacktestNode`` loads exactly those instruments.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

import numpy as np
from nautilus_trader.config import BacktestDataConfig
from nautilus_trader.model.data import Bar, QuoteTick, TradeTick
from nautilus_trader.model.instruments import Instrument, OptionContract
from nautilus_trader.persistence.catalog.parquet import ParquetDataCatalog
from nautilus_trader.persistence.funcs import urisafe_identifier
from numpy.typing import NDArray

from nautilus_options.compat.parquet import data_folder, folder_name
from nautilus_options.data.band import Reach, expiry_windows, strikes_in_band
from nautilus_options.domain.nse import parse_tradingsymbol
from nautilus_options.domain.time import NS_PER_DAY, ist_date, parse_bound
from nautilus_options.errors import ConfigError, DataError


@dataclass(frozen=True)
class ChainWindow:
    """An option-chain window selected from a catalog.

    Attributes
    ----------
    underlying : str
        The index, e.g. ``"NIFTY"``.
    start_ns, end_ns : int
        The backtest range, UNIX nanoseconds (inclusive).
    spot : float
        The reference spot the strikes are centred on.
    expiries : tuple of date
        The selected expiry days, nearest first.
    option_ids : tuple of str
        Selected option instrument ids, sorted.
    index_ids : tuple of str
        The index and its settlement mirror: ``("<U>.NSE", "<U>.NFO")``.
    """

    underlying: str
    start_ns: int
    end_ns: int
    spot: float
    expiries: tuple[date, ...]
    option_ids: tuple[str, ...]
    index_ids: tuple[str, ...]


def _expiry_day(option: OptionContract) -> date:
    return ist_date(option.expiration_ns)


def select_chain(
    catalog_path: str | Path,
    underlying: str,
    start: date | datetime | str | int,
    end: date | datetime | str | int,
    *,
    expiries: int | Sequence[date] = 1,
    strikes_each_side: int = 10,
    spot: float | None = None,
) -> ChainWindow:
    """Select the options of ``underlying`` to backtest from ``start`` to ``end``.

    Parameters
    ----------
    catalog_path : str or Path
        A ParquetDataCatalog holding the option contracts (and index data when ``spot`` is
        not given).
    underlying : str
        The index, e.g. ``"NIFTY"``.
    start, end : date, datetime, str or int
        The range, by the rule of :func:`nautilus_options.domain.time.parse_bound`: a bare
        date is a whole IST day, a timestamp with a zone that instant, a timestamp without
        one IST wall-clock time, an int UNIX nanoseconds.
    expiries : int or sequence of date, default 1
        The number of nearest expiries on or after ``start``, or the expiry days themselves.
    strikes_each_side : int, default 10
        Listed strikes kept below and above the at-the-money strike of each expiry.
    spot : float, optional
        Reference spot; by default the first index price at or after ``start`` in the
        catalog (trade ticks, else bars, of ``<underlying>.NSE``).

    Raises
    ------
    ConfigError
        Naming the parameter that selects nothing or cannot be resolved.
    """
    start_ns, end_ns = parse_bound(start, "start"), parse_bound(end, "end", end=True)
    if end_ns < start_ns:
        raise ConfigError("end", "is before start")
    if strikes_each_side < 0:
        raise ConfigError("strikes_each_side", "must be >= 0")
    catalog = ParquetDataCatalog(str(catalog_path))

    def enough(options: list[OptionContract]) -> bool:
        days = {_expiry_day(o) for o in options}
        if isinstance(expiries, int):
            return len(days) >= expiries
        return bool(expiries) and max(days) >= max(expiries)

    options = _live_options(catalog, underlying, start_ns, end_ns, enough)
    chosen = _expiries(options, expiries)
    reference = spot if spot is not None else _first_index_price(catalog, underlying, start_ns)
    selected: list[str] = []
    for day in chosen:
        listed = [o for o in options if _expiry_day(o) == day]
        strikes = sorted({o.strike_price.as_decimal() for o in listed})
        atm = min(range(len(strikes)), key=lambda n: abs(float(strikes[n]) - reference))
        window = set(strikes[max(atm - strikes_each_side, 0) : atm + strikes_each_side + 1])
        selected += [o.id.value for o in listed if o.strike_price.as_decimal() in window]
    return ChainWindow(
        underlying=underlying,
        start_ns=start_ns,
        end_ns=end_ns,
        spot=float(reference),
        expiries=tuple(chosen),
        option_ids=tuple(sorted(selected)),
        index_ids=(f"{underlying}.NSE", f"{underlying}.NFO"),
    )


def select_band(
    catalog_path: str | Path,
    underlying: str,
    start: date | datetime | str | int,
    end: date | datetime | str | int,
    *,
    reach: Reach,
    monthly_only: bool = False,
    min_days_to_expiry: float = 0.0,
) -> ChainWindow:
    """Select the options of ``underlying`` a strategy can touch from ``start`` to ``end``.

    An expiry is kept when a strategy that enters the nearest expiry (the nearest monthly
    with ``monthly_only``) with at least ``min_days_to_expiry`` days left could enter it in
    the range; its strikes are those within ``reach`` of the index's low and high from the
    first moment it could be entered to its expiry (or the end), plus the next listed strike
    on each side (see :mod:`nautilus_options.data.band`).

    Parameters
    ----------
    catalog_path : str or Path
        A ParquetDataCatalog with the option contracts and the index's trades or LAST bars.
    underlying : str
        The index, e.g. ``"NIFTY"``.
    start, end : date, datetime, str or int
        The range (see :func:`select_chain`).
    reach : callable
        ``reach(index_level, years_to_expiry)``: the farthest, in index points, a leg can be
        from the index level.
    monthly_only : bool, default False
        Only monthly expiries can be entered.
    min_days_to_expiry : float, default 0
        Entries need at least this many calendar days left to expiry.

    Raises
    ------
    ConfigError
        Naming ``underlying`` when no option is live in the range, ``start`` when no expiry
        can be entered in it.
    """
    start_ns, end_ns = parse_bound(start, "start"), parse_bound(end, "end", end=True)
    catalog = ParquetDataCatalog(str(catalog_path))
    min_ns = int(min_days_to_expiry * NS_PER_DAY)

    def eligible(option: OptionContract) -> bool:
        return not monthly_only or parse_tradingsymbol(option.id.symbol.value).monthly

    def enough(options: list[OptionContract]) -> bool:
        # An expiry after E opens no earlier than E - min_days: past the end, none can be
        # entered (see ``expiry_windows``), so later expiries cannot change the band.
        return any(eligible(o) and o.expiration_ns - min_ns >= end_ns for o in options)

    options = _live_options(catalog, underlying, start_ns, end_ns, enough)
    expiry_ns = sorted({o.expiration_ns for o in options if eligible(o)})
    windows = expiry_windows(expiry_ns, start_ns, end_ns, min_days_to_expiry)
    if not windows:
        raise ConfigError("start", f"no {underlying} expiry can be entered in the range")
    times, prices = _index_path(catalog, underlying, start_ns, end_ns)
    selected: list[str] = []
    for window in windows:
        listed = [o for o in options if o.expiration_ns == window.expiry_ns]
        strikes = sorted({float(o.strike_price.as_double()) for o in listed})
        keep = strikes_in_band(strikes, times, prices, window, reach)
        selected += [o.id.value for o in listed if float(o.strike_price.as_double()) in keep]
    return ChainWindow(
        underlying=underlying,
        start_ns=start_ns,
        end_ns=end_ns,
        spot=float(prices[0]) if len(prices) else 0.0,
        expiries=tuple(ist_date(w.expiry_ns) for w in windows),
        option_ids=tuple(sorted(selected)),
        index_ids=(f"{underlying}.NSE", f"{underlying}.NFO"),
    )


def _live_options(
    catalog: ParquetDataCatalog,
    underlying: str,
    start_ns: int,
    end_ns: int,
    enough: Callable[[list[OptionContract]], bool] | None = None,
) -> list[OptionContract]:
    """The options of ``underlying`` live in the range, read expiry by expiry.

    A year-long catalog lists thousands of options; reading every definition takes seconds
    and (in Arrow's pool) about 100 kB per file, kept for the life of the process. The
    folder names are Kite tradingsymbols, which carry the expiry day, so only the options
    expiring on or after the start are read, one expiry day at a time (nearest first),
    until ``enough(live options so far)`` says later expiries cannot matter. Folders whose
    name is not a tradingsymbol of ``underlying``'s options are read with the first expiry.
    """
    by_day: dict[date, list[str]] = {}
    unknown: list[str] = []
    first_day = ist_date(start_ns) - timedelta(days=1)
    for identifier in _instrument_folders(catalog, OptionContract):
        day = _symbol_expiry(identifier, underlying)
        if day is None:
            unknown.append(identifier)
        elif day >= first_day:
            by_day.setdefault(day, []).append(identifier)
    options: list[OptionContract] = []
    for number, day in enumerate(sorted(by_day)):
        ids = by_day[day] + (unknown if number == 0 else [])
        options += [
            i
            for i in read_instruments(catalog.path, ids, OptionContract)
            if isinstance(i, OptionContract)
            and i.underlying == underlying
            and i.expiration_ns >= start_ns
            and i.activation_ns <= end_ns
        ]
        if enough is not None and options and enough(options):
            break
    if not by_day and unknown:
        options = [
            i
            for i in read_instruments(catalog.path, unknown, OptionContract)
            if isinstance(i, OptionContract)
            and i.underlying == underlying
            and i.expiration_ns >= start_ns
            and i.activation_ns <= end_ns
        ]
    if not options:
        raise ConfigError("underlying", f"no {underlying} options live in the range in the catalog")
    return options


def _instrument_folders(catalog: ParquetDataCatalog, cls: type) -> list[str]:
    """The (uri-safe) identifiers with ``cls`` definitions in ``catalog``."""
    root = Path(catalog.path) / "data" / folder_name(cls)
    return sorted(p.name for p in root.iterdir() if p.is_dir()) if root.is_dir() else []


def _symbol_expiry(identifier: str, underlying: str) -> date | None:
    """The expiry day in an option's tradingsymbol ``<symbol>.<venue>``, if it is one."""
    try:
        symbol = parse_tradingsymbol(identifier.rpartition(".")[0])
    except DataError:
        return None
    return symbol.expiry if symbol.underlying == underlying else None


def read_instruments(
    catalog_path: str | Path, instrument_ids: Sequence[str], cls: type | None = None
) -> list[Instrument]:
    """The definitions of ``instrument_ids`` in a local catalog, read from their own files.

    ``ParquetDataCatalog.instruments(instrument_ids=...)`` searches every definition file of
    the catalog and matches each against every id (seconds for a year-long chain); this
    reads the folders of the ids directly, and returns them in the order of the ids.
    ``cls`` narrows the instrument classes looked in; ids with no definition are skipped.
    """
    root = Path(catalog_path) / "data"
    classes = [cls] if cls is not None else Instrument.__subclasses__()
    catalog = ParquetDataCatalog(str(catalog_path))
    found: list[Instrument] = []
    for kind in classes:
        if not (root / folder_name(kind)).is_dir():
            continue
        files = [
            str(path)
            for identifier in instrument_ids
            for path in sorted((root.parent / data_folder(kind, identifier)).glob("*.parquet"))
        ]
        if files:
            found += [i for i in catalog.query(kind, files=files) if isinstance(i, Instrument)]
    order = {urisafe_identifier(identifier): n for n, identifier in enumerate(instrument_ids)}
    return sorted(found, key=lambda i: order.get(urisafe_identifier(i.id.value), len(order)))


def _index_path(
    catalog: ParquetDataCatalog, underlying: str, start_ns: int, end_ns: int
) -> tuple[NDArray[np.int64], NDArray[np.float64]]:
    """Times and prices of the index (trades, else LAST bar closes) over the range."""
    index_id = f"{underlying}.NSE"
    points: list[tuple[int, float]] = []
    if _has(catalog, TradeTick, index_id):
        trades = catalog.trade_ticks(instrument_ids=[index_id], start=start_ns, end=end_ns)
        points = [(t.ts_init, t.price.as_double()) for t in trades]
    for bar_type in [] if points else _bar_types(catalog, index_id)[:1]:
        bars = catalog.bars(bar_types=[bar_type], start=start_ns, end=end_ns)
        points = [(b.ts_init, b.close.as_double()) for b in bars]
    times = np.fromiter((ts for ts, _ in points), dtype=np.int64, count=len(points))
    prices = np.fromiter((px for _, px in points), dtype=np.float64, count=len(points))
    return times, prices


def _expiries(options: list[OptionContract], expiries: int | Sequence[date]) -> list[date]:
    available = sorted({_expiry_day(o) for o in options})
    if isinstance(expiries, int):
        if expiries < 1:
            raise ConfigError("expiries", "must be >= 1")
        return available[:expiries]
    missing = [day for day in expiries if day not in available]
    if missing or not expiries:
        listed = ", ".join(map(str, available))
        raise ConfigError("expiries", f"{missing or 'none'} not in the catalog (listed: {listed})")
    return sorted(expiries)


def _bar_types(catalog: ParquetDataCatalog, instrument_id: str) -> list[str]:
    """LAST bar types of ``instrument_id`` stored in the catalog."""
    root = Path(catalog.path) / "data" / folder_name(Bar)
    prefix = f"{instrument_id}-"
    if not root.is_dir():
        return []
    return sorted(
        p.name for p in root.iterdir() if p.name.startswith(prefix) and "-LAST-" in p.name
    )


def _has(catalog: ParquetDataCatalog, cls: type, instrument_id: str) -> bool:
    return (Path(catalog.path) / data_folder(cls, instrument_id)).is_dir()


def _first_index_price(catalog: ParquetDataCatalog, underlying: str, start_ns: int) -> float:
    index_id = f"{underlying}.NSE"
    until = start_ns + 5 * NS_PER_DAY
    if _has(catalog, TradeTick, index_id):
        trades = catalog.trade_ticks(instrument_ids=[index_id], start=start_ns, end=until)
        if trades:
            return float(trades[0].price.as_double())
    for bar_type in _bar_types(catalog, index_id):
        bars = catalog.bars(bar_types=[bar_type], start=start_ns, end=until)
        if bars:
            return float(bars[0].close.as_double())
    raise ConfigError("spot", f"no {index_id} prices within 5 days of start; pass spot=")


def chain_data_configs(catalog_path: str | Path, window: ChainWindow) -> list[BacktestDataConfig]:
    """``BacktestDataConfig`` entries loading exactly ``window``'s instruments.

    Options load quote ticks when the catalog has them, else their LAST bars; the index and
    its NFO settlement mirror load trade ticks, else LAST bars.
    """
    catalog = ParquetDataCatalog(str(catalog_path))
    quoted = [i for i in window.option_ids if _has(catalog, QuoteTick, i)]
    traded = [i for i in window.index_ids if _has(catalog, TradeTick, i)]
    bar_types = [
        bar_type
        for instrument_id in (*window.option_ids, *window.index_ids)
        if instrument_id not in quoted and instrument_id not in traded
        for bar_type in _bar_types(catalog, instrument_id)
    ]
    configs = []
    for data_cls, ids in ((QuoteTick, quoted), (TradeTick, traded)):
        if ids:
            configs.append(_config(catalog_path, window, data_cls, instrument_ids=ids))
    if bar_types:
        configs.append(_config(catalog_path, window, Bar, bar_types=bar_types))
    covered = set(quoted) | set(traded) | {b.split("-")[0] for b in bar_types}
    if missing := sorted(set(window.option_ids + window.index_ids) - covered):
        raise ConfigError("window", f"no quotes, trades or bars in the catalog for {missing}")
    return configs


def _config(
    catalog_path: str | Path,
    window: ChainWindow,
    data_cls: type,
    *,
    instrument_ids: list[str] | None = None,
    bar_types: list[str] | None = None,
) -> BacktestDataConfig:
    return BacktestDataConfig(
        catalog_path=str(catalog_path),
        # A class, not its "module:Class" path: with the string, 1.231's
        # ``BacktestDataConfig.query`` ignores ``bar_types`` and loads every bar.
        data_cls=data_cls,  # type: ignore[arg-type]
        instrument_ids=instrument_ids,
        bar_types=bar_types,
        start_time=window.start_ns,
        end_time=window.end_ns,
    )
