"""Row-level checks of an input file and typed readers of its columns.

:class:`RowChecks` records bad rows (raising at the first one in strict mode);
:func:`numbers`, :func:`strings`, :func:`dates` and :func:`timestamps` read one column with
pyarrow, whatever its storage type (text from CSV, typed from parquet), and flag the rows
whose value cannot be read.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from nautilus_options.errors import DataError


@dataclass(frozen=True)
class SkippedRows:
    """Rows dropped for one reason under ``skip_bad_rows``.

    ``first_rows`` holds up to five 1-based data-row numbers (header excluded).
    """

    file: str
    reason: str
    column: str | None
    count: int
    first_rows: tuple[int, ...]


class RowChecks:
    """Collects row-level failures of one file.

    In strict mode the first failing check raises :class:`DataError` at its first bad row;
    with ``skip_bad_rows`` failing rows are marked bad and counted per reason instead.
    A row counts once, under the first check it fails.
    """

    def __init__(
        self,
        file: str,
        rows: int,
        skip_bad_rows: bool,
        row_numbers: np.ndarray | None = None,
    ) -> None:
        self.file = file
        self.skip_bad_rows = skip_bad_rows
        self.bad = np.zeros(rows, dtype=bool)
        self.skipped: list[SkippedRows] = []
        #: File rows that never made it into the table (see :meth:`dropped`).
        self.unread = 0
        # 1-based file row of each position (positions are file rows unless the caller
        # checks a filtered table).
        self.row_numbers = np.arange(1, rows + 1) if row_numbers is None else row_numbers

    def flag(
        self,
        mask: np.ndarray,
        reason: str,
        column: str | None,
        rows: np.ndarray | None = None,
    ) -> None:
        """Mark the rows where ``mask`` holds as bad.

        ``rows`` maps positions of ``mask`` to positions in the file when ``mask`` covers a
        subset or a reordering of the file's rows.
        """
        positions = np.flatnonzero(mask) if rows is None else np.sort(rows[mask])
        positions = positions[~self.bad[positions]]
        if positions.size == 0:
            return
        if not self.skip_bad_rows:
            row = int(self.row_numbers[positions[0]])
            raise DataError(reason, file=self.file, row=row, column=column)
        self.bad[positions] = True
        first = tuple(int(p) for p in self.row_numbers[positions[:5]])
        self.skipped.append(SkippedRows(self.file, reason, column, int(positions.size), first))

    def dropped(self, rows: list[int], reason: str) -> None:
        """Account for file rows (1-based) that never made it into the table.

        Raises at the first one in strict mode; counts them otherwise.
        """
        if not rows:
            return
        if not self.skip_bad_rows:
            raise DataError(reason, file=self.file, row=rows[0] if rows[0] > 0 else None)
        self.unread += len(rows)
        first = tuple(rows[:5])
        self.skipped.append(SkippedRows(self.file, reason, None, len(rows), first))

    def fail(self, reason: str, column: str | None = None, row: int | None = None) -> DataError:
        """Return a file-level error (never skipped)."""
        return DataError(reason, file=self.file, row=row, column=column)


def _is_text(type_: pa.DataType) -> bool:
    return bool(
        pa.types.is_string(type_)
        or pa.types.is_large_string(type_)
        or (pa.types.is_dictionary(type_) and pa.types.is_string(type_.value_type))
    )


def _nulls(array: pa.ChunkedArray) -> np.ndarray:
    return np.asarray(array.is_null().to_numpy(zero_copy_only=False), dtype=bool)


def _parse_text(
    array: pa.ChunkedArray,
    target: pa.DataType,
    pattern: str,
    what: str,
    checks: RowChecks,
    name: str,
) -> pa.ChunkedArray:
    """Cast text to ``target``, flagging the rows that do not match ``pattern``."""
    array = array.cast(pa.string())
    try:
        return array.cast(target)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        ok = pc.fill_null(pc.match_substring_regex(array, pattern), True)
        checks.flag(~np.asarray(ok.to_numpy(zero_copy_only=False), dtype=bool), what, name)
        return cast_or_flag(
            pc.if_else(ok, array, pa.scalar(None, pa.string())), target, checks, name
        )


def cast_or_flag(
    array: pa.ChunkedArray | pa.Array, target: pa.DataType, checks: RowChecks, name: str
) -> pa.ChunkedArray:
    """Cast well-formed text to ``target``; flag values that still do not convert.

    Text can match a format and still name no instant (``2026-02-30``, hour 25): such
    values are flagged ``not a valid <type>`` and read as null.
    """
    array = pa.chunked_array([array]) if isinstance(array, pa.Array) else array
    try:
        return array.cast(target)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        pass
    encoded = pc.dictionary_encode(array.combine_chunks())
    valid = []
    for value in encoded.dictionary.to_pylist():
        try:
            pa.scalar(value, pa.string()).cast(target)
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
            valid.append(False)
        else:
            valid.append(True)
    indices = np.asarray(encoded.indices.fill_null(-1).to_numpy(zero_copy_only=False))
    bad = (indices >= 0) & ~np.append(np.array(valid, dtype=bool), True)[indices]
    kind = (
        "date"
        if pa.types.is_date(target)
        else "timestamp"
        if pa.types.is_timestamp(target)
        else "value"
    )
    checks.flag(bad, f"not a valid {kind}", name)
    return pc.if_else(pa.array(~bad), array, pa.scalar(None, pa.string())).cast(target)


#: Latest representable instant of a signed 64-bit nanosecond timestamp, as text.
_LAST_NS = "2262-04-11"
_OUT_OF_RANGE = f"outside 1970-01-01 to {_LAST_NS} (the range of Nautilus' nanosecond timestamps)"
_NUMBER = r"^\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*$|^\s*[+-]?(nan|NaN|inf|Infinity)\s*$"
_DATE = r"^\d{4}-\d{2}-\d{2}$"
_TIMESTAMP = (
    r"^(?P<body>\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?)"
    r"(?P<tz>Z|[+-]\d{2}:?\d{2})?$"
)


def numbers(table: pa.Table, name: str, checks: RowChecks) -> tuple[np.ndarray, np.ndarray]:
    """Return column ``name`` as float64 values and its null mask.

    Text is parsed (unparseable rows are flagged ``not a number`` and read as null); NaN
    and infinities are flagged. Nulls are returned as NaN with ``True`` in the mask.
    """
    array = table.column(name)
    if _is_text(array.type):
        array = _parse_text(array, pa.float64(), _NUMBER, "not a number", checks, name)
    elif not (
        pa.types.is_integer(array.type)
        or pa.types.is_floating(array.type)
        or pa.types.is_decimal(array.type)
    ):
        raise checks.fail(f"column has type {array.type}, expected a number", name)
    nulls = _nulls(array)
    values = np.asarray(array.cast(pa.float64()).to_numpy(zero_copy_only=False), dtype=np.float64)
    checks.flag(~nulls & np.isnan(values), "NaN value", name)
    checks.flag(np.isinf(values), "infinite value", name)
    return values, nulls


def strings(table: pa.Table, name: str, checks: RowChecks) -> pa.ChunkedArray:
    """Return column ``name`` as strings (nulls kept)."""
    array = table.column(name)
    if _is_text(array.type):
        return array.cast(pa.string())
    if pa.types.is_integer(array.type):
        return array.cast(pa.string())
    raise checks.fail(f"column has type {array.type}, expected text", name)


def dates(table: pa.Table, name: str, checks: RowChecks) -> np.ndarray:
    """Return column ``name`` as ``datetime64[D]`` (``NaT`` for nulls and bad rows).

    Days outside 1970 to 2262 (Nautilus' nanosecond range) are flagged.
    """
    array = table.column(name)
    if _is_text(array.type):
        array = _parse_text(array, pa.date32(), _DATE, "not a date (YYYY-MM-DD)", checks, name)
    elif not pa.types.is_date(array.type):
        raise checks.fail(f"column has type {array.type}, expected a date", name)
    days = array.cast(pa.date32()).cast(pa.int32()).to_numpy(zero_copy_only=False)
    nulls = _nulls(array)
    days = np.where(nulls, 0, np.nan_to_num(days)).astype("int64")
    outside = ~nulls & ((days < 0) | (days > np.datetime64(_LAST_NS, "D").astype("int64") - 1))
    checks.flag(outside, _OUT_OF_RANGE, name)
    out = days.astype("datetime64[D]")
    out[nulls | outside] = np.datetime64("NaT", "D")
    return out


def timestamps(table: pa.Table, name: str, checks: RowChecks) -> np.ndarray:
    """Return column ``name`` as UNIX nanoseconds (int64; bad rows read as 0).

    Text must be ISO 8601 with a UTC offset, the same offset on every row (the first
    valid row sets it). Parquet timestamps must carry a timezone. Instants before 1970 or
    after 2262-04-11 (outside Nautilus' nanosecond range) are flagged.
    """
    array = table.column(name)
    if pa.types.is_timestamp(array.type):
        if array.type.tz is None:
            raise checks.fail("naive timestamps: the column has no timezone", name, row=1)
        parsed = _typed_timestamps(array, checks, name)
    elif _is_text(array.type):
        parsed = _parse_timestamp_text(array.cast(pa.string()), checks, name)
    else:
        raise checks.fail(f"column has type {array.type}, expected a timestamp", name)
    checks.flag(_nulls(array), "missing value", name)
    values = np.asarray(
        parsed.cast(pa.int64()).fill_null(0).to_numpy(zero_copy_only=False), dtype=np.int64
    )
    checks.flag(values < 0, _OUT_OF_RANGE, name)
    return values


def _typed_timestamps(array: pa.ChunkedArray, checks: RowChecks, name: str) -> pa.ChunkedArray:
    """Cast a zoned parquet timestamp column to ns, flagging values out of the ns range."""
    unit = array.type.unit
    per_ns = {"s": 10**9, "ms": 10**6, "us": 10**3, "ns": 1}[unit]
    raw = np.asarray(
        array.cast(pa.int64()).fill_null(0).to_numpy(zero_copy_only=False), dtype=np.int64
    )
    outside = (raw < 0) | (raw > (2**63 - 1) // per_ns)
    checks.flag(outside, _OUT_OF_RANGE, name)
    kept = pc.if_else(pa.array(~outside), array, pa.scalar(None, array.type))
    return kept.cast(pa.timestamp("ns", "UTC"))


def _parse_timestamp_text(array: pa.ChunkedArray, checks: RowChecks, name: str) -> pa.ChunkedArray:
    parts = pc.extract_regex(array, _TIMESTAMP)
    matched = np.asarray(parts.is_valid().to_numpy(zero_copy_only=False), dtype=bool)
    nulls = _nulls(array)
    checks.flag(~matched & ~nulls, "not an ISO 8601 timestamp", name)
    offsets = pc.fill_null(pc.struct_field(parts, "tz"), "")
    offsets = pc.replace_substring(pc.replace_substring(offsets, ":", ""), "Z", "+0000")
    offset_values = np.asarray(offsets.to_numpy(zero_copy_only=False), dtype=object)
    naive = matched & (offset_values == "")
    checks.flag(naive, "naive timestamp (no UTC offset)", name)
    years = pc.cast(pc.utf8_slice_codeunits(pc.struct_field(parts, "body"), 0, 4), pa.int64())
    year_values = np.asarray(pc.fill_null(years, 2000).to_numpy(zero_copy_only=False))
    checks.flag(matched & ((year_values < 1970) | (year_values > 2261)), _OUT_OF_RANGE, name)
    good = matched & ~naive & ~checks.bad
    if good.any():
        first = offset_values[np.argmax(good)]
        checks.flag(
            good & (offset_values != first),
            f"mixed timezones: UTC offset differs from {first} of the file's first row",
            name,
        )
    keep = pa.array(matched & ~naive & ~checks.bad)
    kept = pc.if_else(keep, array, pa.scalar(None, pa.string()))
    return cast_or_flag(kept, pa.timestamp("ns", "UTC"), checks, name)
