"""The reference strategy's config names the bad field."""

from __future__ import annotations

from typing import Any

import pytest

from nautilus_options.capital.example import SizedRoundTripConfig
from nautilus_options.errors import ConfigError


@pytest.mark.parametrize(
    ("field", "value"),
    [("hold_quotes", 0), ("wait_quotes", -1), ("max_lots", 0)],
)
def test_invalid_value_names_the_field(field: str, value: int) -> None:
    values: dict[str, Any] = {field: value}
    with pytest.raises(ConfigError, match=f"^{field}: "):
        SizedRoundTripConfig(instrument_id="RELIANCE.NSE", **values)


def test_loads_from_json() -> None:
    config = SizedRoundTripConfig.parse('{"instrument_id": "RELIANCE.NSE", "max_lots": 3}')

    assert (config.hold_quotes, config.wait_quotes, config.max_lots) == (2, 1, 3)
