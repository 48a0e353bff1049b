"""Stream a run's catalog data into a ``BacktestEngine``, window by window, in one run.

A backtest's memory must not grow with its date range, so the data of a run is never loaded
whole. :func:`run_streaming` gives the engine one generator per ``BacktestDataConfig``
(``engine.add_data_iterator``); each generator queries the catalog one time **window**
(``window_days`` days) at a time, and the engine's data iterator merges the streams by
``ts_init`` and asks a generator for its next window only when the current one is used up.
The engine then runs **once**, from start to end, so nothing crosses a window boundary:
timers, the strategy, the capital manager and the portfolio see one uninterrupted run.

The order of the data does not depend on the windows: each window is sorted by ``ts_init``
and then by instrument id (or bar type), and ties between data configs go to the config
listed first (the engine's stream priority), as in the one-shot ``sort_data``. A window ends
on a nanosecond boundary, so the data of one timestamp is never split. (The catalog's own
order for equal timestamps depends on the query: its merge is not stable across query
ranges.)

Why not a single Rust ``DataBackendSession`` read in ``chunk_size`` rows, as Nautilus'
``BacktestRunConfig(chunk_size=...)`` does? The session reads the head of every file of the
query before its first chunk, so its memory is that of the whole range when files are per
instrument (measured: 440 MB before the first of 1.5 million quotes). Nautilus' streaming also
runs the engine once per chunk, firing the timers due at a chunk's last timestamp before the
rest of that timestamp's data in the next chunk.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

import pyarrow as pa
from nautilus_trader.backtest.config import BacktestDataConfig
from nautilus_trader.backtest.engine import BacktestEngine
from nautilus_trader.core.data import Data
from nautilus_trader.core.nautilus_pyo3 import drop_cvec_pycapsule
from nautilus_trader.model.data import Bar, capsule_to_list
from nautilus_trader.model.identifiers import InstrumentId
from nautilus_trader.model.instruments import Instrument
from nautilus_trader.persistence.catalog import ParquetDataCatalog

from nautilus_options.common.progress import Progress
from nautilus_options.compat.parquet import data_folder, file_interval, file_name, folder_name
from nautilus_options.domain.time import NS_PER_DAY, ist_datetime
from nautilus_options.environments.expired import release_expired
from nautilus_options.environments.heap import trim_heap

__all__ = ["DEFAULT_WINDOW_DAYS", "catalog_windows", "run_streaming", "series_files"]

#: Days of data queried at a time (about 40 MB of quotes a day for the synthetic chain).
DEFAULT_WINDOW_DAYS = 2


def _order(item: Data) -> tuple[int, str]:
    """Sort key of the data of a window: time, then instrument (or bar type)."""
    if isinstance(item, Bar):
        return item.ts_init, str(item.bar_type)
    return item.ts_init, item.instrument_id.value


def catalog_windows(
    config: BacktestDataConfig, start: int, end: int, window_days: int
) -> Iterator[list[Data]]:
    """The data of ``config`` from ``start`` to ``end`` (UNIX ns, inclusive), by window.

    Each window is the catalog query ``BacktestNode`` makes for ``config`` narrowed to
    ``window_days`` days, sorted by time and instrument; empty windows are skipped.

    On a local catalog the files of a window are found without searching the catalog: the
    folders of the config's instruments (or bar types; every folder of its class when it
    names none) are listed once, and a window reads only the files whose time span, which
    their names carry (:func:`nautilus_options.compat.parquet.file_interval`), meets it.
    ``ParquetDataCatalog.query`` would search every folder of the class and register every
    file of the config, for each window.
    """
    query = config.query
    first, last = max(start, config.start_time_nanos), min(end, config.end_time_nanos)
    catalog = ParquetDataCatalog(
        path=config.catalog_path,
        fs_protocol=config.catalog_fs_protocol,
        fs_storage_options=config.catalog_fs_storage_options,
        fs_rust_storage_options=config.catalog_fs_rust_storage_options,
    )
    local = catalog.fs_protocol == "file" and query.get("filter_expr") is None
    identifiers = query["identifiers"]
    files = series_files(Path(catalog.path), config.data_type, identifiers) if local else []
    step = window_days * NS_PER_DAY
    low = first
    while low <= last:
        high = min(low + step - 1, last)
        if local:
            data = _read_window(catalog, config.data_type, files, low, high)
        else:
            data = catalog.query(**{**query, "start": low, "end": high})
        if data:
            data.sort(key=_order)
            yield data
        del data
        low = high + 1


def series_files(
    root: Path, cls: type, identifiers: Sequence[str] | None
) -> list[tuple[str, str, str]]:
    """``(first, last, path)`` of the catalog files of ``cls`` for ``identifiers`` (all if none).

    ``first`` and ``last`` are the stamps of the file's name, which sort as times.
    """
    folder = root / "data" / folder_name(cls)
    if identifiers:
        folders = [root / data_folder(cls, identifier) for identifier in identifiers]
    else:
        folders = sorted(p for p in folder.iterdir() if p.is_dir()) if folder.is_dir() else []
    files = []
    for directory in folders:
        if not directory.is_dir():
            continue
        for entry in os.scandir(directory):
            if entry.name.endswith(".parquet"):
                first, last = file_interval(entry.name)
                files.append((first, last, entry.path))
    return files


def _read_window(
    catalog: ParquetDataCatalog,
    cls: type,
    files: Sequence[tuple[str, str, str]],
    low: int,
    high: int,
) -> list[Data]:
    """The rows of ``cls`` from ``low`` to ``high`` (inclusive) in the files that meet them."""
    since, until = file_interval(file_name(low, high))
    chosen = [path for first, last, path in files if first <= until and last >= since]
    if not chosen:
        return []
    session = catalog.backend_session(
        data_cls=cls, start=low, end=high, files=chosen, optimize_file_loading=False
    )
    data: list[Data] = []
    for chunk in session.to_query_result():
        data.extend(capsule_to_list(chunk))
        drop_cvec_pycapsule(chunk)  # capsule_to_list copies; the capsule's vector is leaked
    return data


def run_streaming(
    engine: BacktestEngine,
    data_configs: Sequence[BacktestDataConfig],
    *,
    start: int,
    end: int,
    window_days: int = DEFAULT_WINDOW_DAYS,
    run_config_id: str | None = None,
    listed: Callable[[Sequence[str]], Sequence[Instrument]] | None = None,
    release: bool = True,
    progress: Progress | None = None,
) -> None:
    """Run ``engine`` from ``start`` to ``end`` over ``data_configs``, streamed by window.

    The engine must be built (venues, actors and strategies added) and hold no data. Its
    memory for the data is about one window per data config, whatever the length of the
    run.

    With ``listed`` (ids -> their definitions), an instrument of the data that the engine
    does not hold is read and added when its data first comes up: a window is read before
    the engine plays any of it, and its new instruments are added then. A year of an option
    chain holds thousands of contracts, and reading their definitions at once costs about
    50 kB each of Arrow memory, so reading them all at the start would make the run's
    memory grow with its length.

    With ``release`` (the default), each time a window is read the contracts the run is
    done with are purged from the engine's cache
    (:func:`~nautilus_options.environments.expired.release_expired`): what the engine
    holds is then about that of the contracts live at one time, plus those traded.

    With ``progress``, a stage ``simulating`` shows the simulated time reached, updated as
    each window of the first data config is read.
    """
    known = {i.value for i in engine.cache.instrument_ids()}
    for number, config in enumerate(data_configs):
        name = f"catalog-{number}-{config.data_type.__name__}"
        windows = catalog_windows(config, start, end, window_days)
        if listed is not None or release:
            windows = _managed(engine, windows, listed, known, release)
        if progress is not None and number == 0:
            windows = _reported(engine, windows, progress, start, end)
        engine.add_data_iterator(name, windows)
    engine.run(start=start, end=end, run_config_id=run_config_id)
    engine.clear_data()
    trim_heap()  # before the outputs are built


def _managed(
    engine: BacktestEngine,
    windows: Iterator[list[Data]],
    listed: Callable[[Sequence[str]], Sequence[Instrument]] | None,
    known: set[str],
    release: bool,
) -> Iterator[list[Data]]:
    """``windows``, each read once the expired contracts are released; new ones added.

    The contracts are released, and the C heap trimmed (:func:`.heap.trim_heap`), before
    the next window is read, so that the window is read into the memory they held.
    """
    while True:
        if release:
            release_expired(engine.cache, engine.kernel.clock.timestamp_ns())
            trim_heap()
        data = next(windows, None)
        if data is None:
            return
        ids = {_instrument_id(item).value: None for item in data}
        if listed is not None and (new := [i for i in ids if i not in known]):
            for instrument in listed(new):
                engine.add_instrument(instrument)
            known.update(new)
            pa.default_memory_pool().release_unused()
        yield data
        del data  # the engine holds the window while it plays


def _reported(
    engine: BacktestEngine,
    windows: Iterator[list[Data]],
    progress: Progress,
    start: int,
    end: int,
) -> Iterator[list[Data]]:
    """``windows``, showing on ``progress`` the simulated days as each one is asked for."""
    total = max(end - start, 1) / NS_PER_DAY
    progress.stage("simulating", total=total, unit="days")
    for window in windows:
        now = min(max(engine.kernel.clock.timestamp_ns(), start), end)
        progress.update((now - start) / NS_PER_DAY, detail=f"{ist_datetime(now):%Y-%m-%d} IST")
        yield window
    progress.update(total, detail=f"{ist_datetime(end):%Y-%m-%d} IST")


def _instrument_id(item: Data) -> InstrumentId:
    return item.bar_type.instrument_id if isinstance(item, Bar) else item.instrument_id
