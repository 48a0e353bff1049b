"""SpreadMonitorConfig validation names the offending field."""

from __future__ import annotations

import msgspec
import pytest

from nautilus_options import SpreadMonitorConfig
from nautilus_options.errors import ConfigError


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("interval_secs", 0.0),
        ("interval_secs", -5.0),
        ("strategy_id", ""),
        ("strategy_id", "OptionsSpreadStrategy-"),  # StrategyId would abort the process
        ("strategy_id", "OptionsSpreadStrategy"),
        ("strategy_id", "Straddle-é"),
        ("risk_free_rate", 1.5),
        ("index_venue", ""),
        ("max_snapshots", -1),
    ],
)
def test_invalid_values_raise_config_error_naming_the_field(field: str, value: object) -> None:
    with pytest.raises(ConfigError) as exc:
        SpreadMonitorConfig(**{field: value})  # type: ignore[arg-type]
    assert exc.value.field == field


def test_defaults_and_parsing_from_plain_data() -> None:
    config = msgspec.convert({"interval_secs": 30, "strategy_id": "S-001"}, SpreadMonitorConfig)
    assert config.interval_secs == 30.0
    assert config.strategy_id == "S-001"
    assert config.publish_on_fills is True
    assert config.max_snapshots is None


def test_unknown_fields_are_rejected() -> None:
    with pytest.raises(msgspec.ValidationError, match="unknown field `interval`"):
        msgspec.convert({"interval": 30}, SpreadMonitorConfig)
