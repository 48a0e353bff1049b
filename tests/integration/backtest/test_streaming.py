"""The streamed catalog: the same data as the one-shot query, in an order windows don't change."""

from __future__ import annotations

from pathlib import Path

import pytest
from nautilus_trader.backtest.config import BacktestDataConfig
from nautilus_trader.model.data import QuoteTick
from nautilus_trader.persistence.catalog import ParquetDataCatalog

from nautilus_options.data.synthetic import default_catalog
from nautilus_options.domain.time import parse_bound
from nautilus_options.environments.streaming import catalog_windows


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
