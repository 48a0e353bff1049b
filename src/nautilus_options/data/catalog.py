"""Import validated vendor files into a Nautilus ``ParquetDataCatalog``, all or nothing.

:func:`import_files` loads every file (:func:`nautilus_options.data.loaders.load_file`),
writes instruments and data in Nautilus' own parquet layout into a staging directory beside
the catalog, and moves the staged files into the catalog only when every file passed.
Existing catalog files are never overwritten: a staged file whose time range overlaps data
already in the catalog for the same instrument is refused, unless it is identical (then the
re-import is a no-op).
"""

from __future__ import annotations

import contextlib
import itertools
import os
import shutil
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
from nautilus_trader.core import nautilus_pyo3
from nautilus_trader.core.datetime import unix_nanos_to_iso8601
from nautilus_trader.model.data import Bar, InstrumentClose, QuoteTick, TradeTick
from nautilus_trader.model.enums import InstrumentCloseType
from nautilus_trader.model.identifiers import InstrumentId
from nautilus_trader.persistence.catalog.parquet import ParquetDataCatalog
from nautilus_trader.persistence.funcs import class_to_filename, urisafe_identifier
from nautilus_trader.serialization.arrow.serializer import get_schema

from nautilus_options.data.loaders import LoadedFile, Series, load_file
from nautilus_options.data.schemas import Format, SkippedRows, schema_for
from nautilus_options.errors import DataError

_CLASSES: dict[str, type] = {"quotes": QuoteTick, "trades": TradeTick, "bars": Bar}
_ROWS_PER_GROUP = 5000  # ParquetDataCatalog's default ``max_rows_per_group``


@dataclass(frozen=True)
class InstrumentRows:
    """Rows written to the catalog for one instrument and data type."""

    instrument_id: str
    data: str
    rows: int


@dataclass(frozen=True)
class FileSummary:
    """Rows read from one input file."""

    file: str
    rows_read: int
    rows_ignored: int
    rows_skipped: int


@dataclass(frozen=True)
class ImportReport:
    """What :func:`import_files` read, wrote and skipped.

    ``written`` lists rows written per instrument and data type (instrument definitions
    count 1; files already present count 0); ``rows_read_by_instrument`` the input rows naming
    each instrument.

    ``settlement_prices`` maps each option whose expiry-day bhavcopy row was imported to its
    settlement price; pass it (keyed by ``InstrumentId``, see :meth:`venue_settlement_prices`)
    as ``BacktestVenueConfig.settlement_prices``.
    """

    catalog: str
    format: str
    files: tuple[FileSummary, ...]
    written: tuple[InstrumentRows, ...]
    skipped: tuple[SkippedRows, ...]
    files_added: tuple[str, ...]
    files_unchanged: tuple[str, ...]
    rows_read_by_instrument: dict[str, int] = field(default_factory=dict)
    settlement_prices: dict[str, float] = field(default_factory=dict)

    @property
    def rows_read(self) -> int:
        """Data rows read over all files."""
        return sum(f.rows_read for f in self.files)

    @property
    def rows_skipped(self) -> int:
        """Rows dropped under ``skip_bad_rows``."""
        return sum(s.count for s in self.skipped)

    @property
    def rows_written(self) -> int:
        """Rows written over all instruments (the index mirror counts separately)."""
        return sum(w.rows for w in self.written if w.data != "instrument")

    def venue_settlement_prices(self) -> dict[InstrumentId, float]:
        """``settlement_prices`` keyed by ``InstrumentId``, as the backtest venue wants them."""
        return {InstrumentId.from_str(k): v for k, v in self.settlement_prices.items()}

    def to_dict(self) -> dict[str, Any]:
        """A JSON-serialisable form of the report."""
        out = asdict(self)
        out.update(
            rows_read=self.rows_read,
            rows_written=self.rows_written,
            rows_skipped=self.rows_skipped,
        )
        return out


def import_files(
    paths: Sequence[str | Path],
    fmt: Format | str,
    catalog_path: str | Path,
    *,
    skip_bad_rows: bool = False,
    progress: bool = False,
    symbol: str | None = None,
    interval: str = "minute",
    underlyings: Sequence[str] | None = None,
) -> ImportReport:
    """Validate ``paths`` and import them into the catalog at ``catalog_path``.

    Parameters
    ----------
    paths : sequence of str or Path
        Input files, all of format ``fmt``.
    fmt : str
        ``quotes``, ``bars``, ``kite-candles`` or ``bhavcopy`` (see
        :mod:`nautilus_options.data.schemas`).
    catalog_path : str or Path
        The catalog directory (created if missing).
    skip_bad_rows : bool, default False
        Drop and count bad rows instead of failing.
    progress : bool, default False
        Show a progress bar on stderr.
    symbol, interval, underlyings
        Passed to :func:`~nautilus_options.data.loaders.load_file`.

    Raises
    ------
    DataError
        For the first bad file, row or catalog conflict; the catalog is then unchanged.
    """
    schema_for(fmt)
    if symbol is not None and len(paths) != 1:
        raise DataError("a symbol can only be given for a single file")
    catalog = Path(catalog_path)
    catalog.parent.mkdir(parents=True, exist_ok=True)
    with _staging(catalog) as staging, _Progress(progress, len(paths)) as bar:
        writer = _StagingWriter(staging)
        loaded: list[LoadedFile] = []
        for path in paths:
            bar.step(f"reading {Path(path).name}")
            result = load_file(
                path,
                fmt,
                skip_bad_rows=skip_bad_rows,
                symbol=symbol,
                interval=interval,
                underlyings=underlyings,
            )
            writer.write(result)
            loaded.append(result)
        bar.step("committing")
        added, unchanged = _commit(staging, catalog, writer.origin)
        bar.step("done")
    return _report(catalog, str(fmt), loaded, writer, added, unchanged)


def _report(
    catalog: Path,
    fmt: str,
    loaded: list[LoadedFile],
    writer: _StagingWriter,
    added: list[str],
    unchanged: list[str],
) -> ImportReport:
    totals: dict[tuple[str, str], int] = {}
    for rel in added:
        key = writer.contents[rel]
        totals[key[:2]] = totals.get(key[:2], 0) + key[2]
    read: dict[str, int] = {}
    for result in loaded:
        for instrument_id, count in result.rows_by_instrument.items():
            read[instrument_id] = read.get(instrument_id, 0) + count
    settlement = {
        close.instrument_id.value: close.close_price.as_double()
        for result in loaded
        for close in result.closes
        if close.close_type == InstrumentCloseType.CONTRACT_EXPIRED
    }
    return ImportReport(
        catalog=str(catalog),
        format=fmt,
        files=tuple(
            FileSummary(r.file, r.rows_read, r.rows_ignored, sum(s.count for s in r.skipped))
            for r in loaded
        ),
        written=tuple(InstrumentRows(i, d, n) for (i, d), n in sorted(totals.items())),
        skipped=tuple(s for r in loaded for s in r.skipped),
        files_added=tuple(sorted(added)),
        files_unchanged=tuple(sorted(unchanged)),
        rows_read_by_instrument=dict(sorted(read.items())),
        settlement_prices=settlement,
    )


def settlement_prices(
    catalog_path: str | Path,
    instrument_ids: Sequence[str] | None = None,
) -> dict[InstrumentId, float]:
    """Expiry settlement prices stored in a catalog (by a bhavcopy import).

    Returns the ``CONTRACT_EXPIRED`` :class:`InstrumentClose` prices, keyed as
    ``BacktestVenueConfig.settlement_prices`` expects.
    """
    catalog = ParquetDataCatalog(str(catalog_path))
    if "instrument_close" not in catalog.list_data_types():
        return {}
    ids = list(instrument_ids) if instrument_ids is not None else None
    closes = catalog.instrument_closes(instrument_ids=ids)
    return {
        close.instrument_id: close.close_price.as_double()
        for close in closes
        if close.close_type == InstrumentCloseType.CONTRACT_EXPIRED
    }


# -- encoding ---------------------------------------------------------------------------------


def _mul_u128(values: np.ndarray, factor: int) -> tuple[np.ndarray, np.ndarray]:
    """Multiply uint64 ``values`` by ``factor`` (< 2**64) into (low, high) uint64 words."""
    mask = np.uint64(0xFFFFFFFF)
    a_lo, a_hi = values & mask, values >> np.uint64(32)
    b_lo, b_hi = np.uint64(factor & 0xFFFFFFFF), np.uint64(factor >> 32)
    ll, lh, hl, hh = a_lo * b_lo, a_lo * b_hi, a_hi * b_lo, a_hi * b_hi
    cross = (ll >> np.uint64(32)) + (lh & mask) + (hl & mask)
    low = (ll & mask) | ((cross & mask) << np.uint64(32))
    high = hh + (lh >> np.uint64(32)) + (hl >> np.uint64(32)) + (cross >> np.uint64(32))
    return low, high


def fixed_point(units: np.ndarray, precision: int, width: int) -> pa.Array:
    """Encode non-negative integers of ``10**-precision`` as Nautilus raw fixed-point values.

    ``width`` is the byte width of the catalog's fixed-size binary columns: 16 (128-bit
    raw values scaled by ``10**16``) or 8 (64-bit scaled by ``10**9``).
    """
    factor = 10 ** (nautilus_pyo3.FIXED_PRECISION - precision)
    values = np.ascontiguousarray(units, dtype=np.uint64)
    if width == 8:
        raw = (values * np.uint64(factor)).astype("<u8")
    else:
        raw = np.empty((values.size, 2), dtype="<u8")
        raw[:, 0], raw[:, 1] = _mul_u128(values, factor)
    return pa.FixedSizeBinaryArray.from_buffers(
        pa.binary(width), values.size, [None, pa.py_buffer(raw)]
    )


def series_table(series: Series) -> pa.Table:
    """The Nautilus arrow table (schema and metadata as ``write_data`` writes) of a series."""
    cls = _CLASSES[series.kind]
    schema = get_schema(cls)
    instrument = series.instrument
    width = schema.field(0).type.byte_width
    price_fields = {"bid_price", "ask_price", "price", "open", "high", "low", "close"}
    columns: dict[str, pa.Array] = {
        name: fixed_point(
            values,
            instrument.price_precision if name in price_fields else instrument.size_precision,
            width,
        )
        for name, values in series.values.items()
    }
    ts = pa.array(series.ts_event.astype(np.uint64), pa.uint64())
    if series.kind == "trades":
        columns["aggressor_side"] = pa.array(np.zeros(len(ts), dtype=np.uint8))
        columns["trade_id"] = pc.cast(ts, pa.string())
    columns["ts_event"] = ts
    columns["ts_init"] = ts
    metadata = {
        "instrument_id": instrument.id.value,
        "price_precision": str(instrument.price_precision),
        "size_precision": str(instrument.size_precision),
    }
    if series.bar_type is not None:
        metadata["bar_type"] = str(series.bar_type)
    return pa.table([columns[f.name] for f in schema], schema=schema.with_metadata(metadata))


def _file_name(start: int, end: int) -> str:
    def stamp(ns: int) -> str:
        return unix_nanos_to_iso8601(ns).replace(":", "-").replace(".", "-")

    return f"{stamp(start)}_{stamp(end)}.parquet"


def _interval(name: str) -> tuple[str, str]:
    start, _, end = name.removesuffix(".parquet").partition("_")
    return start, end


# -- staging ----------------------------------------------------------------------------------


class _StagingWriter:
    """Writes loaded files into a staging catalog and remembers where each file came from."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.catalog = ParquetDataCatalog(str(root))
        #: staged path (relative) -> input file that produced it
        self.origin: dict[str, str] = {}
        #: staged path (relative) -> (instrument id, data type, rows)
        self.contents: dict[str, tuple[str, str, int]] = {}
        self._instruments: set[InstrumentId] = set()

    def write(self, loaded: LoadedFile) -> None:
        for series in loaded.series:
            cls = _CLASSES[series.kind]
            identifier = str(series.bar_type or series.instrument.id)
            ts = series.ts_event
            rel = self._path(cls, identifier, int(ts[0]), int(ts[-1]))
            self._claim(
                rel, loaded.file, series.instrument.id.value, class_to_filename(cls), ts.size
            )
            (self.root / rel).parent.mkdir(parents=True, exist_ok=True)
            pq.write_table(series_table(series), self.root / rel, row_group_size=_ROWS_PER_GROUP)
        new = [i for i in loaded.instruments if i.id not in self._instruments]
        self._instruments.update(i.id for i in new)
        for instrument in new:
            rel = self._path(
                type(instrument), instrument.id.value, instrument.ts_init, instrument.ts_init
            )
            self._claim(rel, loaded.file, instrument.id.value, "instrument", 1)
        by_instrument: dict[InstrumentId, list[InstrumentClose]] = {}
        for close in loaded.closes:
            by_instrument.setdefault(close.instrument_id, []).append(close)
        for iid, closes in by_instrument.items():
            rel = self._path(InstrumentClose, iid.value, closes[0].ts_init, closes[-1].ts_init)
            self._claim(rel, loaded.file, iid.value, "instrument_close", len(closes))
        if new or loaded.closes:
            self.catalog.write_data([*new, *loaded.closes], skip_disjoint_check=True)

    @staticmethod
    def _path(cls: type, identifier: str, start: int, end: int) -> Path:
        directory = Path("data") / class_to_filename(cls) / urisafe_identifier(identifier)
        return directory / _file_name(start, end)

    def _claim(self, rel: Path, file: str, instrument_id: str, data: str, rows: int) -> None:
        key = str(rel)
        if key in self.origin:
            raise DataError(
                f"{instrument_id} {data} for the same time range also comes from "
                f"{self.origin[key]}",
                file=file,
            )
        self.origin.setdefault(key, file)
        self.contents[key] = (instrument_id, data, rows)


@contextlib.contextmanager
def _staging(catalog: Path) -> Iterator[Path]:
    """A staging directory beside ``catalog`` (same filesystem), always removed at the end."""
    root = Path(tempfile.mkdtemp(prefix=f".{catalog.name}.import-", dir=catalog.parent))
    try:
        yield root
    finally:
        shutil.rmtree(root, ignore_errors=True)


def _same_table(a: Path, b: Path, ignore: Sequence[str] = ()) -> bool:
    left, right = pq.read_table(a), pq.read_table(b)
    if ignore:
        left = left.drop_columns([c for c in ignore if c in left.column_names])
        right = right.drop_columns([c for c in ignore if c in right.column_names])
    return bool(left.equals(right))


def _commit(staging: Path, catalog: Path, origin: dict[str, str]) -> tuple[list[str], list[str]]:
    """Move staged files into ``catalog``; refuse conflicts before moving anything."""
    moves: list[str] = []
    unchanged: list[str] = []
    staged_by_dir: dict[Path, list[str]] = {}
    for rel in sorted(origin):
        staged_by_dir.setdefault(Path(rel).parent, []).append(rel)
    for directory, rels in staged_by_dir.items():
        _check_disjoint(directory, rels, origin)
        existing = sorted((catalog / directory).glob("*.parquet"))
        is_definition = directory.parts[1] not in {
            "quote_tick",
            "trade_tick",
            "bar",
            "instrument_close",
        }
        for rel in rels:
            status = _classify(staging / rel, existing, is_definition)
            if status == "conflict":
                what = "a different definition" if is_definition else "overlapping data"
                raise DataError(
                    f"the catalog already holds {what} in {directory} "
                    f"(existing files are never overwritten; delete them or import disjoint data)",
                    file=origin[rel],
                )
            (unchanged if status == "same" else moves).append(rel)
    _move(staging, catalog, moves)
    return moves, unchanged


def _check_disjoint(directory: Path, rels: list[str], origin: dict[str, str]) -> None:
    """Refuse two staged files of one directory whose time ranges overlap."""
    spans = sorted((_interval(Path(rel).name), rel) for rel in rels)
    for (first, a), (second, b) in itertools.pairwise(spans):
        if second[0] <= first[1]:
            raise DataError(
                f"{directory}: overlaps data from {origin[a]} in the same import",
                file=origin[b],
            )


def _classify(staged: Path, existing: list[Path], is_definition: bool) -> str:
    if is_definition:
        if not existing:
            return "new"
        same = _same_table(staged, existing[0], ignore=("ts_event", "ts_init"))
        return "same" if same else "conflict"
    start, end = _interval(staged.name)
    for path in existing:
        other_start, other_end = _interval(path.name)
        if path.name == staged.name and _same_table(staged, path):
            return "same"
        if start <= other_end and other_start <= end:
            return "conflict"
    return "new"


def _move(staging: Path, catalog: Path, rels: list[str]) -> None:
    """Move files into place (atomic renames on one filesystem); undo all on failure."""
    done: list[Path] = []
    created: list[Path] = []
    try:
        for rel in rels:
            target = catalog / rel
            missing = [p for p in (target.parent, *target.parent.parents) if not p.exists()]
            target.parent.mkdir(parents=True, exist_ok=True)
            created.extend(reversed(missing))
            os.replace(staging / rel, target)
            done.append(target)
    except BaseException:
        for target in reversed(done):
            target.unlink(missing_ok=True)
        for directory in reversed(created):
            with contextlib.suppress(OSError):
                directory.rmdir()
        raise


# -- progress ---------------------------------------------------------------------------------


class _Progress:
    """A transient rich progress bar on stderr over the input files (no-op when disabled)."""

    def __init__(self, enabled: bool, files: int) -> None:
        self._progress: Any = None
        self._task: Any = None
        if enabled:
            from rich.console import Console
            from rich.progress import Progress

            self._progress = Progress(console=Console(stderr=True), transient=True)
            self._task = self._progress.add_task("importing", total=files + 1)
        self._started = False

    def __enter__(self) -> _Progress:
        if self._progress is not None:
            self._progress.start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self._progress is not None:
            self._progress.stop()

    def step(self, description: str) -> None:
        """Finish the previous step and announce the next one."""
        if self._progress is None:
            return
        if self._started:
            self._progress.advance(self._task)
        self._started = True
        self._progress.update(self._task, description=description)
