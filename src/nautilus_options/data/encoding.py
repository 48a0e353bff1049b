"""Validated series encoded as Nautilus catalog tables.

:func:`series_table` builds the arrow table ``ParquetDataCatalog.write_data`` would write
for the same ticks or bars (128-bit fixed-point columns, schema and metadata), without
creating Python objects; the layout itself is in :mod:`nautilus_options.compat.parquet`.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from nautilus_trader.model.data import Bar, QuoteTick, TradeTick

from nautilus_options.compat.parquet import arrow_schema, fixed_point, raw_width
from nautilus_options.data.loaders import Series

#: The Nautilus data class of each series kind.
DATA_CLASSES: dict[str, type] = {"quotes": QuoteTick, "trades": TradeTick, "bars": Bar}


def series_table(series: Series) -> pa.Table:
    """The Nautilus arrow table (schema and metadata as ``write_data`` writes) of a series."""
    cls = DATA_CLASSES[series.kind]
    instrument = series.instrument
    width = raw_width(cls)
    price_fields = {"bid_price", "ask_price", "price", "open", "high", "low", "close"}
    columns: dict[str, pa.Array] = {
        name: fixed_point(
            values,
            instrument.price_precision if name in price_fields else instrument.size_precision,
            width,
        )
        for name, values in series.values.items()
    }
    ts = pa.array(series.ts_event.astype(np.uint64), pa.uint64())
    if series.kind == "trades":
        columns["aggressor_side"] = pa.array(np.zeros(len(ts), dtype=np.uint8))
        columns["trade_id"] = pc.cast(ts, pa.string())
    columns["ts_event"] = ts
    columns["ts_init"] = ts
    schema = arrow_schema(
        cls,
        instrument.id.value,
        instrument.price_precision,
        instrument.size_precision,
        None if series.bar_type is None else str(series.bar_type),
    )
    return pa.table([columns[f.name] for f in schema], schema=schema)
