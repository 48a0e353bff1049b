"""Bad input is refused with file, row and column named, and leaves the catalog unchanged."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from loader_helpers import CE, PE, snapshot, write_csv

from nautilus_options.data.catalog import import_files
from nautilus_options.errors import DataError

HEADER = "timestamp,symbol,bid,ask"
GOOD = f"2026-01-05T09:15:00+05:30,{CE},100.05,100.50"

# (case id, header, data rows, expected row, expected column, message fragment)
CSV_CASES = [
    ("missing-timestamp", "symbol,bid,ask", [f"{CE},1,2"], None, "timestamp", "missing required"),
    (
        "missing-ask",
        "timestamp,symbol,bid",
        [f"2026-01-05T09:15:00+05:30,{CE},1"],
        None,
        "ask",
        "needed by option rows",
    ),
    ("unexpected-column", HEADER + ",vendor", [GOOD + ",x"], None, "vendor", "unexpected column"),
    (
        "no-instrument-columns",
        "timestamp,bid,ask",
        ["2026-01-05T09:15:00+05:30,1,2"],
        None,
        "symbol",
        "missing instrument column",
    ),
    (
        "wrong-type",
        HEADER,
        [GOOD, f"2026-01-05T09:16:00+05:30,{CE},abc,100.5"],
        2,
        "bid",
        "not a number",
    ),
    (
        "nan-price",
        HEADER,
        [GOOD, f"2026-01-05T09:16:00+05:30,{CE},NaN,100.5"],
        2,
        "bid",
        "NaN value",
    ),
    (
        "negative-price",
        HEADER,
        [GOOD, f"2026-01-05T09:16:00+05:30,{CE},-1,100.5"],
        2,
        "bid",
        "negative price",
    ),
    (
        "missing-price",
        HEADER,
        [GOOD, f"2026-01-05T09:16:00+05:30,{CE},,100.5"],
        2,
        "bid",
        "missing value",
    ),
    (
        "crossed-quote",
        HEADER,
        [GOOD, f"2026-01-05T09:16:00+05:30,{CE},101.00,100.50"],
        2,
        "bid",
        "crossed quote",
    ),
    (
        "off-tick",
        HEADER,
        [GOOD, f"2026-01-05T09:16:00+05:30,{CE},100.03,100.50"],
        2,
        "bid",
        "not a multiple of the tick",
    ),
    (
        "too-many-decimals",
        HEADER,
        [GOOD, f"2026-01-05T09:16:00+05:30,{CE},100.051,100.5"],
        2,
        "bid",
        "more decimals",
    ),
    (
        "unsorted",
        HEADER,
        [GOOD, f"2026-01-05T09:17:00+05:30,{CE},100,100.5", f"2026-01-05T09:16:00+05:30,{CE},1,2"],
        3,
        "timestamp",
        "not increasing",
    ),
    (
        "duplicate-timestamp",
        HEADER,
        [GOOD, f"2026-01-05T09:15:00+05:30,{CE},100,100.5"],
        2,
        "timestamp",
        "duplicate timestamp",
    ),
    (
        "unknown-symbol",
        HEADER,
        [GOOD, "2026-01-05T09:15:00+05:30,FOO2611324400CE,1,2"],
        2,
        "symbol",
        "unknown instrument 'FOO2611324400CE'",
    ),
    (
        "not-a-symbol",
        HEADER,
        [GOOD, "2026-01-05T09:15:00+05:30,RELIANCE,1,2"],
        2,
        "symbol",
        "unknown instrument 'RELIANCE'",
    ),
    (
        "mixed-timezones",
        HEADER,
        [GOOD, f"2026-01-05T03:46:00Z,{CE},100,100.5"],
        2,
        "timestamp",
        "mixed timezones",
    ),
    (
        "naive-timestamp",
        HEADER,
        [GOOD, f"2026-01-05T09:16:00,{CE},100,100.5"],
        2,
        "timestamp",
        "naive timestamp",
    ),
    (
        "bad-timestamp",
        HEADER,
        [GOOD, f"05/01/2026 09:16,{CE},100,100.5"],
        2,
        "timestamp",
        "not an ISO 8601 timestamp",
    ),
    (
        "index-row-without-value",
        HEADER + ",last",
        [GOOD + ",", "2026-01-05T09:15:00+05:30,NIFTY,,,"],
        2,
        "last",
        "missing value",
    ),
    (
        "bad-size",
        HEADER + ",bid_size,ask_size",
        [GOOD + ",65.5,65"],
        1,
        "bid_size",
        "not a whole number",
    ),
]


@pytest.mark.parametrize(
    ("header", "rows", "row", "column", "message"),
    [case[1:] for case in CSV_CASES],
    ids=[case[0] for case in CSV_CASES],
)
def test_bad_quotes_csv_is_refused_and_catalog_unchanged(
    tmp_path: Path,
    catalog: Path,
    header: str,
    rows: list[str],
    row: int | None,
    column: str,
    message: str,
) -> None:
    source = write_csv(tmp_path / "bad.csv", header, *rows)
    before = snapshot(tmp_path)

    with pytest.raises(DataError) as caught:
        import_files([source], "quotes", catalog)

    error = caught.value
    assert error.file == str(source)
    assert error.row == row
    assert error.column == column
    assert message in str(error)
    assert str(source) in str(error)
    assert snapshot(tmp_path) == before  # catalog untouched, no staging directory left


def test_naive_parquet_timestamps_are_refused(tmp_path: Path, catalog: Path) -> None:
    source = tmp_path / "naive.parquet"
    pq.write_table(
        pa.table(
            {
                "timestamp": pa.array([1_767_584_700_000_000_000], pa.timestamp("ns")),
                "symbol": [CE],
                "bid": [100.05],
                "ask": [100.5],
            }
        ),
        source,
    )
    before = snapshot(tmp_path)
    with pytest.raises(DataError, match="naive timestamps") as caught:
        import_files([source], "quotes", catalog)
    assert (caught.value.file, caught.value.row, caught.value.column) == (
        str(source),
        1,
        "timestamp",
    )
    assert snapshot(tmp_path) == before


def test_wrong_parquet_column_type_is_refused(tmp_path: Path, catalog: Path) -> None:
    source = tmp_path / "types.parquet"
    pq.write_table(
        pa.table(
            {
                "timestamp": pa.array([1_767_584_700_000_000_000], pa.timestamp("ns", "UTC")),
                "symbol": [CE],
                "bid": [True],
                "ask": [100.5],
            }
        ),
        source,
    )
    with pytest.raises(DataError, match="expected a number") as caught:
        import_files([source], "quotes", catalog)
    assert caught.value.column == "bid"


def test_one_bad_file_keeps_the_good_files_out(tmp_path: Path, catalog: Path) -> None:
    good = write_csv(tmp_path / "good.csv", HEADER, GOOD)
    bad = write_csv(tmp_path / "bad.csv", HEADER, f"2026-01-05T09:15:00+05:30,{PE},-5,1")
    before = snapshot(tmp_path)
    with pytest.raises(DataError, match="negative price") as caught:
        import_files([good, bad], "quotes", catalog)
    assert caught.value.file == str(bad)
    assert snapshot(tmp_path) == before


def test_overlap_with_different_existing_data_is_refused(tmp_path: Path, catalog: Path) -> None:
    changed = write_csv(tmp_path / "changed.csv", HEADER, f"2026-01-02T09:15:00+05:30,{CE},1,2")
    before = snapshot(tmp_path)
    with pytest.raises(DataError, match="overlapping data") as caught:
        import_files([changed], "quotes", catalog)
    assert caught.value.file == str(changed)
    assert snapshot(tmp_path) == before


def test_overlap_between_files_of_one_import_is_refused(tmp_path: Path, catalog: Path) -> None:
    first = write_csv(tmp_path / "a.csv", HEADER, GOOD, f"2026-01-05T09:20:00+05:30,{CE},1,2")
    second = write_csv(tmp_path / "b.csv", HEADER, f"2026-01-05T09:17:00+05:30,{CE},1,2")
    before = snapshot(tmp_path)
    with pytest.raises(DataError, match="same import"):
        import_files([first, second], "quotes", catalog)
    assert snapshot(tmp_path) == before


def test_bad_bars_are_refused(tmp_path: Path, catalog: Path) -> None:
    source = write_csv(
        tmp_path / "bars.csv",
        "timestamp,symbol,open,high,low,close,volume",
        f"2026-01-05T09:15:00+05:30,{CE},100,101,99,100.5,650",
        f"2026-01-05T09:16:00+05:30,{CE},100,99,98,100.5,650",
    )
    before = snapshot(tmp_path)
    with pytest.raises(DataError, match="high below") as caught:
        import_files([source], "bars", catalog)
    assert (caught.value.row, caught.value.column) == (2, "high")
    assert snapshot(tmp_path) == before


def test_kite_candles_with_unknown_file_symbol_are_refused(tmp_path: Path, catalog: Path) -> None:
    source = write_csv(
        tmp_path / "INFY.csv",
        "date,open,high,low,close,volume",
        "2026-01-05 09:15:00+05:30,1,1,1,1,0",
    )
    before = snapshot(tmp_path)
    with pytest.raises(DataError, match="unknown instrument 'INFY'") as caught:
        import_files([source], "kite-candles", catalog)
    assert caught.value.file == str(source)
    assert snapshot(tmp_path) == before


def test_unknown_format_and_missing_file(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="unknown format"):
        import_files([tmp_path / "x.csv"], "ticks", tmp_path / "c")
    with pytest.raises(DataError, match="no such file"):
        import_files([tmp_path / "x.csv"], "quotes", tmp_path / "c")
    assert not (tmp_path / "c").exists()


def test_malformed_kite_json_names_the_candle(tmp_path: Path, catalog: Path) -> None:
    source = tmp_path / f"{CE}.json"
    source.write_text('{"data": {"candles": [["2026-01-05T09:15:00+0530", 1, 1, 1, 1, 0], [1]]}}')
    before = snapshot(tmp_path)
    with pytest.raises(DataError, match="candle is not a list of 6 values") as caught:
        import_files([source], "kite-candles", catalog)
    assert (caught.value.file, caught.value.row) == (str(source), 2)
    assert snapshot(tmp_path) == before


COLUMNS = "timestamp,underlying,expiry,strike,right,bid,ask"


@pytest.mark.parametrize(
    ("row", "column", "message"),
    [
        ("2026-01-05T09:15:00+05:30,NIFTY,13/01/2026,24400,CE,1,2", "expiry", "not a date"),
        ("2026-01-05T09:15:00+05:30,NIFTY,2026-01-13,,CE,1,2", "strike", "need expiry, strike"),
        ("2026-01-05T09:15:00+05:30,NIFTY,2026-01-13,24400,XX,1,2", "right", "CE or PE"),
        ("2026-01-05T09:15:00+05:30,FINNIFTY,2026-01-13,24400,CE,1,2", "underlying", "unknown"),
        ("2026-01-05T09:15:00+05:30,NIFTY,2026-01-13,-5,CE,1,2", "strike", "positive"),
        ("2026-01-05T09:15:00+05:30,NIFTY,2026-01-14,24400,CE,1,2", "expiry", "not a NIFTY expiry"),
        ("2026-01-05T09:15:00+05:30,NIFTY,2026-01-13,24413,CE,1,2", "strike", "strike step of 50"),
        ("2026-01-05T09:15:00+05:30,NIFTY,2099-01-13,24400,CE,1,2", "expiry", "to extend it"),
    ],
)
def test_bad_instrument_columns(
    tmp_path: Path, catalog: Path, row: str, column: str, message: str
) -> None:
    source = write_csv(tmp_path / "cols.csv", COLUMNS, row)
    before = snapshot(tmp_path)
    with pytest.raises(DataError, match=message) as caught:
        import_files([source], "quotes", catalog)
    assert (caught.value.row, caught.value.column) == (1, column)
    assert snapshot(tmp_path) == before


def test_row_with_wrong_number_of_fields(tmp_path: Path, catalog: Path) -> None:
    source = write_csv(tmp_path / "ragged.csv", HEADER, GOOD, f"2026-01-05T09:16:00+05:30,{CE},1")
    before = snapshot(tmp_path)
    with pytest.raises(DataError, match="wrong number of fields") as caught:
        import_files([source], "quotes", catalog)
    assert (caught.value.file, caught.value.row) == (str(source), 2)
    assert snapshot(tmp_path) == before
