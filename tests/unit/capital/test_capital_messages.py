"""Bus messages validate what they carry."""

from __future__ import annotations

import pytest

from nautilus_options.capital import (
    CapitalRelease,
    SizingRequest,
    SizingResponse,
)
from nautilus_options.capital.messages import (
    MARGIN_ENDPOINT,
    MarginLeg,
    MarginRequest,
    MarginResponse,
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


@pytest.mark.parametrize(
    ("values", "message"),
    [
        (("", "BUY", 65, 10.0), "instrument_id"),
        (("X.NFO", "HOLD", 65, 10.0), "side"),
        (("X.NFO", "SELL", 0, 10.0), "quantity"),
        (("X.NFO", "SELL", 65, -1.0), "price"),
        (("X.NFO", "SELL", 65, float("nan")), "price"),
    ],
)
def test_margin_leg_rejects_bad_values(values: tuple, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        MarginLeg(*values)


def test_margin_request_needs_an_id_and_legs() -> None:
    leg = MarginLeg("X.NFO", "SELL", 65, 0.0)
    with pytest.raises(ValueError, match="request_id"):
        MarginRequest("", (leg,), _ignore_margin)
    with pytest.raises(ValueError, match="legs"):
        MarginRequest("IC", (), _ignore_margin)
    with pytest.raises(ValueError, match="legs"):
        MarginRequest("IC", ("X.NFO",), _ignore_margin)  # type: ignore[arg-type]
    request = MarginRequest("IC", (leg,), _ignore_margin)
    assert request.legs == (leg,)
    assert MARGIN_ENDPOINT == "Margin.basket"


def _ignore_margin(response: MarginResponse) -> None:
    del response
