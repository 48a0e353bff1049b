"""Contracts NSE never listed, rows after expiry, bars that do not fit their interval, and
instants outside Nautilus' range are refused, naming file, row and column; nothing is written."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from loader_helpers import CE, bhavcopy_row, snapshot, write_bhavcopy, write_csv

from nautilus_options.data.catalog import import_files
from nautilus_options.errors import DataError

QUOTES = "timestamp,symbol,bid,ask"
T = "2026-01-05T09:15:00+05:30"


def _refused(tmp_path: Path, catalog: Path, fmt: str, source: Path, **options: object) -> DataError:
    before = snapshot(tmp_path)
    with pytest.raises(DataError) as caught:
        import_files([source], fmt, catalog, **options)  # type: ignore[arg-type]
    assert caught.value.file == str(source)
    assert snapshot(tmp_path) == before
    return caught.value


@pytest.mark.parametrize(
    ("symbol", "message"),
    [
        ("NIFTY2611326013CE", "26013 is not on the NIFTY strike step of 50 points"),
        ("NIFTY2611326000.5CE", "26000.5 is not on the NIFTY strike step"),
        ("NIFTY2611426000CE", "2026-01-14 (Wednesday) is not a NIFTY expiry day"),
        ("NIFTY2611726000CE", "2026-01-17 (Saturday, not a trading day)"),
        ("NIFTY9911226000CE", "outside the NSE calendar"),
        ("NIFTY2612726000CE", "is the monthly NIFTY expiry: use the monthly symbol form"),
        ("BANKNIFTY2612058000CE", "not a BANKNIFTY expiry day"),
    ],
)
def test_symbols_of_contracts_nse_never_listed(
    tmp_path: Path, catalog: Path, symbol: str, message: str
) -> None:
    source = write_csv(tmp_path / "q.csv", QUOTES, f"{T},{CE},1.00,1.05", f"{T},{symbol},1,2")
    error = _refused(tmp_path, catalog, "quotes", source)
    assert (error.row, error.column) == (2, "symbol")
    assert f"unknown instrument {symbol!r}" in str(error)
    assert message in str(error)


def test_quotes_after_the_options_expiry(tmp_path: Path, catalog: Path) -> None:
    source = write_csv(
        tmp_path / "q.csv",
        QUOTES,
        f"2026-01-13T15:30:00+05:30,{CE},1.00,1.05",  # the last instant of the contract
        f"2026-01-13T15:30:01+05:30,{CE},1.00,1.05",
    )
    error = _refused(tmp_path, catalog, "quotes", source)
    assert (error.row, error.column) == (2, "timestamp")
    assert "dated after the option's expiry" in str(error)


def test_bars_ending_after_the_options_expiry(tmp_path: Path, catalog: Path) -> None:
    source = write_csv(
        tmp_path / "b.csv",
        "timestamp,symbol,open,high,low,close",
        f"2026-01-13T15:29:00+05:30,{CE},1,1,1,1",
        f"2026-01-14T09:15:00+05:30,{CE},1,1,1,1",
    )
    error = _refused(tmp_path, catalog, "bars", source)
    assert (error.row, error.column) == (2, "timestamp")
    assert "bar ends after the option's expiry" in str(error)


@pytest.mark.parametrize(
    ("changes", "column", "message"),
    [
        ({"TradDt": "2026-01-14"}, "TradDt", "traded after the option's expiry"),
        ({"XpryDt": "2026-01-14"}, "XpryDt", "2026-01-14 (Wednesday) is not a NIFTY expiry"),
        ({"OptnTp": "XE"}, "OptnTp", "right must be CE or PE, got 'XE'"),
        ({"StrkPric": "24410"}, "StrkPric", "not on the NIFTY strike step"),
        ({"XpryDt": "2099-01-13"}, "XpryDt", "to extend it"),
        ({"TradDt": "2300-01-13"}, "TradDt", "outside 1970-01-01 to 2262-04-11"),
    ],
)
def test_bhavcopy_rows_of_impossible_contracts_name_their_column(
    tmp_path: Path, catalog: Path, changes: dict[str, str], column: str, message: str
) -> None:
    source = write_bhavcopy(tmp_path / "bhav.csv", [bhavcopy_row(), bhavcopy_row(**changes)])
    error = _refused(tmp_path, catalog, "bhavcopy", source)
    assert (error.row, error.column) == (2, column)
    assert message in str(error)


def test_symbol_beside_a_partial_instrument_set_is_ambiguous(tmp_path: Path, catalog: Path) -> None:
    source = write_csv(tmp_path / "q.csv", "timestamp,symbol,underlying,bid,ask", f"{T},{CE},,1,2")
    error = _refused(tmp_path, catalog, "quotes", source)
    assert error.column == "underlying"
    assert "ambiguous instrument columns" in str(error)


@pytest.mark.parametrize(
    ("second", "message"),
    [
        ("2026-01-05T09:15:30+05:30", "bar does not open on a whole minute"),
        ("2026-01-05T09:15:00.5+05:30", "bar does not open on a whole minute"),
    ],
)
def test_bars_must_be_one_minute_apart(
    tmp_path: Path, catalog: Path, second: str, message: str
) -> None:
    header = "timestamp,symbol,open,high,low,close"
    source = write_csv(tmp_path / "b.csv", header, f"{T},{CE},1,1,1,1", f"{second},{CE},1,1,1,1")
    error = _refused(tmp_path, catalog, "bars", source)
    assert (error.row, error.column) == (2, "timestamp")
    assert message in str(error)


CANDLES = "date,open,high,low,close,volume"
MINUTE_CANDLES = ("2026-01-05T09:15:00+0530,1,1,1,1,0", "2026-01-05T09:16:00+0530,1,1,1,1,0")


def test_minute_candles_imported_as_daily_are_refused(tmp_path: Path, catalog: Path) -> None:
    source = write_csv(tmp_path / f"{CE}.csv", CANDLES, *MINUTE_CANDLES)
    error = _refused(tmp_path, catalog, "kite-candles", source, interval="day")
    assert (error.row, error.column) == (1, "date")
    assert "not a daily candle" in str(error)


def test_minute_candles_imported_as_3minute_overlap(tmp_path: Path, catalog: Path) -> None:
    source = write_csv(tmp_path / f"{CE}.csv", CANDLES, *MINUTE_CANDLES)
    error = _refused(tmp_path, catalog, "kite-candles", source, interval="3minute")
    assert (error.row, error.column) == (2, "date")
    assert "less than 180 s after the previous one: overlapping bars" in str(error)


def test_two_daily_candles_on_one_day_are_refused(tmp_path: Path, catalog: Path) -> None:
    rows = ("2026-01-05T00:00:00+0530,1,1,1,1,0", "2026-01-05T00:00:00+0530,1,1,1,1,0")
    source = write_csv(tmp_path / f"{CE}.csv", CANDLES, *rows)
    error = _refused(tmp_path, catalog, "kite-candles", source, interval="day")
    assert (error.row, error.column) == (2, "date")


@pytest.mark.parametrize(
    "stamp", ["1969-12-31T23:00:00+00:00", "1970-01-01T00:00:00+05:30", "2263-01-05T09:15:00Z"]
)
def test_text_timestamps_outside_the_nanosecond_range(
    tmp_path: Path, catalog: Path, stamp: str
) -> None:
    source = write_csv(tmp_path / "q.csv", QUOTES, f"{T},{CE},1,2", f"{stamp},{CE},1,2")
    error = _refused(tmp_path, catalog, "quotes", source)
    assert (error.row, error.column) == (2, "timestamp")
    assert "outside 1970-01-01 to 2262-04-11" in str(error)


@pytest.mark.parametrize(
    ("stamp", "row"), [("2026-02-30T09:15:00+05:30", 2), ("2026-01-05T25:15:00+05:30", 2)]
)
def test_text_timestamps_naming_no_instant(
    tmp_path: Path, catalog: Path, stamp: str, row: int
) -> None:
    source = write_csv(tmp_path / "q.csv", QUOTES, f"{T},{CE},1,2", f"{stamp},{CE},1,2")
    error = _refused(tmp_path, catalog, "quotes", source)
    assert (error.row, error.column) == (row, "timestamp")
    assert "not a valid timestamp" in str(error)


@pytest.mark.parametrize("seconds", [-3600, 10_000_000_000])  # 1969 and the year 2286
def test_parquet_timestamps_outside_the_nanosecond_range(
    tmp_path: Path, catalog: Path, seconds: int
) -> None:
    source = tmp_path / "q.parquet"
    stamps = pa.array([1_767_584_700, seconds], pa.timestamp("s", "UTC"))
    pq.write_table(
        pa.table({"timestamp": stamps, "symbol": [CE, CE], "bid": [1.0] * 2, "ask": [2.0] * 2}),
        source,
    )
    error = _refused(tmp_path, catalog, "quotes", source)
    assert (error.row, error.column) == (2, "timestamp")
    assert "outside 1970-01-01 to 2262-04-11" in str(error)


def test_skipped_malformed_rows_count_as_read(tmp_path: Path) -> None:
    source = write_csv(
        tmp_path / "q.csv", QUOTES, f"{T},{CE},1,2,extra", f"2026-01-05T09:16:00+05:30,{CE},1,2"
    )
    report = import_files([source], "quotes", tmp_path / "cat", skip_bad_rows=True)
    assert (report.rows_read, report.rows_written, report.rows_skipped) == (2, 1, 1)
