"""Read input files into arrow tables of text columns (CSV, gzipped CSV, parquet, Kite JSON).

Types are not checked here: :mod:`nautilus_options.data.checks` reads every column per row.
"""

from __future__ import annotations

import csv
import gzip
import json
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.csv as pv
import pyarrow.parquet as pq

from nautilus_options.data.schemas import FileSchema
from nautilus_options.errors import DataError


def file_stem(path: Path) -> str:
    """The file name without its data suffix (``.csv.gz``, ``.csv``, ``.json``, ``.parquet``)."""
    name = path.name
    for suffix in (".csv.gz", ".csv", ".json", ".parquet"):
        if name.endswith(suffix):
            return name[: -len(suffix)]
    return path.stem


def read_table(path: Path, schema: FileSchema) -> tuple[pa.Table, list[int]]:
    """The file as a table, and the data-row numbers of malformed CSV rows left out of it."""
    name = path.name.lower()
    if not path.is_file():
        raise DataError("no such file", file=str(path))
    try:
        if name.endswith(".parquet"):
            return pq.read_table(path), []
        if name.endswith(".json") and schema.name == "kite-candles":
            return _read_candles_json(path), []
        if name.endswith((".csv", ".csv.gz")):
            return _read_csv(path)
    except (pa.ArrowInvalid, OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise DataError(f"cannot read file: {exc}", file=str(path)) from exc
    kinds = ".csv, .csv.gz, .parquet" + (", .json" if schema.name == "kite-candles" else "")
    raise DataError(f"unsupported file type (expected {kinds})", file=str(path))


def _read_csv(path: Path) -> tuple[pa.Table, list[int]]:
    """Read a CSV file with every column as text (types are checked per row later).

    Rows with the wrong number of fields are left out; their data-row numbers are returned
    (the threaded reader does not know them, so a file with such rows is read again).
    """
    opener = gzip.open if path.name.lower().endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8-sig", newline="") as stream:
        header = next(csv.reader(stream), [])
    names = [name.strip() for name in header]

    def read(threads: bool) -> tuple[pa.Table, list[int]]:
        malformed: list[int] = []

        def skip(row: Any) -> str:
            malformed.append(-1 if row.number is None else row.number - 1)  # header excluded
            return "skip"

        table = pv.read_csv(
            path,
            read_options=pv.ReadOptions(column_names=names, skip_rows=1, use_threads=threads),
            parse_options=pv.ParseOptions(invalid_row_handler=skip),
            convert_options=pv.ConvertOptions(
                column_types=dict.fromkeys(names, pa.string()),
                null_values=[""],
                strings_can_be_null=True,
                quoted_strings_can_be_null=True,
            ),
        )
        return table, malformed

    table, malformed = read(threads=True)
    return read(threads=False) if malformed else (table, malformed)


def _read_candles_json(path: Path) -> pa.Table:
    """Read a Kite historical response: ``{"data": {"candles": [...]}}`` or the bare list."""
    payload = json.loads(path.read_text(encoding="utf-8"))
    if isinstance(payload, dict):
        payload = payload.get("data", payload)
        payload = payload.get("candles") if isinstance(payload, dict) else None
    if not isinstance(payload, list):
        raise DataError("expected a Kite historical response with data.candles", file=str(path))
    width = 7 if any(isinstance(c, list) and len(c) == 7 for c in payload) else 6
    names = ["date", "open", "high", "low", "close", "volume", "oi"][:width]
    for number, candle in enumerate(payload, start=1):
        if not isinstance(candle, list) or len(candle) != width:
            raise DataError(f"candle is not a list of {width} values", file=str(path), row=number)
    columns = [
        pa.array([None if c[i] is None else str(c[i]) for c in payload], pa.string())
        for i in range(width)
    ]
    return pa.table(columns, names=names)
