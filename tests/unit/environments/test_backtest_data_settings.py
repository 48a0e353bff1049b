"""Bounds of a run file's settings: a bad value is refused at load, naming its key."""

from __future__ import annotations

import pytest

from nautilus_options.environments.backtest_settings import settings_from_mapping
from nautilus_options.errors import ConfigError


@pytest.mark.parametrize("value", [0, -50])
def test_band_points_must_be_positive(value: float) -> None:
    with pytest.raises(ConfigError) as raised:
        settings_from_mapping({"data": {"band_points": value}}, source="run.yaml")
    assert raised.value.field == "data.band_points"


def test_band_points_accepts_a_distance() -> None:
    settings = settings_from_mapping({"data": {"band_points": 350}})
    assert settings.data.band_points == 350


@pytest.mark.parametrize("value", [0, -1])
def test_max_quote_age_must_be_positive(value: float) -> None:
    with pytest.raises(ConfigError) as raised:
        settings_from_mapping({"strategy": {"max_quote_age_secs": value}}, source="run.yaml")
    assert raised.value.field == "strategy.max_quote_age_secs"
