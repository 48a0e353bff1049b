"""Nautilus' parquet layout written directly from validated series.

:func:`series_table` builds the arrow table ``ParquetDataCatalog.write_data`` would write
for the same ticks or bars (128-bit fixed-point columns, schema and metadata), without
creating Python objects.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from nautilus_trader.core import nautilus_pyo3
from nautilus_trader.model.data import Bar, QuoteTick, TradeTick
from nautilus_trader.serialization.arrow.serializer import get_schema

from nautilus_options.data.loaders import Series

#: The Nautilus data class of each series kind.
DATA_CLASSES: dict[str, type] = {"quotes": QuoteTick, "trades": TradeTick, "bars": Bar}


def _mul_u128(values: np.ndarray, factor: int) -> tuple[np.ndarray, np.ndarray]:
    """Multiply uint64 ``values`` by ``factor`` (< 2**64) into (low, high) uint64 words."""
    mask = np.uint64(0xFFFFFFFF)
    a_lo, a_hi = values & mask, values >> np.uint64(32)
    b_lo, b_hi = np.uint64(factor & 0xFFFFFFFF), np.uint64(factor >> 32)
    ll, lh, hl, hh = a_lo * b_lo, a_lo * b_hi, a_hi * b_lo, a_hi * b_hi
    cross = (ll >> np.uint64(32)) + (lh & mask) + (hl & mask)
    low = (ll & mask) | ((cross & mask) << np.uint64(32))
    high = hh + (lh >> np.uint64(32)) + (hl >> np.uint64(32)) + (cross >> np.uint64(32))
    return low, high


def fixed_point(units: np.ndarray, precision: int, width: int) -> pa.Array:
    """Encode non-negative integers of ``10**-precision`` as Nautilus raw fixed-point values.

    ``width`` is the byte width of the catalog's fixed-size binary columns: 16 (128-bit
    raw values scaled by ``10**16``) or 8 (64-bit scaled by ``10**9``).
    """
    factor = 10 ** (nautilus_pyo3.FIXED_PRECISION - precision)
    values = np.ascontiguousarray(units, dtype=np.uint64)
    if width == 8:
        raw = (values * np.uint64(factor)).astype("<u8")
    else:
        raw = np.empty((values.size, 2), dtype="<u8")
        raw[:, 0], raw[:, 1] = _mul_u128(values, factor)
    return pa.FixedSizeBinaryArray.from_buffers(
        pa.binary(width), values.size, [None, pa.py_buffer(raw)]
    )


def series_table(series: Series) -> pa.Table:
    """The Nautilus arrow table (schema and metadata as ``write_data`` writes) of a series."""
    cls = DATA_CLASSES[series.kind]
    schema = get_schema(cls)
    instrument = series.instrument
    width = schema.field(0).type.byte_width
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
    metadata = {
        "instrument_id": instrument.id.value,
        "price_precision": str(instrument.price_precision),
        "size_precision": str(instrument.size_precision),
    }
    if series.bar_type is not None:
        metadata["bar_type"] = str(series.bar_type)
    return pa.table([columns[f.name] for f in schema], schema=schema.with_metadata(metadata))
