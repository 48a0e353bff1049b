"""Lots a margin carries (pure)."""

from __future__ import annotations

import pytest

from nautilus_options.strategy.margin import NO_CAP, lots_within


@pytest.mark.parametrize(
    ("available", "per_lot", "lots"),
    [
        (100_000.0, 30_000.0, 3),
        (29_999.99, 30_000.0, 0),
        (-5.0, 30_000.0, 0),
        (float("inf"), 30_000.0, NO_CAP),
        (100_000.0, 0.0, NO_CAP),
    ],
)
def test_lots_within(available: float, per_lot: float, lots: int) -> None:
    assert lots_within(available, per_lot) == lots
