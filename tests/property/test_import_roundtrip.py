"""Any valid quotes file imports into a catalog that reads back exactly."""

from __future__ import annotations

import tempfile
from datetime import datetime, timedelta
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st
from nautilus_trader.persistence.catalog.parquet import ParquetDataCatalog

from nautilus_options.data.catalog import import_files
from nautilus_options.domain.nse import IST

SYMBOLS = ("NIFTY2611324400CE", "NIFTY26JAN24500PE")
START = datetime(2026, 1, 5, 9, 15, tzinfo=IST)
T0 = 1_767_584_700_000_000_000  # START in UNIX ns

QUOTE = st.tuples(
    st.integers(min_value=0, max_value=200_000),  # bid in ticks of 0.05
    st.integers(min_value=0, max_value=400),  # spread in ticks
    st.integers(min_value=0, max_value=10**7),  # bid size
    st.integers(min_value=0, max_value=10**7),  # ask size
)
SERIES = st.dictionaries(st.integers(min_value=0, max_value=10**9), QUOTE, min_size=1)


def _price(ticks: int) -> str:
    return f"{ticks * 5 // 100}.{ticks * 5 % 100:02d}"


@settings(max_examples=25)
@given(st.tuples(SERIES, SERIES))
def test_valid_quotes_read_back_field_by_field(series: tuple[dict, dict]) -> None:
    lines = ["timestamp,symbol,bid,ask,bid_size,ask_size"]
    for symbol, quotes in zip(SYMBOLS, series, strict=True):
        for micros, (bid, spread, bid_size, ask_size) in sorted(quotes.items()):
            stamp = (START + timedelta(microseconds=micros)).isoformat()
            ask = _price(bid + spread)
            lines.append(f"{stamp},{symbol},{_price(bid)},{ask},{bid_size},{ask_size}")
    with tempfile.TemporaryDirectory() as work:
        source = Path(work) / "quotes.csv"
        source.write_text("\n".join(lines) + "\n")
        import_files([source], "quotes", Path(work) / "catalog")
        catalog = ParquetDataCatalog(str(Path(work) / "catalog"))
        for symbol, quotes in zip(SYMBOLS, series, strict=True):
            got = catalog.quote_ticks(instrument_ids=[f"{symbol}.NFO"])
            expected = sorted(quotes.items())
            assert [q.ts_event for q in got] == [T0 + m * 1_000 for m, _ in expected]
            assert [str(q.bid_price) for q in got] == [_price(b) for _, (b, *_) in expected]
            assert [str(q.ask_price) for q in got] == [_price(b + s) for _, (b, s, *_) in expected]
            assert [int(q.bid_size) for q in got] == [v[2] for _, v in expected]
            assert [int(q.ask_size) for q in got] == [v[3] for _, v in expected]
