"""Read vendor files into validated per-instrument series, ready for the catalog.

:func:`load_file` reads one file of a format described in
:mod:`nautilus_options.data.schemas`, checks every row with vectorised pyarrow/numpy code
and returns :class:`Series` of fixed-point integers per instrument. Nothing is written
here; :mod:`nautilus_options.data.catalog` turns the series into Nautilus' parquet layout.
"""

from __future__ import annotations

import csv
import dataclasses
import gzip
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pv
import pyarrow.parquet as pq
from nautilus_trader.model.data import BarType, InstrumentClose
from nautilus_trader.model.enums import InstrumentCloseType
from nautilus_trader.model.instruments import Instrument
from nautilus_trader.model.objects import PRICE_MAX, QUANTITY_MAX, Price

from nautilus_options.data.instruments import NFO, NSE, index_instrument, option_contract
from nautilus_options.data.schemas import (
    KITE_INDEX_NAMES,
    FileSchema,
    Format,
    RowChecks,
    SkippedRows,
    dates,
    numbers,
    schema_for,
    strings,
    timestamps,
)
from nautilus_options.domain.nse import (
    CONTRACT_SPECS,
    OptionSymbol,
    monthly_expiry,
    parse_tradingsymbol,
    validate_underlying,
)
from nautilus_options.errors import DataError

#: Units quoted at the bid and ask when a quotes file has no size columns (the default of
#: Nautilus' ``QuoteTickDataWrangler``).
DEFAULT_QUOTE_SIZE = 1_000_000
#: Kite historical intervals and their bar length in minutes (``None``: one session).
KITE_INTERVALS: dict[str, int | None] = {
    "minute": 1,
    "3minute": 3,
    "5minute": 5,
    "10minute": 10,
    "15minute": 15,
    "30minute": 30,
    "60minute": 60,
    "day": None,
}
_NS_PER_MINUTE = 60_000_000_000
_NS_PER_DAY = 86_400_000_000_000
_IST_OFFSET_NS = 19_800_000_000_000  # +05:30
_CLOSE_UTC_NS = 36_000_000_000_000  # 15:30 IST = 10:00 UTC

SeriesKind = Literal["quotes", "trades", "bars"]


@dataclass(frozen=True)
class Series:
    """Validated rows of one instrument, as fixed-point integers.

    ``values`` holds int64 arrays, keyed by Nautilus' column names, in units of the
    instrument's price precision (prices) or size precision (sizes, volume):
    ``bid_price, ask_price, bid_size, ask_size`` for quotes, ``price, size`` for trades and
    ``open, high, low, close, volume`` for bars.
    ``ts_event`` is strictly increasing.
    """

    kind: SeriesKind
    instrument: Instrument
    ts_event: np.ndarray
    values: dict[str, np.ndarray]
    bar_type: BarType | None = None


@dataclass(frozen=True)
class LoadedFile:
    """The outcome of reading one file.

    ``rows_ignored`` counts rows outside the import's scope (bhavcopy rows of other
    segments or underlyings); ``skipped`` lists rows dropped under ``skip_bad_rows``;
    ``rows_by_instrument`` counts the rows naming each instrument id, good or bad (index rows
    count for the index and its mirror).
    """

    file: str
    rows_read: int
    rows_ignored: int
    instruments: tuple[Instrument, ...]
    series: tuple[Series, ...]
    closes: tuple[InstrumentClose, ...] = ()
    skipped: tuple[SkippedRows, ...] = ()
    rows_by_instrument: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class _Ref:
    """What the rows of one symbol refer to: an option, or an index and its NFO mirror."""

    instruments: tuple[Instrument, ...]
    is_index: bool


@dataclass
class _Rows:
    """A file's table with its row checks and resolved instruments."""

    table: pa.Table
    checks: RowChecks
    codes: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    refs: list[_Ref] = field(default_factory=list)

    def attribute(self, getter: Callable[[Instrument], int]) -> np.ndarray:
        """Per-row value of an attribute of the row's (first) instrument; 0 for bad rows."""
        table = np.array([getter(ref.instruments[0]) for ref in self.refs] + [0], dtype=np.int64)
        return table[self.codes]


def load_file(
    path: str | Path,
    fmt: Format | str,
    *,
    skip_bad_rows: bool = False,
    symbol: str | None = None,
    interval: str = "minute",
    underlyings: Sequence[str] | None = None,
) -> LoadedFile:
    """Read and validate one input file.

    Parameters
    ----------
    path : str or Path
        The file: ``.csv``, ``.csv.gz`` or ``.parquet``; Kite candles also ``.json``.
    fmt : str
        One of ``quotes``, ``bars``, ``kite-candles``, ``bhavcopy``.
    skip_bad_rows : bool, default False
        Drop and count bad rows instead of raising at the first one.
    symbol : str, optional
        Kite candles only: the instrument's tradingsymbol (default: the file name stem).
    interval : str, default "minute"
        Kite candles only: the historical interval the candles were requested with.
    underlyings : sequence of str, optional
        Bhavcopy only: underlyings to import (default: every underlying the contract
        tables know).

    Raises
    ------
    DataError
        Naming the file, row and column of the first problem.
    """
    file = str(path)
    schema = schema_for(fmt)
    table, malformed = _read(Path(path), schema)
    identity = schema.check_columns(table.column_names, file)
    kept = np.setdiff1d(np.arange(1, table.num_rows + len(malformed) + 1), malformed)
    checks = RowChecks(file, table.num_rows, skip_bad_rows, kept)
    checks.dropped(malformed, f"wrong number of fields (expected {table.num_columns})")
    rows = _Rows(table, checks)
    if schema.name == "quotes":
        return _quotes(rows, identity)
    if schema.name == "bars":
        return _bars(rows, identity, 1)
    if schema.name == "kite-candles":
        return _candles(rows, symbol or _stem(Path(path)), interval)
    return _bhavcopy(rows, underlyings)


# -- reading ----------------------------------------------------------------------------------


def _stem(path: Path) -> str:
    name = path.name
    for suffix in (".csv.gz", ".csv", ".json", ".parquet"):
        if name.endswith(suffix):
            return name[: -len(suffix)]
    return path.stem


def _read(path: Path, schema: FileSchema) -> tuple[pa.Table, list[int]]:
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


# -- instrument resolution --------------------------------------------------------------------


def _index_ref(underlying: str) -> _Ref:
    validate_underlying(underlying)
    return _Ref((index_instrument(underlying, NSE), index_instrument(underlying, NFO)), True)


def _symbol_ref(text: str) -> _Ref:
    name = KITE_INDEX_NAMES.get(text, text)
    if name in CONTRACT_SPECS:
        return _index_ref(name)
    return _option_ref(parse_tradingsymbol(text))


def _option_ref(option: OptionSymbol) -> _Ref:
    validate_underlying(option.underlying)
    return _Ref((option_contract(option),), False)


def _resolve(rows: _Rows, keys: pa.ChunkedArray, build: Callable[[str], _Ref], column: str) -> None:
    """Give every row the code of its instrument; flag rows whose key does not resolve."""
    encoded = pc.dictionary_encode(keys.combine_chunks())
    labels = encoded.dictionary.to_pylist()
    indices = np.asarray(encoded.indices.fill_null(-1).to_numpy(zero_copy_only=False))
    rows.checks.flag(indices < 0, "missing value", column)
    codes = np.full(len(labels), -1, dtype=np.int64)
    known: dict[str, int] = {}
    for position, label in enumerate(labels):
        try:
            ref = build(label)
        except (ValueError, ArithmeticError) as exc:  # DataError, ConfigError, bad numbers
            reason = f"unknown instrument {label!r}: {exc}"
            rows.checks.flag(indices == position, reason, column)
            continue
        # Labels naming the same instrument ("NIFTY" and "NIFTY 50") share one code.
        code = known.setdefault(ref.instruments[0].id.value, len(rows.refs))
        if code == len(rows.refs):
            rows.refs.append(ref)
        codes[position] = code
    # Rows without an instrument point at the sentinel slot past the last ref.
    rows.codes = np.where(indices < 0, len(rows.refs), codes[indices])
    rows.codes[rows.codes < 0] = len(rows.refs)


def _resolve_columns(
    rows: _Rows,
    underlying: pa.ChunkedArray,
    expiry: np.ndarray,
    strike: np.ndarray,
    right: pa.ChunkedArray,
) -> None:
    """Resolve instruments from underlying/expiry/strike/right columns."""
    parts = [
        underlying,
        pa.array(expiry, from_pandas=True).cast(pa.string()),
        pa.array(strike, from_pandas=True).cast(pa.string()),
        right,
    ]
    keys = pc.binary_join_element_wise(
        *[pc.fill_null(part, "") for part in parts], "|", null_handling="replace"
    )
    keys = pc.if_else(pc.is_null(underlying), pa.scalar(None, pa.string()), keys)
    _resolve(rows, keys, _columns_ref, "underlying")


def _columns_ref(key: str) -> _Ref:
    und, expiry, strike, right = key.split("|")
    if not (expiry or strike or right):
        return _index_ref(und)
    if not (expiry and strike and right):
        raise DataError("option rows need expiry, strike and right; index rows none of them")
    if right not in ("CE", "PE"):
        raise DataError(f"right must be CE or PE, got {right!r}")
    day = date.fromisoformat(expiry)
    monthly = day == monthly_expiry(und, day.year, day.month)
    return _option_ref(OptionSymbol(und, day, Decimal(strike), right, monthly))  # type: ignore[arg-type]


def _identify(rows: _Rows, identity: tuple[str, ...]) -> None:
    if identity == ("symbol",):
        _resolve(rows, strings(rows.table, "symbol", rows.checks), _symbol_ref, "symbol")
        return
    strike, _ = numbers(rows.table, "strike", rows.checks)
    _resolve_columns(
        rows,
        strings(rows.table, "underlying", rows.checks),
        dates(rows.table, "expiry", rows.checks),
        strike,
        strings(rows.table, "right", rows.checks),
    )


# -- value checks -----------------------------------------------------------------------------


def _required(rows: _Rows, name: str, where: np.ndarray | None = None) -> np.ndarray:
    values, nulls = numbers(rows.table, name, rows.checks)
    rows.checks.flag(nulls if where is None else nulls & where, "missing value", name)
    return values


def _units(
    rows: _Rows, values: np.ndarray, precision: np.ndarray, name: str, where: np.ndarray
) -> np.ndarray:
    """Return ``values`` as integers of ``10**-precision``; flag values with more decimals."""
    scaled = np.where(where & np.isfinite(values), values, 0.0) * np.power(10.0, precision)
    units = np.rint(scaled)
    rows.checks.flag(
        where & (np.abs(scaled - units) > 1e-6), "more decimals than the price precision", name
    )
    return units.astype(np.int64)


def _prices(rows: _Rows, values: np.ndarray, name: str, where: np.ndarray) -> np.ndarray:
    """Check prices (>= 0, on the instrument's precision and tick) and return their units."""
    rows.checks.flag(where & (values < 0), "negative price", name)
    rows.checks.flag(where & (values > PRICE_MAX), f"price above Nautilus' {PRICE_MAX:,.0f}", name)
    units = _units(rows, values, rows.attribute(lambda i: i.price_precision), name, where)
    tick = rows.attribute(lambda i: int(i.price_increment.as_decimal().scaleb(i.price_precision)))
    rows.checks.flag(where & (units % np.maximum(tick, 1) != 0), "not a multiple of the tick", name)
    return units


def _sizes(
    rows: _Rows, name: str, default: int, where: np.ndarray, nullable: bool = False
) -> np.ndarray:
    """Check whole non-negative counts of an optional column and return them.

    A missing column gives ``default`` everywhere; empty cells are refused unless
    ``nullable`` (then they read as ``default``).
    """
    if name not in rows.table.column_names:
        return np.full(rows.table.num_rows, default, dtype=np.int64)
    values, nulls = numbers(rows.table, name, rows.checks)
    if not nullable:
        rows.checks.flag(where & nulls, "missing value", name)
    values = np.where(nulls, default, values)
    rows.checks.flag(where & (values < 0), "negative value", name)
    rows.checks.flag(where & (values > QUANTITY_MAX), "above Nautilus' quantity limit", name)
    rows.checks.flag(where & (values != np.floor(values)), "not a whole number of units", name)
    return np.where(where, values, 0).astype(np.int64)


def _order(rows: _Rows, ts: np.ndarray, column: str) -> np.ndarray:
    """Flag duplicate or decreasing timestamps per instrument; return good rows grouped."""
    good = np.flatnonzero(~rows.checks.bad)
    order = good[np.argsort(rows.codes[good], kind="stable")]
    codes = rows.codes[order]
    times = ts[order]
    # Latest earlier time of the same instrument (exact int64; ``seen`` masks group starts).
    running = pd.Series(times).groupby(codes).cummax().to_numpy(dtype=np.int64)
    previous = np.roll(running, 1)
    seen = np.concatenate(([False], codes[1:] == codes[:-1]))
    rows.checks.flag(seen & (times == previous), "duplicate timestamp", column, rows=order)
    rows.checks.flag(seen & (times < previous), "timestamps not increasing", column, rows=order)
    return order[~rows.checks.bad[order]]


def _series(
    rows: _Rows,
    kind: SeriesKind,
    order: np.ndarray,
    ts_event: np.ndarray,
    values: dict[str, np.ndarray],
    which: np.ndarray,
    bar_spec: str | None = None,
) -> list[Series]:
    """Split ``order`` (good rows grouped by instrument) into per-instrument series."""
    order = order[which[order]]
    codes = rows.codes[order]
    bounds = np.flatnonzero(np.diff(codes)) + 1
    out: list[Series] = []
    for chunk in np.split(order, bounds) if order.size else []:
        ref = rows.refs[int(rows.codes[chunk[0]])]
        chunk_values = {name: array[chunk] for name, array in values.items()}
        for instrument in ref.instruments:
            bar_type = _bar_type(instrument, bar_spec) if bar_spec else None
            out.append(Series(kind, instrument, ts_event[chunk], chunk_values, bar_type))
    return out


def _bar_type(instrument: Instrument, spec: str) -> BarType:
    return BarType.from_str(f"{instrument.id}-{spec}-EXTERNAL")


def _loaded(
    rows: _Rows, series: list[Series], closes: Sequence[InstrumentClose] = ()
) -> LoadedFile:
    used = {s.instrument.id: s.instrument for s in series}
    counts = np.bincount(rows.codes, minlength=len(rows.refs) + 1)
    by_instrument = {
        instrument.id.value: int(counts[code])
        for code, ref in enumerate(rows.refs)
        for instrument in ref.instruments
    }
    return LoadedFile(
        file=rows.checks.file,
        rows_read=rows.table.num_rows,
        rows_ignored=0,
        instruments=tuple(used.values()),
        series=tuple(series),
        closes=tuple(closes),
        skipped=tuple(rows.checks.skipped),
        rows_by_instrument=by_instrument,
    )


# -- formats ----------------------------------------------------------------------------------


def _index_mask(rows: _Rows) -> np.ndarray:
    flags = np.array([ref.is_index for ref in rows.refs] + [False], dtype=bool)
    return flags[rows.codes] & ~rows.checks.bad


def _quotes(rows: _Rows, identity: tuple[str, ...]) -> LoadedFile:
    ts = timestamps(rows.table, "timestamp", rows.checks)
    _identify(rows, identity)
    index = _index_mask(rows)
    option = ~index & ~rows.checks.bad
    columns = rows.table.column_names
    for name, needed_by in (("bid", option), ("ask", option), ("last", index)):
        if name not in columns and needed_by.any():
            kind = "option" if needed_by is option else "index"
            raise rows.checks.fail(f"missing column (needed by {kind} rows)", name)
    values: dict[str, np.ndarray] = {}
    if option.any():
        bid = _required(rows, "bid", option)
        ask = _required(rows, "ask", option)
        rows.checks.flag(option & (bid > ask), "crossed quote (bid > ask)", "bid")
        values["bid_price"] = _prices(rows, bid, "bid", option)
        values["ask_price"] = _prices(rows, ask, "ask", option)
        values["bid_size"] = _sizes(rows, "bid_size", DEFAULT_QUOTE_SIZE, option)
        values["ask_size"] = _sizes(rows, "ask_size", DEFAULT_QUOTE_SIZE, option)
    trades: dict[str, np.ndarray] = {}
    if index.any():
        last = _required(rows, "last", index)
        rows.checks.flag(index & (last == 0), "index value is zero", "last")
        trades["price"] = _prices(rows, last, "last", index)
        trades["size"] = np.ones(rows.table.num_rows, dtype=np.int64)
    if "oi" in columns:
        _sizes(rows, "oi", 0, ~rows.checks.bad, nullable=True)
    order = _order(rows, ts, "timestamp")
    series = _series(rows, "quotes", order, ts, values, option) if values else []
    if trades:
        series += _series(rows, "trades", order, ts, trades, index)
    return _loaded(rows, series)


def _ohlcv(rows: _Rows, names: Sequence[str], where: np.ndarray) -> dict[str, np.ndarray]:
    """Check open/high/low/close/volume columns (given in that order) and return units."""
    o, h, low, c = (_required(rows, name, where) for name in names[:4])
    rows.checks.flag(
        where & (h < np.maximum(np.maximum(o, c), low)), "high below open/low/close", names[1]
    )
    rows.checks.flag(where & (low > np.minimum(o, c)), "low above open/close", names[2])
    values = {
        key: _prices(rows, array, name, where)
        for key, array, name in zip(
            ("open", "high", "low", "close"), (o, h, low, c), names, strict=False
        )
    }
    values["volume"] = _sizes(rows, names[4], 0, where)
    return values


def _bars(rows: _Rows, identity: tuple[str, ...], minutes: int) -> LoadedFile:
    ts = timestamps(rows.table, "timestamp", rows.checks)
    _identify(rows, identity)
    values = _ohlcv(rows, ("open", "high", "low", "close", "volume"), ~rows.checks.bad)
    if "oi" in rows.table.column_names:
        _sizes(rows, "oi", 0, ~rows.checks.bad, nullable=True)
    order = _order(rows, ts, "timestamp")
    ts_event = ts + minutes * _NS_PER_MINUTE
    every = np.ones(rows.table.num_rows, dtype=bool)
    return _loaded(
        rows, _series(rows, "bars", order, ts_event, values, every, f"{minutes}-MINUTE-LAST")
    )


def _candles(rows: _Rows, symbol: str, interval: str) -> LoadedFile:
    if interval not in KITE_INTERVALS:
        raise DataError(f"unknown Kite interval {interval!r} (known: {', '.join(KITE_INTERVALS)})")
    try:
        ref = _symbol_ref(symbol)
    except (ValueError, ArithmeticError) as exc:
        raise rows.checks.fail(
            f"unknown instrument {symbol!r} (from the file name or --symbol): {exc}"
        ) from exc
    rows.refs.append(ref)
    rows.codes = np.zeros(rows.table.num_rows, dtype=np.int64)
    ts = timestamps(rows.table, "date", rows.checks)
    values = _ohlcv(rows, ("open", "high", "low", "close", "volume"), ~rows.checks.bad)
    if "oi" in rows.table.column_names:
        _sizes(rows, "oi", 0, ~rows.checks.bad, nullable=True)
    order = _order(rows, ts, "date")
    minutes = KITE_INTERVALS[interval]
    if minutes is None:
        ts_event = _session_close(ts)
        spec = "1-DAY-LAST"
    else:
        ts_event = ts + minutes * _NS_PER_MINUTE
        spec = f"{minutes}-MINUTE-LAST"
    every = np.ones(rows.table.num_rows, dtype=bool)
    return _loaded(rows, _series(rows, "bars", order, ts_event, values, every, spec))


def _session_close(ts: np.ndarray) -> np.ndarray:
    """15:30 IST on the IST day of each timestamp, as UNIX ns."""
    days = (ts + _IST_OFFSET_NS) // _NS_PER_DAY
    return days * _NS_PER_DAY + _CLOSE_UTC_NS


def _bhavcopy(rows: _Rows, underlyings: Sequence[str] | None) -> LoadedFile:
    wanted = list(underlyings) if underlyings is not None else sorted(CONTRACT_SPECS)
    for name in wanted:
        validate_underlying(name)
    table = rows.table
    text = {name: strings(table, name, rows.checks) for name in ("Sgmt", "FinInstrmTp", "TckrSymb")}
    keep = pc.and_(
        pc.and_(pc.equal(text["Sgmt"], "FO"), pc.equal(text["FinInstrmTp"], "IDO")),
        pc.is_in(text["TckrSymb"], pa.array(wanted)),
    )
    keep_np = np.asarray(pc.fill_null(keep, False).to_numpy(zero_copy_only=False), dtype=bool)
    checks = RowChecks(
        rows.checks.file,
        int(keep_np.sum()),
        rows.checks.skip_bad_rows,
        rows.checks.row_numbers[keep_np],
    )
    checks.skipped = list(rows.checks.skipped)
    selected = _Rows(table.filter(pa.array(keep_np)), checks)
    loaded = _bhavcopy_rows(selected)
    ignored = table.num_rows - selected.table.num_rows
    return dataclasses.replace(loaded, rows_read=table.num_rows, rows_ignored=ignored)


def _bhavcopy_rows(rows: _Rows) -> LoadedFile:
    table, checks = rows.table, rows.checks
    day = dates(table, "TradDt", checks)
    checks.flag(np.isnat(day), "missing value", "TradDt")
    ts = np.where(np.isnat(day), 0, day.astype("int64")) * _NS_PER_DAY + _CLOSE_UTC_NS
    expiry = dates(table, "XpryDt", checks)
    strike = _required(rows, "StrkPric")
    checks.flag(strike <= 0, "strike must be positive", "StrkPric")
    _resolve_columns(
        rows, strings(table, "TckrSymb", checks), expiry, strike, strings(table, "OptnTp", checks)
    )
    good = ~checks.bad
    volume = _required(rows, "TtlTradgVol", good)
    traded = good & (volume > 0)
    bars = _ohlcv(rows, ("OpnPric", "HghPric", "LwPric", "ClsPric", "TtlTradgVol"), traded)
    settlement = _required(rows, "SttlmPric", good)
    checks.flag(good & (settlement < 0), "negative price", "SttlmPric")
    underlying = _required(rows, "UndrlygPric", good)
    checks.flag(good & ~(underlying > 0), "index value must be positive", "UndrlygPric")
    index_units = _units(rows, underlying, np.full(underlying.size, 2), "UndrlygPric", good)
    order = _order(rows, ts, "TradDt")
    series = _series(rows, "bars", order, ts, bars, traded, "1-DAY-LAST")
    series += _index_bars(rows, order, ts, index_units)
    closes = [
        InstrumentClose(
            rows.refs[int(rows.codes[i])].instruments[0].id,
            Price(round(float(settlement[i]), 2), 2),
            InstrumentCloseType.CONTRACT_EXPIRED
            if day[i] == expiry[i]
            else InstrumentCloseType.END_OF_SESSION,
            int(ts[i]),
            int(ts[i]),
        )
        for i in order
        if settlement[i] > 0
    ]
    return _loaded(rows, series, closes)


def _index_bars(rows: _Rows, order: np.ndarray, ts: np.ndarray, units: np.ndarray) -> list[Series]:
    """One daily bar per underlying and day from ``UndrlygPric`` (on NSE and the NFO mirror)."""
    underlying = [rows.refs[int(code)].instruments[0].underlying for code in rows.codes[order]]
    frame = pd.DataFrame({"underlying": underlying, "ts": ts[order], "units": units[order]})
    first = frame.drop_duplicates(["underlying", "ts"]).sort_values(["underlying", "ts"])
    out: list[Series] = []
    for name, group in first.groupby("underlying"):
        price = group["units"].to_numpy()
        values = dict.fromkeys(("open", "high", "low", "close"), price)
        values["volume"] = np.zeros(price.size, dtype=np.int64)
        for instrument in _index_ref(str(name)).instruments:
            bar_type = _bar_type(instrument, "1-DAY-LAST")
            out.append(Series("bars", instrument, group["ts"].to_numpy(), values, bar_type))
    return out
