"""Every public config round-trips through ``parse(json())`` and an ``Importable*Config`` dict."""

from __future__ import annotations

from typing import Any, get_args

import msgspec
import pytest
from nautilus_trader.common.config import ActorFactory, NautilusConfig
from nautilus_trader.config import ImportableActorConfig, ImportableStrategyConfig
from nautilus_trader.trading.config import StrategyFactory

from nautilus_options import (
    CapitalManagerConfig,
    OptionsSpreadStrategyConfig,
    SpreadMonitorConfig,
)
from nautilus_options.common.config import Underlying
from nautilus_options.domain.nse import CONTRACT_SPECS, EXPIRY_RULES
from nautilus_options.errors import ConfigError

STRATEGY = OptionsSpreadStrategyConfig(
    underlying="BANKNIFTY",
    spread_type="bear_call_credit",
    strike_rule="points",
    strike_value=400.0,
    wing_width=300.0,
    expiry_rule="monthly",
    entry_windows=("09:20-11:00", "13:00-15:00"),
    entry_weekdays=(0, 2, 4),
    exit_time="15:10",
    mark_side="conservative",
    max_lots=3,
    order_id_tag="007",
)
CAPITAL = CapitalManagerConfig(
    initial_capital=250_000.0, max_drawdown_pct=12.5, max_lots=4, compounding=False
)
MONITOR = SpreadMonitorConfig(
    interval_secs=30.0, strategy_id="OptionsSpreadStrategy-007", max_snapshots=100
)

CONFIGS: list[NautilusConfig] = [
    OptionsSpreadStrategyConfig(),
    STRATEGY,
    CapitalManagerConfig(initial_capital=1.0),
    CAPITAL,
    SpreadMonitorConfig(),
    MONITOR,
]


def assert_same_fields(restored: NautilusConfig, config: NautilusConfig) -> None:
    """``restored`` is ``config``, field by field (named in the failure)."""
    assert type(restored) is type(config)
    for field in config.__struct_fields__:
        assert getattr(restored, field) == getattr(config, field), field


@pytest.mark.parametrize("config", CONFIGS, ids=repr)
def test_parse_of_json_gives_the_same_config(config: NautilusConfig) -> None:
    assert_same_fields(type(config).parse(config.json()), config)


@pytest.mark.parametrize("as_dict", [NautilusConfig.dict, NautilusConfig.json_primitives])
def test_strategy_config_round_trips_through_an_importable_strategy_config(
    as_dict: Any,
) -> None:
    importable = ImportableStrategyConfig(
        strategy_path="nautilus_options:OptionsSpreadStrategy",
        config_path="nautilus_options:OptionsSpreadStrategyConfig",
        config=as_dict(STRATEGY),
    )
    assert_same_fields(StrategyFactory.create(importable).config, STRATEGY)


@pytest.mark.parametrize(
    ("name", "config"), [("CapitalManager", CAPITAL), ("SpreadMonitor", MONITOR)]
)
@pytest.mark.parametrize("as_dict", [NautilusConfig.dict, NautilusConfig.json_primitives])
def test_actor_configs_round_trip_through_an_importable_actor_config(
    name: str, config: NautilusConfig, as_dict: Any
) -> None:
    importable = ImportableActorConfig(
        actor_path=f"nautilus_options:{name}",
        config_path=f"nautilus_options:{name}Config",
        config=as_dict(config),
    )
    assert_same_fields(ActorFactory.create(importable).config, config)


@pytest.mark.parametrize(
    ("cls", "values", "field"),
    [
        (OptionsSpreadStrategyConfig, {"wing_width": 175}, "wing_width"),
        (OptionsSpreadStrategyConfig, {"entry_weekdays": [6]}, "entry_weekdays"),
        (CapitalManagerConfig, {"initial_capital": 1, "max_lots": 0}, "max_lots"),
        (SpreadMonitorConfig, {"interval_secs": -1}, "interval_secs"),
    ],
)
def test_decoding_and_construction_refuse_the_same_values(
    cls: type[NautilusConfig], values: dict[str, Any], field: str
) -> None:
    with pytest.raises(ConfigError) as constructed:
        cls(**values)
    assert constructed.value.field == field
    with pytest.raises(msgspec.ValidationError, match=field):
        cls.parse(msgspec.json.encode(values))


def test_the_supported_underlyings_are_those_of_the_nse_tables() -> None:
    assert set(get_args(Underlying)) == set(CONTRACT_SPECS) == set(EXPIRY_RULES)
