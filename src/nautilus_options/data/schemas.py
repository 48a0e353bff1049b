"""Input file schemas accepted by the loaders: the columns of each format.

Four formats are supported; each is a :class:`FileSchema` listing its columns. A file must
carry every required column, may carry the optional ones, and must carry nothing else.
Values are checked row by row by :mod:`nautilus_options.data.checks` (types) and
:mod:`nautilus_options.data.rows` (prices, quotes, ordering).

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
                raise DataError("duplicate column", file=file, column=_printable(name))
            if name not in known:
                expected = ", ".join(column.name for column in self.columns)
                raise DataError(
                    f"unexpected column (expected: {expected})", file=file, column=_printable(name)
                )
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
        alternatives = " or ".join("+".join(ident) for ident in self.identities)
        if len(complete) == 1:
            extra = [n for ident in self.identities for n in ident if n in present]
            stray = next((n for n in extra if n not in complete[0]), None)
            if stray is None:
                return complete[0]
            raise DataError(
                f"ambiguous instrument columns: {'+'.join(complete[0])} is complete, and "
                f"{stray!r} of another set is present too (use {alternatives}, not both)",
                file=file,
                column=stray,
            )
        if complete:
            raise DataError(f"ambiguous instrument columns: use {alternatives}", file=file)
        partial = next((n for ident in self.identities for n in ident if n in present), None)
        missing = next(
            (n for ident in self.identities if partial in ident for n in ident if n not in present),
            self.identities[0][0],
        )
        raise DataError(f"missing instrument column ({alternatives})", file=file, column=missing)


def _printable(name: str) -> str:
    """``name``, escaped when it holds control characters (errors stay on one line)."""
    return name if name.isprintable() else ascii(name)[1:-1]


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
