"""The streamed catalog: the same data as the one-shot query, in an order windows don't change."""

from __future__ import annotations

from pathlib import Path

import pytest
from nautilus_trader.backtest.config import BacktestDataConfig
from nautilus_trader.model.data import QuoteTick
from nautilus_trader.persistence.catalog import ParquetDataCatalog

from nautilus_options.data.selection import read_instruments
from nautilus_options.data.synthetic import default_catalog
from nautilus_options.domain.time import parse_bound
from nautilus_options.environments.streaming import catalog_windows, series_files


@pytest.fixture(scope="module")
def catalog() -> Path:
    return default_catalog()


@pytest.mark.parametrize("window_days", [1, 3])
def test_windows_hold_the_one_shot_query_in_time_then_instrument_order(
    catalog: Path, window_days: int
) -> None:
    start = parse_bound("2026-01-05", "start")
    end = parse_bound("2026-01-07", "end", end=True)
    config = BacktestDataConfig(catalog_path=str(catalog), data_cls=QuoteTick)
    streamed = [q for chunk in catalog_windows(config, start, end, window_days) for q in chunk]
    expected = ParquetDataCatalog(str(catalog)).query(QuoteTick, start=start, end=end)
    expected.sort(key=lambda q: (q.ts_init, q.instrument_id.value))
    assert len(streamed) == len(expected) > 0
    assert all(
        s.ts_init == e.ts_init and s.instrument_id == e.instrument_id and s.bid_price == e.bid_price
        for s, e in zip(streamed, expected, strict=True)
    )


def test_windows_of_named_instruments_read_only_their_files(catalog: Path) -> None:
    start = parse_bound("2026-01-05", "start")
    end = parse_bound("2026-01-09", "end", end=True)
    ids = sorted(p.name for p in (catalog / "data" / "quote_tick").iterdir())[:3]
    config = BacktestDataConfig(catalog_path=str(catalog), data_cls=QuoteTick, instrument_ids=ids)
    assert {f[2].split("/")[-2] for f in series_files(catalog, QuoteTick, ids)} == set(ids)
    streamed = [q for chunk in catalog_windows(config, start, end, 2) for q in chunk]
    expected = ParquetDataCatalog(str(catalog)).query(
        QuoteTick, identifiers=ids, start=start, end=end
    )
    assert len(streamed) == len(expected) > 0
    assert {q.instrument_id.value for q in streamed} == set(ids)


def test_read_instruments_follows_the_order_of_the_ids(catalog: Path) -> None:
    ids = sorted(p.name for p in (catalog / "data" / "option_contract").iterdir())[:4]
    wanted = [ids[2], "NIFTY.NSE", ids[0], "NOPE.NFO"]
    assert [i.id.value for i in read_instruments(catalog, wanted)] == wanted[:3]
