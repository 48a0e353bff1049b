"""Each input format imports into a catalog that reads back field by field."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from loader_helpers import CE, PE, bhavcopy_row, snapshot, write_bhavcopy, write_csv
from nautilus_trader.model.data import QuoteTick
from nautilus_trader.model.enums import InstrumentCloseType
from nautilus_trader.model.identifiers import InstrumentId
from nautilus_trader.model.instruments import IndexInstrument, OptionContract
from nautilus_trader.model.objects import Price, Quantity
from nautilus_trader.persistence.catalog.parquet import ParquetDataCatalog
from nautilus_trader.serialization.arrow.serializer import ArrowSerializer

from nautilus_options.data.catalog import import_files, settlement_prices
from nautilus_options.data.encoding import series_table
from nautilus_options.data.instruments import option_contract
from nautilus_options.data.loaders import DEFAULT_QUOTE_SIZE, Series
from nautilus_options.domain.nse import parse_tradingsymbol

T0 = 1_767_584_700_000_000_000  # 2026-01-05 09:15 IST
MINUTE = 60_000_000_000


def test_quotes_csv_with_index_rows(tmp_path: Path) -> None:
    source = write_csv(
        tmp_path / "q.csv",
        "timestamp,symbol,bid,ask,bid_size,ask_size,last,oi",
        f"2026-01-05T09:15:00+05:30,{CE},100.05,100.50,65,130,,1000",
        "2026-01-05T09:15:00+05:30,NIFTY,,,,,24350.15,",
        f"2026-01-05T09:16:00+05:30,{CE},101.00,101.50,0,65,,1000",
        "2026-01-05T09:16:00+05:30,NIFTY 50,,,,,24351.20,",
    )
    report = import_files([source], "quotes", tmp_path / "cat")
    catalog = ParquetDataCatalog(str(tmp_path / "cat"))

    quotes = catalog.quote_ticks(instrument_ids=[f"{CE}.NFO"])
    assert [q.ts_event for q in quotes] == [T0, T0 + MINUTE]
    assert [q.ts_init for q in quotes] == [T0, T0 + MINUTE]
    assert [q.bid_price for q in quotes] == [Price.from_str("100.05"), Price.from_str("101.00")]
    assert [q.ask_price for q in quotes] == [Price.from_str("100.50"), Price.from_str("101.50")]
    assert [q.bid_size for q in quotes] == [Quantity.from_int(65), Quantity.from_int(0)]
    assert [q.ask_size for q in quotes] == [Quantity.from_int(130), Quantity.from_int(65)]
    for venue in ("NSE", "NFO"):
        trades = catalog.trade_ticks(instrument_ids=[f"NIFTY.{venue}"])
        assert [t.price for t in trades] == [Price.from_str("24350.15"), Price.from_str("24351.20")]
        assert [t.ts_event for t in trades] == [T0, T0 + MINUTE]
    instruments = {i.id.value: i for i in catalog.instruments()}
    assert set(instruments) == {f"{CE}.NFO", "NIFTY.NSE", "NIFTY.NFO"}
    option = instruments[f"{CE}.NFO"]
    assert isinstance(option, OptionContract)
    assert option.underlying == "NIFTY"
    assert option.strike_price == Price.from_str("24400.00")
    assert isinstance(instruments["NIFTY.NFO"], IndexInstrument)
    written = {(w.instrument_id, w.data): w.rows for w in report.written}
    assert written[(f"{CE}.NFO", "quote_tick")] == 2
    assert written[("NIFTY.NSE", "trade_tick")] == written[("NIFTY.NFO", "trade_tick")] == 2
    assert report.rows_read == 4
    assert report.rows_skipped == 0
    assert report.rows_read_by_instrument == {f"{CE}.NFO": 2, "NIFTY.NFO": 2, "NIFTY.NSE": 2}


def test_quotes_parquet_with_instrument_columns(tmp_path: Path) -> None:
    source = tmp_path / "q.parquet"
    ts = pa.array([T0, T0, T0 + MINUTE], pa.timestamp("ns", "UTC"))
    pq.write_table(
        pa.table(
            {
                "timestamp": ts.cast(pa.timestamp("ns", "Asia/Kolkata")),
                "underlying": ["NIFTY", "NIFTY", "NIFTY"],
                "expiry": pa.array(np.array(["2026-01-13", "2026-01-27", "2026-01-13"], "M8[D]")),
                "strike": [24400.0, 24500.0, 24400.0],
                "right": ["PE", "CE", "PE"],
                "bid": [80.0, 150.25, 81.0],
                "ask": [80.5, 151.0, 81.5],
            }
        ),
        source,
    )
    import_files([source], "quotes", tmp_path / "cat")
    catalog = ParquetDataCatalog(str(tmp_path / "cat"))
    assert sorted(i.id.value for i in catalog.instruments()) == [
        f"{PE}.NFO",
        "NIFTY26JAN24500CE.NFO",  # the monthly expiry takes the monthly symbol
    ]
    quotes = catalog.quote_ticks(instrument_ids=[f"{PE}.NFO"])
    assert [(q.bid_price.as_double(), q.ask_price.as_double()) for q in quotes] == [
        (80.0, 80.5),
        (81.0, 81.5),
    ]
    assert [q.bid_size.as_double() for q in quotes] == [DEFAULT_QUOTE_SIZE] * 2


def test_bars_csv(tmp_path: Path) -> None:
    source = write_csv(
        tmp_path / "bars.csv",
        "timestamp,symbol,open,high,low,close,volume",
        f"2026-01-05T09:15:00+05:30,{CE},100,101.5,99.05,100.5,650",
        f"2026-01-05T09:16:00+05:30,{CE},100.5,100.5,100.5,100.5,0",
    )
    import_files([source], "bars", tmp_path / "cat")
    catalog = ParquetDataCatalog(str(tmp_path / "cat"))
    bars = catalog.bars(bar_types=[f"{CE}.NFO-1-MINUTE-LAST-EXTERNAL"])
    assert [b.ts_event for b in bars] == [T0 + MINUTE, T0 + 2 * MINUTE]  # stamped at the close
    first = bars[0]
    assert (first.open, first.high, first.low, first.close) == (
        Price.from_str("100.00"),
        Price.from_str("101.50"),
        Price.from_str("99.05"),
        Price.from_str("100.50"),
    )
    assert [b.volume.as_double() for b in bars] == [650, 0]


def test_kite_candles_csv_named_by_tradingsymbol(tmp_path: Path) -> None:
    source = write_csv(
        tmp_path / f"{CE}.csv",
        "date,open,high,low,close,volume,oi",
        "2026-01-05 09:15:00+05:30,100,101.5,99.05,100.5,650,1200",
        "2026-01-05 09:16:00+05:30,100.5,102,100,101,1300,1300",
    )
    report = import_files([source], "kite-candles", tmp_path / "cat")
    catalog = ParquetDataCatalog(str(tmp_path / "cat"))
    bars = catalog.bars(bar_types=[f"{CE}.NFO-1-MINUTE-LAST-EXTERNAL"])
    assert [(b.close.as_double(), b.volume.as_double()) for b in bars] == [
        (100.5, 650),
        (101, 1300),
    ]
    assert {(w.data, w.rows) for w in report.written} == {("instrument", 1), ("bar", 2)}


def test_kite_candles_json_response_for_the_index(tmp_path: Path) -> None:
    source = tmp_path / "NIFTY 50.json"
    candles = [
        ["2026-01-05T09:15:00+0530", 24300, 24310.5, 24295, 24305.25, 0],
        ["2026-01-05T09:16:00+0530", 24305.25, 24306, 24301.1, 24302, 0],
    ]
    source.write_text(json.dumps({"status": "success", "data": {"candles": candles}}))
    import_files([source], "kite-candles", tmp_path / "cat")
    catalog = ParquetDataCatalog(str(tmp_path / "cat"))
    for venue in ("NSE", "NFO"):
        bars = catalog.bars(bar_types=[f"NIFTY.{venue}-1-MINUTE-LAST-EXTERNAL"])
        assert [b.close for b in bars] == [Price.from_str("24305.25"), Price.from_str("24302.00")]
        assert [b.ts_event for b in bars] == [T0 + MINUTE, T0 + 2 * MINUTE]


def test_kite_day_candles_with_symbol_option(tmp_path: Path) -> None:
    source = write_csv(
        tmp_path / "candles.csv",
        "date,open,high,low,close,volume",
        "2026-01-05T00:00:00+0530,100,120,90,110,65000",
    )
    import_files([source], "kite-candles", tmp_path / "cat", symbol=PE, interval="day")
    bars = ParquetDataCatalog(str(tmp_path / "cat")).bars(
        bar_types=[f"{PE}.NFO-1-DAY-LAST-EXTERNAL"]
    )
    assert [b.ts_event for b in bars] == [T0 + 375 * MINUTE]  # 15:30 IST


def test_bhavcopy_daily_bars_index_and_settlement(tmp_path: Path) -> None:
    source = write_bhavcopy(
        tmp_path / "BhavCopy_NSE_FO_0_0_0_20260113_F_0000.csv",
        [
            bhavcopy_row(),
            bhavcopy_row(
                XpryDt="2026-01-27",
                StrkPric="24500",
                OptnTp="PE",
                OpnPric="0",
                HghPric="0",
                LwPric="0",
                ClsPric="0",
                SttlmPric="210.15",
                TtlTradgVol="0",
            ),
            bhavcopy_row(FinInstrmTp="IDF", OptnTp="", StrkPric="", SttlmPric="24500"),
            bhavcopy_row(FinInstrmTp="STO", TckrSymb="RELIANCE"),
        ],
    )
    report = import_files([source], "bhavcopy", tmp_path / "cat")
    catalog = ParquetDataCatalog(str(tmp_path / "cat"))
    close_ns = T0 + 8 * 24 * 60 * MINUTE + 375 * MINUTE  # 2026-01-13 15:30 IST

    bars = catalog.bars(bar_types=[f"{CE}.NFO-1-DAY-LAST-EXTERNAL"])
    assert [(b.open.as_double(), b.high.as_double(), b.low.as_double()) for b in bars] == [
        (100.0, 120.0, 90.0)
    ]
    assert [(b.close.as_double(), b.volume.as_double(), b.ts_event) for b in bars] == [
        (110.0, 650, close_ns)
    ]
    for venue in ("NSE", "NFO"):
        index = catalog.bars(bar_types=[f"NIFTY.{venue}-1-DAY-LAST-EXTERNAL"])
        assert [b.close for b in index] == [Price.from_str("24450.35")]
    assert not catalog.bars(bar_types=["NIFTY26JAN24500PE.NFO-1-DAY-LAST-EXTERNAL"])
    closes = {c.instrument_id.value: c for c in catalog.instrument_closes()}
    assert closes[f"{CE}.NFO"].close_type == InstrumentCloseType.CONTRACT_EXPIRED
    assert closes["NIFTY26JAN24500PE.NFO"].close_type == InstrumentCloseType.END_OF_SESSION
    assert closes["NIFTY26JAN24500PE.NFO"].close_price == Price.from_str("210.15")
    assert report.settlement_prices == {f"{CE}.NFO": 50.35}
    assert settlement_prices(tmp_path / "cat") == {InstrumentId.from_str(f"{CE}.NFO"): 50.35}
    assert report.venue_settlement_prices() == settlement_prices(tmp_path / "cat")
    assert report.files[0].rows_read == 4
    assert report.files[0].rows_ignored == 2


def test_skip_bad_rows_counts_reasons(tmp_path: Path) -> None:
    source = write_csv(
        tmp_path / "q.csv",
        "timestamp,symbol,bid,ask",
        f"2026-01-05T09:15:00+05:30,{CE},100,100.5",
        f"2026-01-05T09:16:00+05:30,{CE},101,100.5",
        f"2026-01-05T09:17:00+05:30,{CE},NaN,100.5",
        "2026-01-05T09:17:00+05:30,FOO,1,2",
        f"2026-01-05T09:15:00+05:30,{CE},100,100.5",
        f"2026-01-05T09:18:00+05:30,{CE},101,101.5",
        f"2026-01-05T09:19:00+05:30,{CE},-1,101.5",
    )
    report = import_files([source], "quotes", tmp_path / "cat", skip_bad_rows=True)
    reasons = {(s.reason.split(":")[0], s.column): (s.count, s.first_rows) for s in report.skipped}
    assert reasons == {
        ("crossed quote (bid > ask)", "bid"): (1, (2,)),
        ("NaN value", "bid"): (1, (3,)),
        ("unknown instrument 'FOO'", "symbol"): (1, (4,)),
        ("negative price", "bid"): (1, (7,)),
        ("duplicate timestamp", "timestamp"): (1, (5,)),
    }
    assert report.rows_skipped == 5
    assert report.rows_read_by_instrument == {f"{CE}.NFO": 6}  # the FOO row names no instrument
    quotes = ParquetDataCatalog(str(tmp_path / "cat")).quote_ticks()
    assert [q.ts_event for q in quotes] == [T0, T0 + 3 * MINUTE]


def test_reimport_is_a_no_op_and_disjoint_data_is_added(tmp_path: Path, catalog: Path) -> None:
    existing = tmp_path / "existing.csv"
    before = snapshot(catalog)
    again = import_files([existing], "quotes", catalog)
    assert again.files_added == ()
    assert len(again.files_unchanged) == 8  # 4 instruments, 2 quote and 2 trade files
    assert again.rows_written == 0
    assert snapshot(catalog) == before

    later = write_csv(
        tmp_path / "later.csv", "timestamp,symbol,bid,ask", f"2026-01-05T09:15:00+05:30,{CE},1,2"
    )
    report = import_files([later], "quotes", catalog)
    assert [Path(f).parent.name for f in report.files_added] == [f"{CE}.NFO"]
    quotes = ParquetDataCatalog(str(catalog)).quote_ticks(instrument_ids=[f"{CE}.NFO"])
    assert [q.bid_price.as_double() for q in quotes] == [90.05, 1.0]


def test_encoding_matches_nautilus_serializer() -> None:
    instrument = option_contract(parse_tradingsymbol(CE))
    ts = np.array([T0, T0 + 1], dtype=np.int64)
    values = {
        "bid_price": np.array([10005, 2_000_000_000]),
        "ask_price": np.array([10050, 2_000_000_005]),
        "bid_size": np.array([65, 0]),
        "ask_size": np.array([1_000_000, 1_755]),
    }
    ours = series_table(Series("quotes", instrument, ts, values))
    ticks = QuoteTick.from_raw_arrays_to_list(
        instrument.id,
        2,
        0,
        values["bid_price"] / 100,
        values["ask_price"] / 100,
        values["bid_size"].astype(float),
        values["ask_size"].astype(float),
        ts.astype(np.uint64),
        ts.astype(np.uint64),
    )
    theirs = ArrowSerializer.rust_defined_to_record_batch(ticks, QuoteTick)
    assert ours.equals(theirs, check_metadata=True)


@pytest.mark.parametrize("suffix", [".csv.gz"])
def test_gzipped_csv(tmp_path: Path, suffix: str) -> None:
    import gzip

    source = tmp_path / f"q{suffix}"
    with gzip.open(source, "wt") as stream:
        stream.write(f"timestamp,symbol,bid,ask\n2026-01-05T09:15:00+05:30,{CE},100,100.5\n")
    report = import_files([source], "quotes", tmp_path / "cat")
    assert report.rows_written == 1


def test_header_only_file_writes_nothing(tmp_path: Path) -> None:
    source = write_csv(tmp_path / "empty.csv", "timestamp,symbol,bid,ask")
    report = import_files([source], "quotes", tmp_path / "cat")
    assert (report.rows_read, report.rows_written, report.files_added) == (0, 0, ())
    assert not (tmp_path / "cat").exists()


def test_nanosecond_timestamps_stay_exact(tmp_path: Path) -> None:
    source = write_csv(
        tmp_path / "q.csv",
        "timestamp,symbol,bid,ask",
        f"2026-01-05T09:15:00.000000001+05:30,{CE},100,100.5",
        f"2026-01-05T09:15:00.000000002+05:30,{CE},100,100.5",
    )
    import_files([source], "quotes", tmp_path / "cat")
    quotes = ParquetDataCatalog(str(tmp_path / "cat")).quote_ticks()
    assert [q.ts_event for q in quotes] == [T0 + 1, T0 + 2]


def test_skip_bad_rows_keeps_row_numbers_after_malformed_rows(tmp_path: Path) -> None:
    source = write_csv(
        tmp_path / "q.csv",
        "timestamp,symbol,bid,ask",
        f"2026-01-05T09:15:00+05:30,{CE},100,100.5,extra",
        f"2026-01-05T09:16:00+05:30,{CE},100,100.5",
        f"2026-01-05T09:17:00+05:30,{CE},102,100.5",
    )
    report = import_files([source], "quotes", tmp_path / "cat", skip_bad_rows=True)
    assert [(s.reason, s.count, s.first_rows) for s in report.skipped] == [
        ("wrong number of fields (expected 4)", 1, (1,)),
        ("crossed quote (bid > ask)", 1, (3,)),
    ]
    assert report.rows_written == 1
