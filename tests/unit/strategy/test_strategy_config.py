"""OptionsSpreadStrategyConfig validation."""

from __future__ import annotations

from datetime import time
from typing import Any

import msgspec
import pytest

from nautilus_options.errors import ConfigError
from nautilus_options.strategy.config import (
    OptionsSpreadStrategyConfig,
    parse_ist_time,
    parse_window,
)


def test_defaults_are_valid_and_hedging() -> None:
    config = OptionsSpreadStrategyConfig()
    assert config.oms_type == "HEDGING"
    assert config.spread_type == "iron_condor"
    assert config.is_credit
    # A weekly condor held over days: never opened within two days of its expiry, closed
    # 30 minutes before it, no intraday flat time.
    assert (config.strike_rule, config.strike_value, config.wing_width) == ("delta", 0.16, 200)
    assert config.min_days_to_expiry == 2
    assert config.exit_time is None
    assert config.exit_minutes_before_expiry == 30.0
    assert (config.profit_target_pct, config.stop_loss_credit_multiple) == (50.0, 2.0)


def test_debit_spread_is_not_credit() -> None:
    assert not OptionsSpreadStrategyConfig(spread_type="bull_call_debit").is_credit


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("underlying", ""),
        ("spread_type", "straddle"),
        ("strike_rule", "gamma"),
        ("strike_value", 1.5),
        ("wing_width", 0.0),
        ("expiry_rule", "quarterly"),
        ("min_days_to_expiry", -1),
        ("entry_windows", ()),
        ("entry_windows", ("10:00-09:00",)),
        ("entry_windows", ("9:30-10:00",)),
        ("entry_weekdays", (7,)),
        ("max_concurrent_spreads", 0),
        ("max_entries_per_day", 0),
        ("reentry_cooldown_minutes", -1.0),
        ("profit_target_pct", 120.0),
        ("stop_loss_credit_multiple", 0.0),
        ("stop_loss_max_loss_pct", 101.0),
        ("exit_time", "25:00"),
        ("mark_side", "last"),
        ("reprice_interval_secs", 0.0),
        ("leg_timeout_secs", 0.0),
        ("lots", 0),
        ("max_lots", 0),
        ("risk_free_rate", 1.5),
        ("oms_type", "NETTING"),
    ],
)
def test_invalid_value_names_the_field(field: str, value: Any) -> None:
    with pytest.raises(ConfigError) as info:
        OptionsSpreadStrategyConfig(**{field: value})
    assert info.value.field == field


def test_hold_to_expiry_excludes_time_exits() -> None:
    with pytest.raises(ConfigError) as info:
        OptionsSpreadStrategyConfig(hold_to_expiry=True)
    assert info.value.field == "exit_minutes_before_expiry"
    with pytest.raises(ConfigError) as info:
        OptionsSpreadStrategyConfig(
            hold_to_expiry=True, exit_time="15:00", exit_minutes_before_expiry=None
        )
    assert info.value.field == "exit_time"
    held = OptionsSpreadStrategyConfig(hold_to_expiry=True, exit_minutes_before_expiry=None)
    assert held.hold_to_expiry


def test_strike_value_checked_against_rule() -> None:
    assert OptionsSpreadStrategyConfig(strike_rule="points", strike_value=300).strike_value == 300
    with pytest.raises(ConfigError, match="strike_value"):
        OptionsSpreadStrategyConfig(strike_rule="premium", strike_value=0.0)


def test_parse_helpers() -> None:
    assert parse_ist_time("09:15", "x") == time(9, 15)
    assert parse_window("09:30-14:30") == (time(9, 30), time(14, 30))


def test_config_round_trips_through_dict() -> None:
    config = OptionsSpreadStrategyConfig(
        spread_type="bull_put_credit", entry_windows=("10:00-11:00",)
    )
    data = msgspec.to_builtins(config)
    restored = OptionsSpreadStrategyConfig.parse(msgspec.json.encode(data))
    assert restored.spread_type == "bull_put_credit"
    assert restored.entry_windows == ("10:00-11:00",)
