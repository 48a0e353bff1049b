"""Import validated vendor files into a Nautilus ``ParquetDataCatalog``, all or nothing.

:func:`import_files` loads every file (:func:`nautilus_options.data.loaders.load_file`),
writes instruments and data in Nautilus' own parquet layout into a staging directory beside
the catalog (:mod:`nautilus_options.data.staging`), and moves the staged files into the
catalog only when every file passed, through a journal that the next writer or reader rolls
forward after a crash (:func:`recover`, :mod:`nautilus_options.data.journal`). One writer at
a time: the import holds the catalog's lock (:mod:`nautilus_options.data.lock`).
Existing catalog files are never overwritten: a staged file whose time range overlaps data
already in the catalog for the same instrument is refused, unless it is identical (then the
re-import is a no-op).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from nautilus_trader.model.enums import InstrumentCloseType
from nautilus_trader.model.identifiers import InstrumentId
from nautilus_trader.persistence.catalog.parquet import ParquetDataCatalog

from nautilus_options.common.progress import Progress, progress_bar
from nautilus_options.data.checks import SkippedRows
from nautilus_options.data.journal import catalog_writer
from nautilus_options.data.journal import recover as recover
from nautilus_options.data.loaders import LoadedFile, load_file
from nautilus_options.data.lock import CatalogLockedError as CatalogLockedError
from nautilus_options.data.schemas import Format, schema_for
from nautilus_options.data.staging import StagingWriter, commit, staging_directory
from nautilus_options.errors import DataError


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

    ``notices`` says what the import repaired first: a stale lock taken over, an interrupted
    commit rolled forward or back, staging folders of killed runs removed.
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
    notices: tuple[str, ...] = ()

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
    progress: Progress | bool = False,
    symbol: str | None = None,
    interval: str = "minute",
    underlyings: Sequence[str] | None = None,
    wait: bool = False,
) -> ImportReport:
    """Validate ``paths`` and import them into the catalog at ``catalog_path``.

    The whole import holds the catalog's writer lock (:mod:`nautilus_options.data.lock`)
    and first repairs an interrupted earlier commit (:mod:`nautilus_options.data.journal`);
    both are reported in :attr:`ImportReport.notices`.

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
    progress : Progress or bool, default False
        Where to report progress (``True``: a bar on stderr).
    symbol, interval, underlyings
        Passed to :func:`~nautilus_options.data.loaders.load_file`.
    wait : bool, default False
        Wait for another writer of the catalog to finish instead of failing.

    Raises
    ------
    DataError
        For the first bad file, row or catalog conflict; the catalog is then unchanged.
    ConfigError
        If ``catalog_path`` is a file or its folder is not writable.
    CatalogLockedError
        If another process is writing the catalog and ``wait`` is false.
    """
    schema_for(fmt)
    if symbol is not None and len(paths) != 1:
        raise DataError("a symbol can only be given for a single file")
    catalog = Path(catalog_path)
    bar = progress_bar(progress) if isinstance(progress, bool) else progress
    with (
        bar,
        catalog_writer(catalog, wait=wait) as notices,
        staging_directory(catalog) as staging,
    ):
        writer = StagingWriter(staging)
        loaded: list[LoadedFile] = []
        bar.stage("reading and checking", total=len(paths), unit="files")
        for path in paths:
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
            bar.advance()
        bar.stage("committing")
        added, unchanged = commit(staging, catalog, writer.origin)
    report = _report(catalog, str(fmt), loaded, writer, added, unchanged)
    return dataclasses.replace(report, notices=tuple(notices))


def _report(
    catalog: Path,
    fmt: str,
    loaded: list[LoadedFile],
    writer: StagingWriter,
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
