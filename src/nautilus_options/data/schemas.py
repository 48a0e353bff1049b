"""Input file schemas accepted by the loaders, and their column-level checks.

Four formats are supported; each is a :class:`FileSchema` listing its columns. A file must
carry every required column, may carry the optional ones, and must carry nothing else.
:func:`numbers`, :func:`strings`, :func:`dates` and :func:`timestamps` read one column with
pyarrow and flag bad rows in a :class:`RowChecks`; the format-specific rules (prices, quotes,
ordering) live in :mod:`nautilus_options.data.rows` and :mod:`nautilus_options.data.loaders`.

``quotes``
    Generic option and index quotes (CSV or parquet), one row per quote.
``bars``
    Generic option and index 1-minute OHLCV bars (CSV or parquet); ``timestamp`` is the bar's
    open time.
``kite-candles``
    Kite Connect historical candles as ``historical_data`` returns them (CSV with a
    ``date`` column, or the raw JSON response), one file per instrument.
``bhavcopy``
    NSE's daily F&O bhavcopy in the UDiFF layout (CSV).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from nautilus_options.errors import DataError

#: Value kinds a column may hold.
ColumnKind = Literal["timestamp", "date", "string", "number"]

#: Names of the supported formats.
Format = Literal["quotes", "bars", "kite-candles", "bhavcopy"]
FORMATS: tuple[Format, ...] = ("quotes", "bars", "kite-candles", "bhavcopy")

#: Kite names of index instruments (tradingsymbol in the NSE dump) and their underlyings.
KITE_INDEX_NAMES: dict[str, str] = {"NIFTY 50": "NIFTY", "NIFTY BANK": "BANKNIFTY"}


@dataclass(frozen=True)
class Column:
    """One column of an input format.

    Parameters
    ----------
    name : str
        The exact column name (case-sensitive).
    kind : ColumnKind
        What the values must parse as.
    required : bool
        Whether every file of the format must carry the column.
    description : str
        Meaning and unit, rendered in the documentation.
    """

    name: str
    kind: ColumnKind
    required: bool
    description: str


@dataclass(frozen=True)
class FileSchema:
    """The columns of one input format.

    ``identities`` lists alternative sets of columns that identify the instrument of a row;
    a file must carry exactly one complete set (an empty tuple means the instrument comes
    from elsewhere, e.g. the file name).
    """

    name: Format
    columns: tuple[Column, ...]
    identities: tuple[tuple[str, ...], ...] = ()

    def check_columns(self, names: Iterable[str], file: str) -> tuple[str, ...]:
        """Check a file's header against the schema and return its identity columns.

        Raises
        ------
        DataError
            Naming the first missing, unexpected or duplicated column.
        """
        present = list(names)
        known = {column.name for column in self.columns}
        for name in present:
            if present.count(name) > 1:
                raise DataError("duplicate column", file=file, column=name)
            if name not in known:
                expected = ", ".join(column.name for column in self.columns)
                raise DataError(f"unexpected column (expected: {expected})", file=file, column=name)
        for column in self.columns:
            if column.required and column.name not in present:
                raise DataError(
                    f"missing required {column.kind} column", file=file, column=column.name
                )
        return self._identity(set(present), file)

    def _identity(self, present: set[str], file: str) -> tuple[str, ...]:
        if not self.identities:
            return ()
        complete = [ident for ident in self.identities if set(ident) <= present]
        if len(complete) == 1:
            return complete[0]
        alternatives = " or ".join("+".join(ident) for ident in self.identities)
        if complete:
            raise DataError(f"ambiguous instrument columns: use {alternatives}", file=file)
        partial = next((n for ident in self.identities for n in ident if n in present), None)
        missing = next(
            (n for ident in self.identities if partial in ident for n in ident if n not in present),
            self.identities[0][0],
        )
        raise DataError(f"missing instrument column ({alternatives})", file=file, column=missing)


_TS = Column(
    "timestamp",
    "timestamp",
    True,
    "ISO 8601 with a UTC offset (``2026-01-05T09:15:00+05:30``, ``+0530`` or ``Z``), or a "
    "timezone-aware parquet timestamp. One offset per file; naive times are refused.",
)
_SYMBOL = Column(
    "symbol",
    "string",
    False,
    "Kite tradingsymbol of the option (``NIFTY2611324400CE``, ``NIFTY26JAN24400CE``) or the "
    "index (``NIFTY``, ``BANKNIFTY``, or Kite's ``NIFTY 50`` / ``NIFTY BANK``).",
)
_UNDERLYING = Column("underlying", "string", False, "Underlying index, e.g. ``NIFTY``.")
_EXPIRY = Column("expiry", "date", False, "Expiry day ``YYYY-MM-DD``; empty on index rows.")
_STRIKE = Column("strike", "number", False, "Strike in index points; empty on index rows.")
_RIGHT = Column("right", "string", False, "``CE`` or ``PE``; empty on index rows.")
_OI = Column("oi", "number", False, "Open interest (checked, not stored: Nautilus has no field).")
_IDENTITIES = (("symbol",), ("underlying", "expiry", "strike", "right"))


def _ohlc(prefix: str = "") -> tuple[Column, ...]:
    return tuple(
        Column(f"{prefix}{name}", "number", True, f"{label} price in INR.")
        for name, label in (("open", "Open"), ("high", "High"), ("low", "Low"), ("close", "Close"))
    )


QUOTES = FileSchema(
    "quotes",
    (
        _TS,
        _SYMBOL,
        _UNDERLYING,
        _EXPIRY,
        _STRIKE,
        _RIGHT,
        Column("bid", "number", False, "Best bid in INR; required on option rows."),
        Column("ask", "number", False, "Best ask in INR; required on option rows."),
        Column("bid_size", "number", False, "Units at the best bid (default 1,000,000)."),
        Column("ask_size", "number", False, "Units at the best ask (default 1,000,000)."),
        Column(
            "last",
            "number",
            False,
            "Index value on index rows (required there); ignored on option rows.",
        ),
        _OI,
    ),
    identities=_IDENTITIES,
)

BARS = FileSchema(
    "bars",
    (
        Column(
            "timestamp",
            "timestamp",
            True,
            "Bar open time, same rules as for quotes; the bar covers one minute.",
        ),
        _SYMBOL,
        _UNDERLYING,
        _EXPIRY,
        _STRIKE,
        _RIGHT,
        *_ohlc(),
        Column("volume", "number", False, "Traded units in the bar (default 0)."),
        _OI,
    ),
    identities=_IDENTITIES,
)

KITE_CANDLES = FileSchema(
    "kite-candles",
    (
        Column(
            "date",
            "timestamp",
            True,
            "Candle open time as Kite sends it (``2026-01-05T09:15:00+0530``).",
        ),
        *_ohlc(),
        Column("volume", "number", True, "Traded units in the candle (0 for indices)."),
        Column("oi", "number", False, "Open interest (present when requested with ``oi=1``)."),
    ),
)

#: Columns of the UDiFF F&O bhavcopy (``BhavCopy_NSE_FO_0_0_0_YYYYMMDD_F_0000.csv``), in order.
UDIFF_COLUMNS: tuple[str, ...] = (
    "TradDt",
    "BizDt",
    "Sgmt",
    "Src",
    "FinInstrmTp",
    "FinInstrmId",
    "ISIN",
    "TckrSymb",
    "SctySrs",
    "XpryDt",
    "FininstrmActlXpryDt",
    "StrkPric",
    "OptnTp",
    "FinInstrmNm",
    "OpnPric",
    "HghPric",
    "LwPric",
    "ClsPric",
    "LastPric",
    "PrvsClsgPric",
    "UndrlygPric",
    "SttlmPric",
    "OpnIntrst",
    "ChngInOpnIntrst",
    "TtlTradgVol",
    "TtlTrfVal",
    "TtlNbOfTxsExctd",
    "SsnId",
    "NewBrdLotQty",
    "Rmks",
    "Rsvd1",
    "Rsvd2",
    "Rsvd3",
    "Rsvd4",
)

_BHAVCOPY_USED: dict[str, tuple[ColumnKind, str]] = {
    "TradDt": ("date", "Trade date ``YYYY-MM-DD``; bars are stamped at 15:30 IST that day."),
    "Sgmt": ("string", "Segment; only ``FO`` rows are read."),
    "FinInstrmTp": ("string", "Instrument type; only ``IDO`` (index options) rows are read."),
    "TckrSymb": ("string", "Underlying, e.g. ``NIFTY``."),
    "XpryDt": ("date", "Expiry day ``YYYY-MM-DD``."),
    "StrkPric": ("number", "Strike price."),
    "OptnTp": ("string", "``CE`` or ``PE``."),
    "OpnPric": ("number", "Day open (0 when the contract did not trade)."),
    "HghPric": ("number", "Day high."),
    "LwPric": ("number", "Day low."),
    "ClsPric": ("number", "Day close."),
    "UndrlygPric": ("number", "Underlying index close, written as the index daily bar."),
    "SttlmPric": ("number", "Settlement price, written as an ``InstrumentClose``."),
    "TtlTradgVol": ("number", "Traded volume as published, stored as the bar volume."),
}

BHAVCOPY = FileSchema(
    "bhavcopy",
    tuple(
        Column(name, _BHAVCOPY_USED[name][0], True, _BHAVCOPY_USED[name][1])
        if name in _BHAVCOPY_USED
        else Column(name, "string", False, "Read but not used.")
        for name in UDIFF_COLUMNS
    ),
)

SCHEMAS: dict[Format, FileSchema] = {
    "quotes": QUOTES,
    "bars": BARS,
    "kite-candles": KITE_CANDLES,
    "bhavcopy": BHAVCOPY,
}


def schema_for(fmt: str) -> FileSchema:
    """Return the schema of format ``fmt``.

    Raises
    ------
    DataError
        If ``fmt`` is not one of :data:`FORMATS`.
    """
    if fmt not in SCHEMAS:
        raise DataError(f"unknown format {fmt!r} (known: {', '.join(FORMATS)})")
    return SCHEMAS[fmt]


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
        return pc.if_else(ok, array, pa.scalar(None, pa.string())).cast(target)


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
    """Return column ``name`` as ``datetime64[D]`` (``NaT`` for nulls and bad rows)."""
    array = table.column(name)
    if _is_text(array.type):
        array = _parse_text(array, pa.date32(), _DATE, "not a date (YYYY-MM-DD)", checks, name)
    elif not pa.types.is_date(array.type):
        raise checks.fail(f"column has type {array.type}, expected a date", name)
    days = array.cast(pa.date32()).cast(pa.int32()).to_numpy(zero_copy_only=False)
    nulls = _nulls(array)
    out = np.where(nulls, 0, np.nan_to_num(days)).astype("int64").astype("datetime64[D]")
    out[nulls] = np.datetime64("NaT", "D")
    return out


def timestamps(table: pa.Table, name: str, checks: RowChecks) -> np.ndarray:
    """Return column ``name`` as UNIX nanoseconds (int64; bad rows read as 0).

    Text must be ISO 8601 with a UTC offset, the same offset on every row (the first
    valid row sets it). Parquet timestamps must carry a timezone.
    """
    array = table.column(name)
    if pa.types.is_timestamp(array.type):
        if array.type.tz is None:
            raise checks.fail("naive timestamps: the column has no timezone", name, row=1)
        parsed = array.cast(pa.timestamp("ns", "UTC"))
    elif _is_text(array.type):
        parsed = _parse_timestamp_text(array.cast(pa.string()), checks, name)
    else:
        raise checks.fail(f"column has type {array.type}, expected a timestamp", name)
    checks.flag(_nulls(array), "missing value", name)
    values = parsed.cast(pa.int64()).fill_null(0).to_numpy(zero_copy_only=False)
    return np.asarray(values, dtype=np.int64)


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
    good = matched & ~naive & ~checks.bad
    if good.any():
        first = offset_values[np.argmax(good)]
        checks.flag(
            good & (offset_values != first),
            f"mixed timezones: UTC offset differs from {first} of the file's first row",
            name,
        )
    keep = pa.array(matched & ~naive & ~checks.bad)
    return pc.if_else(keep, array, pa.scalar(None, pa.string())).cast(pa.timestamp("ns", "UTC"))
