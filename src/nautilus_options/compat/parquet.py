"""The on-disk layout of NautilusTrader 1.231's ``ParquetDataCatalog``.

The importer writes catalog files directly (far faster than building Python objects for
``write_data``), so it must write exactly what Nautilus would:

* series of a class live in ``data/<class file name>/<uri-safe instrument id>/``;
* each file is named after its first and last ``ts_init``, ``<iso>_<iso>.parquet`` with
  ``:`` and ``.`` replaced by ``-``, in row groups of 5,000 rows;
* prices and sizes are raw fixed-point integers: 128-bit little-endian values scaled by
  ``10**FIXED_PRECISION`` (16) in the default build, or 64-bit scaled by ``10**9``;
* the schema is the class's arrow schema, with the instrument id and precisions (and the
  bar type for bars) in its metadata.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyarrow as pa
from nautilus_trader.core import nautilus_pyo3
from nautilus_trader.core.datetime import unix_nanos_to_iso8601
from nautilus_trader.model.data import Bar, InstrumentClose, QuoteTick, TradeTick
from nautilus_trader.persistence.funcs import class_to_filename, urisafe_identifier
from nautilus_trader.serialization.arrow.serializer import get_schema

#: ``ParquetDataCatalog.write_data``'s default ``max_rows_per_group``.
ROWS_PER_GROUP = 5000


def folder_name(cls: type) -> str:
    """The name of the folder under ``data/`` holding ``cls`` data (``quote_tick`` ...)."""
    return str(class_to_filename(cls))


#: Folder names of the time series (as opposed to instrument definitions).
SERIES_FOLDERS: frozenset[str] = frozenset(
    folder_name(cls) for cls in (QuoteTick, TradeTick, Bar, InstrumentClose)
)


def data_folder(cls: type, identifier: str) -> Path:
    """The folder of ``cls`` data for ``identifier``, relative to the catalog root."""
    return Path("data") / folder_name(cls) / urisafe_identifier(identifier)


def file_name(start_ns: int, end_ns: int) -> str:
    """The name of a file holding data from ``start_ns`` to ``end_ns`` (``ts_init``)."""
    return f"{_stamp(start_ns)}_{_stamp(end_ns)}.parquet"


def file_interval(name: str) -> tuple[str, str]:
    """The (start, end) stamps of a file named by :func:`file_name`; they sort as times."""
    start, _, end = name.removesuffix(".parquet").partition("_")
    return start, end


def _stamp(ns: int) -> str:
    return unix_nanos_to_iso8601(ns).replace(":", "-").replace(".", "-")


def arrow_schema(
    cls: type,
    instrument_id: str,
    price_precision: int,
    size_precision: int,
    bar_type: str | None = None,
) -> pa.Schema:
    """The arrow schema of ``cls`` with the metadata the catalog writes for a series."""
    metadata = {
        "instrument_id": instrument_id,
        "price_precision": str(price_precision),
        "size_precision": str(size_precision),
    }
    if bar_type is not None:
        metadata["bar_type"] = bar_type
    return get_schema(cls).with_metadata(metadata)


def raw_width(cls: type) -> int:
    """Byte width of the fixed-point columns of ``cls`` in this build (16 or 8)."""
    return int(get_schema(cls).field(0).type.byte_width)


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
