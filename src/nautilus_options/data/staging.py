"""Staging of an import beside the catalog and its all-or-nothing move into place.

:class:`StagingWriter` writes every loaded file into a staging catalog; :func:`commit`
refuses any conflict with the catalog before moving anything, then moves the new files
through the journal of :mod:`nautilus_options.data.journal` (undone on an error, finished
by the next run after a crash). The caller holds the catalog's writer lock throughout.
"""

from __future__ import annotations

import contextlib
import itertools
import shutil
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path

import pyarrow.parquet as pq
from nautilus_trader.model.data import InstrumentClose
from nautilus_trader.model.identifiers import InstrumentId
from nautilus_trader.persistence.catalog.parquet import ParquetDataCatalog

from nautilus_options.compat.parquet import (
    ROWS_PER_GROUP,
    SERIES_FOLDERS,
    data_folder,
    file_interval,
    file_name,
    folder_name,
)
from nautilus_options.data.encoding import DATA_CLASSES, series_table
from nautilus_options.data.journal import STAGING_SUFFIXES, commit_files
from nautilus_options.data.loaders import LoadedFile
from nautilus_options.errors import DataError


class StagingWriter:
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
        """Stage the series, new instruments and settlement closes of ``loaded``."""
        for series in loaded.series:
            cls = DATA_CLASSES[series.kind]
            identifier = str(series.bar_type or series.instrument.id)
            ts = series.ts_event
            rel = self._path(cls, identifier, int(ts[0]), int(ts[-1]))
            self._claim(rel, loaded.file, series.instrument.id.value, folder_name(cls), ts.size)
            (self.root / rel).parent.mkdir(parents=True, exist_ok=True)
            pq.write_table(series_table(series), self.root / rel, row_group_size=ROWS_PER_GROUP)
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
            self._claim(rel, loaded.file, iid.value, folder_name(InstrumentClose), len(closes))
        if new or loaded.closes:
            self.catalog.write_data([*new, *loaded.closes], skip_disjoint_check=True)

    @staticmethod
    def _path(cls: type, identifier: str, start: int, end: int) -> Path:
        return data_folder(cls, identifier) / file_name(start, end)

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
def staging_directory(catalog: Path) -> Iterator[Path]:
    """A staging directory beside ``catalog`` (same filesystem), always removed at the end."""
    prefix = f".{catalog.name}{STAGING_SUFFIXES[0]}"
    root = Path(tempfile.mkdtemp(prefix=prefix, dir=catalog.parent))
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


def commit(staging: Path, catalog: Path, origin: dict[str, str]) -> tuple[list[str], list[str]]:
    """Move staged files into ``catalog``; refuse conflicts before moving anything."""
    moves: list[str] = []
    unchanged: list[str] = []
    staged_by_dir: dict[Path, list[str]] = {}
    for rel in sorted(origin):
        staged_by_dir.setdefault(Path(rel).parent, []).append(rel)
    for directory, rels in staged_by_dir.items():
        _check_disjoint(directory, rels, origin)
        existing = sorted((catalog / directory).glob("*.parquet"))
        is_definition = directory.parts[1] not in SERIES_FOLDERS
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
    commit_files(staging, catalog, moves)
    return moves, unchanged


def _check_disjoint(directory: Path, rels: list[str], origin: dict[str, str]) -> None:
    """Refuse two staged files of one directory whose time ranges overlap."""
    spans = sorted((file_interval(Path(rel).name), rel) for rel in rels)
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
    start, end = file_interval(staged.name)
    for path in existing:
        other_start, other_end = file_interval(path.name)
        if path.name == staged.name and _same_table(staged, path):
            return "same"
        if start <= other_end and other_start <= end:
            return "conflict"
    return "new"
