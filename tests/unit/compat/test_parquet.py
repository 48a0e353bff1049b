"""Each catalog-layout assumption holds against what the installed Nautilus writes."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyarrow.parquet as pq
import pytest
from nautilus_trader.model.data import QuoteTick
from nautilus_trader.model.objects import Price, Quantity
from nautilus_trader.persistence.catalog.parquet import ParquetDataCatalog

from nautilus_options.compat.parquet import (
    ROWS_PER_GROUP,
    SERIES_FOLDERS,
    arrow_schema,
    data_folder,
    file_interval,
    file_name,
    fixed_point,
    folder_name,
    raw_width,
)
from nautilus_options.data.instruments import option_contract
from nautilus_options.domain.nse import parse_tradingsymbol

OPTION = option_contract(parse_tradingsymbol("NIFTY2611325300PE"))
T0 = 1_767_585_600_000_000_000
BIDS = [12_345, 5, 999_999]  # bid prices in paise (units of 10**-2 rupees)


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[QuoteTick]]:
    """A catalog holding three quotes written by Nautilus itself."""
    root = tmp_path_factory.mktemp("catalog")
    quotes = [
        QuoteTick(
            OPTION.id,
            Price(units / 100, 2),
            Price(units / 100 + 0.05, 2),
            Quantity.from_int(65 * (i + 1)),
            Quantity.from_int(130),
            T0 + i * 60_000_000_000,
            T0 + i * 60_000_000_000,
        )
        for i, units in enumerate(BIDS)
    ]
    ParquetDataCatalog(str(root)).write_data(quotes)
    return root, quotes


def test_files_go_where_the_catalog_puts_them(written: tuple[Path, list[QuoteTick]]) -> None:
    root, quotes = written
    (path,) = (root / "data").rglob("*.parquet")
    expected = data_folder(QuoteTick, OPTION.id.value) / file_name(
        quotes[0].ts_init, quotes[-1].ts_init
    )
    assert path.relative_to(root) == expected
    start, end = file_interval(path.name)
    assert start < end
    assert folder_name(QuoteTick) in SERIES_FOLDERS


def test_fixed_point_and_schema_equal_the_catalogs(written: tuple[Path, list[QuoteTick]]) -> None:
    root, _ = written
    (path,) = (root / "data").rglob("*.parquet")
    table = pq.read_table(path)
    width = raw_width(QuoteTick)
    assert (
        table.column("bid_price")
        .combine_chunks()
        .equals(fixed_point(np.array(BIDS), OPTION.price_precision, width))
    )
    sizes = np.array([65, 130, 195])
    assert (
        table.column("bid_size")
        .combine_chunks()
        .equals(fixed_point(sizes, OPTION.size_precision, width))
    )
    schema = arrow_schema(QuoteTick, OPTION.id.value, OPTION.price_precision, OPTION.size_precision)
    assert table.schema.equals(schema, check_metadata=True)


def test_row_groups_are_the_catalogs_default(tmp_path: Path) -> None:
    assert ParquetDataCatalog(str(tmp_path)).max_rows_per_group == ROWS_PER_GROUP
