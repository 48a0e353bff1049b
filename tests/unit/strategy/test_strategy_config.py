"""OptionsSpreadStrategyConfig validation."""

from __future__ import annotations

import math
from datetime import time
from typing import Any, get_args

import msgspec
import pytest

from nautilus_options.domain.spreads import SpreadType
from nautilus_options.errors import ConfigError
from nautilus_options.strategy.config import (
    OptionsSpreadStrategyConfig,
    SpreadTypeName,
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
        ("entry_windows", ("09:30-24:00",)),
        ("entry_weekdays", ()),
        ("entry_weekdays", (7,)),
        ("max_concurrent_spreads", 0),
        ("max_entries_per_day", 0),
        ("reentry_cooldown_minutes", -1.0),
        ("profit_target_pct", 120.0),
        ("stop_loss_credit_multiple", 0.0),
        ("stop_loss_max_loss_pct", 101.0),
        ("exit_time", "25:00"),
        ("exit_time", "9:15"),
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
    assert info.value.field.partition("[")[0] == field  # an element is named by its index


@pytest.mark.parametrize(
    ("field", "value", "reason"),
    [
        ("wing_width", 175.0, "not a multiple of the NIFTY strike step"),
        ("wing_width", 150.0, "not a multiple of the BANKNIFTY strike step"),
        ("wing_width", math.inf, "finite"),
        ("wing_width", math.nan, "finite"),
        ("underlying", "FINNIFTY", "FINNIFTY"),
        ("entry_windows", ("02:00-03:00",), "outside the NSE session"),
        ("entry_windows", ("09:30-14:30", "15:30-16:00"), "outside the NSE session"),
        ("entry_weekdays", (5, 6), "no trading day"),
        ("strike_value", math.inf, "finite"),
    ],
)
def test_settings_that_can_never_trade_are_refused_with_the_reason(
    field: str, value: Any, reason: str
) -> None:
    values: dict[str, Any] = {"underlying": "BANKNIFTY"} if "BANKNIFTY" in reason else {}
    with pytest.raises(ConfigError, match=reason) as info:
        OptionsSpreadStrategyConfig(**values, **{field: value})
    assert info.value.field == field


def test_a_window_partly_inside_the_session_is_accepted() -> None:
    config = OptionsSpreadStrategyConfig(entry_windows=("08:00-09:30", "15:00-18:00"))
    assert config.windows == ((time(8, 0), time(9, 30)), (time(15, 0), time(18, 0)))
    assert OptionsSpreadStrategyConfig(entry_weekdays=(4, 5, 6)).entry_weekdays == (4, 5, 6)


def test_wing_width_on_the_strike_grid_of_each_underlying_is_accepted() -> None:
    assert OptionsSpreadStrategyConfig(wing_width=150).wing_width == 150
    assert OptionsSpreadStrategyConfig(underlying="BANKNIFTY", wing_width=300).wing_width == 300


@pytest.mark.parametrize(
    ("field", "value"),
    [("wing_width", "200"), ("lots", 1.5), ("capital_manager", "yes"), ("entry_weekdays", 1)],
)
def test_a_wrong_type_names_the_field(field: str, value: Any) -> None:
    with pytest.raises(ConfigError, match=f"^{field}: Expected") as info:
        OptionsSpreadStrategyConfig(**{field: value})
    assert info.value.field == field


def test_choice_fields_are_the_names_of_their_enums() -> None:
    assert set(get_args(SpreadTypeName)) == {member.name.lower() for member in SpreadType}
    assert (
        OptionsSpreadStrategyConfig(spread_type="bear_put_debit").spread
        is SpreadType.BEAR_PUT_DEBIT
    )


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


def test_parsed_times_of_the_validated_strings() -> None:
    config = OptionsSpreadStrategyConfig(
        entry_windows=("09:30-11:00", "13:00-14:30"), exit_time="15:10"
    )
    assert config.windows == ((time(9, 30), time(11, 0)), (time(13, 0), time(14, 30)))
    assert config.exit_clock == time(15, 10)
    assert OptionsSpreadStrategyConfig().exit_clock is None
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
