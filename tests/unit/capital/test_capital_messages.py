"""Bus messages validate what they carry."""

from __future__ import annotations

import pytest

from nautilus_options.capital import (
    CapitalRelease,
    SizingRequest,
    SizingResponse,
)


def _ignore(response: SizingResponse) -> None:
    del response


@pytest.mark.parametrize(
    ("values", "message"),
    [
        (("", 1_000.0, None), "request_id"),
        (("S1", 0.0, None), "capital_per_lot"),
        (("S1", float("inf"), None), "capital_per_lot"),
        (("S1", float("nan"), None), "capital_per_lot"),
        (("S1", 1_000.0, -1), "max_lots"),
    ],
)
def test_sizing_request_rejects_bad_values(values: tuple, message: str) -> None:
    request_id, capital_per_lot, max_lots = values
    with pytest.raises(ValueError, match=message):
        SizingRequest(request_id, "S", capital_per_lot, max_lots, _ignore)


@pytest.mark.parametrize("amount", [0.0, -1.0, float("nan")])
def test_release_rejects_bad_amount(amount: float) -> None:
    with pytest.raises(ValueError, match="amount"):
        CapitalRelease("S1", amount)


def test_release_defaults_to_everything() -> None:
    assert CapitalRelease("S1").amount is None
