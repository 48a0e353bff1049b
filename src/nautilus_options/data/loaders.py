"""Read vendor files into validated per-instrument series, ready for the catalog.

:func:`load_file` reads one file of a format described in
:mod:`nautilus_options.data.schemas`, checks every row with vectorised pyarrow/numpy code
and returns :class:`Series` of fixed-point integers per instrument. Nothing is written
here; :mod:`nautilus_options.data.catalog` turns the series into Nautilus' parquet layout.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from nautilus_trader.model.data import BarType, InstrumentClose
from nautilus_trader.model.enums import InstrumentCloseType
from nautilus_trader.model.instruments import Instrument
from nautilus_trader.model.objects import Price

from nautilus_options.data.checks import RowChecks, SkippedRows, dates, strings, timestamps
from nautilus_options.data.readers import file_stem, read_table
from nautilus_options.data.rows import Rows, index_ref, symbol_ref
from nautilus_options.data.schemas import Format, schema_for
from nautilus_options.domain.nse import CONTRACT_SPECS, expiry_ns, validate_underlying
from nautilus_options.domain.time import NS_PER_DAY, NS_PER_MINUTE, ist_ns
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
_EPOCH_DAY = date(1970, 1, 1)
#: IST midnight of day 0 as UNIX ns (minus the UTC offset of IST).
_IST_MIDNIGHT_NS = ist_ns(_EPOCH_DAY)
#: The session close (15:30 IST) of day 0 as UNIX ns: add whole days for any other day.
_CLOSE_NS = expiry_ns(_EPOCH_DAY)

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
    table, malformed = read_table(Path(path), schema)
    identity = schema.check_columns(table.column_names, file)
    kept = np.setdiff1d(np.arange(1, table.num_rows + len(malformed) + 1), malformed)
    checks = RowChecks(file, table.num_rows, skip_bad_rows, kept)
    checks.dropped(malformed, f"wrong number of fields (expected {table.num_columns})")
    rows = Rows(table, checks)
    if schema.name == "quotes":
        return _quotes(rows, identity)
    if schema.name == "bars":
        return _bars(rows, identity, 1)
    if schema.name == "kite-candles":
        return _candles(rows, symbol or file_stem(Path(path)), interval)
    return _bhavcopy(rows, underlyings)


def _series(
    rows: Rows,
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


def _loaded(rows: Rows, series: list[Series], closes: Sequence[InstrumentClose] = ()) -> LoadedFile:
    used = {s.instrument.id: s.instrument for s in series}
    counts = np.bincount(rows.codes, minlength=len(rows.refs) + 1)
    by_instrument = {
        instrument.id.value: int(counts[code])
        for code, ref in enumerate(rows.refs)
        for instrument in ref.instruments
    }
    return LoadedFile(
        file=rows.checks.file,
        rows_read=rows.table.num_rows + rows.checks.unread,
        rows_ignored=0,
        instruments=tuple(used.values()),
        series=tuple(series),
        closes=tuple(closes),
        skipped=tuple(rows.checks.skipped),
        rows_by_instrument=by_instrument,
    )


# -- formats ----------------------------------------------------------------------------------


def _quotes(rows: Rows, identity: tuple[str, ...]) -> LoadedFile:
    ts = timestamps(rows.table, "timestamp", rows.checks)
    rows.identify(identity)
    index = rows.index_mask()
    option = ~index & ~rows.checks.bad
    columns = rows.table.column_names
    for name, needed_by in (("bid", option), ("ask", option), ("last", index)):
        if name not in columns and needed_by.any():
            kind = "option" if needed_by is option else "index"
            raise rows.checks.fail(f"missing column (needed by {kind} rows)", name)
    values: dict[str, np.ndarray] = {}
    if option.any():
        bid = rows.required("bid", option)
        ask = rows.required("ask", option)
        rows.checks.flag(option & (bid > ask), "crossed quote (bid > ask)", "bid")
        values["bid_price"] = rows.prices(bid, "bid", option)
        values["ask_price"] = rows.prices(ask, "ask", option)
        values["bid_size"] = rows.sizes("bid_size", DEFAULT_QUOTE_SIZE, option)
        values["ask_size"] = rows.sizes("ask_size", DEFAULT_QUOTE_SIZE, option)
    trades: dict[str, np.ndarray] = {}
    if index.any():
        last = rows.required("last", index)
        rows.checks.flag(index & (last == 0), "index value is zero", "last")
        trades["price"] = rows.prices(last, "last", index)
        trades["size"] = np.ones(rows.table.num_rows, dtype=np.int64)
    if "oi" in columns:
        rows.sizes("oi", 0, ~rows.checks.bad, nullable=True)
    rows.after_expiry(ts, "timestamp")
    order = rows.order(ts, "timestamp")
    series = _series(rows, "quotes", order, ts, values, option) if values else []
    if trades:
        series += _series(rows, "trades", order, ts, trades, index)
    return _loaded(rows, series)


def _ohlcv(rows: Rows, names: Sequence[str], where: np.ndarray) -> dict[str, np.ndarray]:
    """Check open/high/low/close/volume columns (given in that order) and return units."""
    o, h, low, c = (rows.required(name, where) for name in names[:4])
    rows.checks.flag(
        where & (h < np.maximum(np.maximum(o, c), low)), "high below open/low/close", names[1]
    )
    rows.checks.flag(where & (low > np.minimum(o, c)), "low above open/close", names[2])
    values = {
        key: rows.prices(array, name, where)
        for key, array, name in zip(
            ("open", "high", "low", "close"), (o, h, low, c), names, strict=False
        )
    }
    values["volume"] = rows.sizes(names[4], 0, where)
    return values


def _bars(rows: Rows, identity: tuple[str, ...], minutes: int) -> LoadedFile:
    ts = timestamps(rows.table, "timestamp", rows.checks)
    rows.identify(identity)
    values = _ohlcv(rows, ("open", "high", "low", "close", "volume"), ~rows.checks.bad)
    if "oi" in rows.table.column_names:
        rows.sizes("oi", 0, ~rows.checks.bad, nullable=True)
    return _minute_bars(rows, ts, values, "timestamp", minutes)


def _minute_bars(
    rows: Rows, ts: np.ndarray, values: dict[str, np.ndarray], column: str, minutes: int
) -> LoadedFile:
    """Bars of ``minutes`` opening at ``ts``: on whole minutes, never overlapping."""
    length = minutes * NS_PER_MINUTE
    rows.checks.flag(ts % NS_PER_MINUTE != 0, "bar does not open on a whole minute", column)
    ts_event = ts + length
    rows.after_expiry(ts_event, column, "bar ends")
    order = rows.order(ts, column, spacing_ns=length)
    every = np.ones(rows.table.num_rows, dtype=bool)
    spec = f"{minutes}-MINUTE-LAST"
    return _loaded(rows, _series(rows, "bars", order, ts_event, values, every, spec))


def _candles(rows: Rows, symbol: str, interval: str) -> LoadedFile:
    if interval not in KITE_INTERVALS:
        raise DataError(f"unknown Kite interval {interval!r} (known: {', '.join(KITE_INTERVALS)})")
    try:
        ref = symbol_ref(symbol)
    except (ValueError, ArithmeticError) as exc:
        raise rows.checks.fail(
            f"unknown instrument {symbol!r} (from the file name or --symbol): {exc}"
        ) from exc
    rows.refs.append(ref)
    rows.codes = np.zeros(rows.table.num_rows, dtype=np.int64)
    ts = timestamps(rows.table, "date", rows.checks)
    values = _ohlcv(rows, ("open", "high", "low", "close", "volume"), ~rows.checks.bad)
    if "oi" in rows.table.column_names:
        rows.sizes("oi", 0, ~rows.checks.bad, nullable=True)
    minutes = KITE_INTERVALS[interval]
    if minutes is not None:
        return _minute_bars(rows, ts, values, "date", minutes)
    rows.checks.flag(
        (ts - _IST_MIDNIGHT_NS) % NS_PER_DAY != 0,
        "not a daily candle: Kite's daily candles open at 00:00 IST (does --interval match "
        "the data?)",
        "date",
    )
    ts_event = _session_close(ts)
    rows.after_expiry(ts_event, "date", "candle ends")
    order = rows.order(ts, "date")
    every = np.ones(rows.table.num_rows, dtype=bool)
    return _loaded(rows, _series(rows, "bars", order, ts_event, values, every, "1-DAY-LAST"))


def _session_close(ts: np.ndarray) -> np.ndarray:
    """15:30 IST on the IST day of each timestamp, as UNIX ns."""
    days = (ts - _IST_MIDNIGHT_NS) // NS_PER_DAY
    return days * NS_PER_DAY + _CLOSE_NS


def _bhavcopy(rows: Rows, underlyings: Sequence[str] | None) -> LoadedFile:
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
    selected = Rows(table.filter(pa.array(keep_np)), checks)
    loaded = _bhavcopy_rows(selected)
    ignored = table.num_rows - selected.table.num_rows
    read = table.num_rows + rows.checks.unread
    return dataclasses.replace(loaded, rows_read=read, rows_ignored=ignored)


def _bhavcopy_rows(rows: Rows) -> LoadedFile:
    table, checks = rows.table, rows.checks
    day = dates(table, "TradDt", checks)
    checks.flag(np.isnat(day), "missing value", "TradDt")
    ts = np.where(np.isnat(day), 0, day.astype("int64")) * NS_PER_DAY + _CLOSE_NS
    expiry = dates(table, "XpryDt", checks)
    strike = rows.required("StrkPric")
    checks.flag(strike <= 0, "strike must be positive", "StrkPric")
    rows.resolve_columns(
        strings(table, "TckrSymb", checks),
        expiry,
        strike,
        strings(table, "OptnTp", checks),
        ("TckrSymb", "XpryDt", "StrkPric", "OptnTp"),
    )
    rows.after_expiry(ts, "TradDt", "traded")
    good = ~checks.bad
    volume = rows.required("TtlTradgVol", good)
    traded = good & (volume > 0)
    bars = _ohlcv(rows, ("OpnPric", "HghPric", "LwPric", "ClsPric", "TtlTradgVol"), traded)
    settlement = rows.required("SttlmPric", good)
    checks.flag(good & (settlement < 0), "negative price", "SttlmPric")
    underlying = rows.required("UndrlygPric", good)
    checks.flag(good & ~(underlying > 0), "index value must be positive", "UndrlygPric")
    index_units = rows.units(underlying, np.full(underlying.size, 2), "UndrlygPric", good)
    order = rows.order(ts, "TradDt")
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


def _index_bars(rows: Rows, order: np.ndarray, ts: np.ndarray, units: np.ndarray) -> list[Series]:
    """One daily bar per underlying and day from ``UndrlygPric`` (on NSE and the NFO mirror)."""
    underlying = [rows.refs[int(code)].instruments[0].underlying for code in rows.codes[order]]
    frame = pd.DataFrame({"underlying": underlying, "ts": ts[order], "units": units[order]})
    first = frame.drop_duplicates(["underlying", "ts"]).sort_values(["underlying", "ts"])
    out: list[Series] = []
    for name, group in first.groupby("underlying"):
        price = group["units"].to_numpy()
        values = dict.fromkeys(("open", "high", "low", "close"), price)
        values["volume"] = np.zeros(price.size, dtype=np.int64)
        for instrument in index_ref(str(name)).instruments:
            bar_type = _bar_type(instrument, "1-DAY-LAST")
            out.append(Series("bars", instrument, group["ts"].to_numpy(), values, bar_type))
    return out
