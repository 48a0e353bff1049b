"""The vectorised fixed-point encoder agrees with Nautilus' own raw values."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st
from nautilus_trader.model.objects import Price, Quantity

from nautilus_options.compat.parquet import fixed_point

# Up to Nautilus' PRICE_MAX at precision 0 (the loaders refuse larger values).
UNITS = st.lists(st.integers(min_value=0, max_value=17_014_118_346_046), min_size=1, max_size=50)


def _decode(array: object) -> list[int]:
    return [int.from_bytes(value, "little", signed=True) for value in array.to_pylist()]  # type: ignore[attr-defined]


@given(UNITS, st.integers(min_value=0, max_value=4))
def test_prices_encode_like_nautilus(units: list[int], precision: int) -> None:
    encoded = _decode(fixed_point(np.array(units), precision, 16))
    expected = [Price.from_str(f"{u / 10**precision:.{precision}f}").raw for u in units]
    assert encoded == expected


@given(UNITS)
def test_quantities_encode_like_nautilus(units: list[int]) -> None:
    assert _decode(fixed_point(np.array(units), 0, 16)) == [Quantity.from_int(u).raw for u in units]
