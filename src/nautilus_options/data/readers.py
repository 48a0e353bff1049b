"""Read input files into arrow tables of text columns (CSV, gzipped CSV, parquet, Kite JSON).

Types are not checked here: :mod:`nautilus_options.data.checks` reads every column per row.
"""

from __future__ import annotations

import csv
import gzip
import json
import zlib
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


#: Bytes pyarrow's CSV reader handles at once; no line (row) may be longer.
CSV_BLOCK_SIZE = 1 << 20


def read_table(path: Path, schema: FileSchema) -> tuple[pa.Table, list[int]]:
    """The file as a table, and the data-row numbers of malformed CSV rows left out of it.

    Raises
    ------
    DataError
        Naming the file (and the row where known) for a missing file, a folder, an
        unsupported type, or content that cannot be read (truncated or corrupt
        compression, a line or header field too long, JSON nested too deeply, bad UTF-8).
    """
    name = path.name.lower()
    if path.is_dir():
        raise DataError("is a directory, not a file", file=str(path))
    if not path.is_file():
        raise DataError("no such file", file=str(path))
    try:
        if name.endswith(".parquet"):
            return pq.read_table(path), []
        if name.endswith(".json") and schema.name == "kite-candles":
            return _read_candles_json(path), []
        if name.endswith((".csv", ".csv.gz")):
            return _read_csv(path)
    except DataError:
        raise
    except pa.ArrowInvalid as exc:
        if "straddl" in str(exc):
            row = _long_line(path)
            raise DataError(
                f"line longer than {CSV_BLOCK_SIZE:,} bytes: not a row of this format",
                file=str(path),
                row=row,
            ) from None
        raise DataError(f"cannot read file: {exc}", file=str(path)) from None
    except RecursionError:
        raise DataError("cannot read file: JSON nested too deeply", file=str(path)) from None
    except (OSError, EOFError, zlib.error, UnicodeDecodeError, ValueError, csv.Error) as exc:
        # OSError: unreadable, corrupt gzip or parquet; EOFError: truncated gzip;
        # ValueError: bad JSON; csv.Error: a header field over the csv module's limit.
        raise DataError(f"cannot read file: {exc}", file=str(path)) from None
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
            read_options=pv.ReadOptions(
                column_names=names,
                skip_rows=1,
                use_threads=threads,
                block_size=CSV_BLOCK_SIZE,
            ),
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


def _long_line(path: Path) -> int | None:
    """The data-row number (header excluded) of the first line over the CSV block size."""
    opener = gzip.open if path.name.lower().endswith(".gz") else open
    with opener(path, "rb") as stream:
        for number, line in enumerate(iter(lambda: stream.readline(CSV_BLOCK_SIZE + 1), b"")):
            if len(line) > CSV_BLOCK_SIZE:
                return number if number > 0 else None
    return None


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
