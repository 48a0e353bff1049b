"""CapitalManagerConfig: defaults, loading from plain dicts, and an error naming each bad field."""

from __future__ import annotations

from typing import Any

import msgspec
import pytest
from nautilus_trader.common.config import ActorFactory
from nautilus_trader.config import ImportableActorConfig

from nautilus_options import CapitalManager, CapitalManagerConfig
from nautilus_options.errors import ConfigError


def _importable(config: dict[str, Any]) -> ImportableActorConfig:
    return ImportableActorConfig(
        actor_path="nautilus_options:CapitalManager",
        config_path="nautilus_options:CapitalManagerConfig",
        config=config,
    )


def test_defaults() -> None:
    config = CapitalManagerConfig(initial_capital=500_000)

    assert (config.risk_per_trade_pct, config.max_deployment_pct) == (2.0, 50.0)
    assert config.compounding is True
    assert config.max_drawdown_pct is None
    assert config.max_lots is None
    assert config.currency == "INR"


def test_loads_from_plain_dict_through_importable_actor_config() -> None:
    values = {
        "initial_capital": 250_000,
        "risk_per_trade_pct": 1.5,
        "max_deployment_pct": 40,
        "compounding": False,
        "max_drawdown_pct": 10,
        "max_lots": 4,
        "currency": "USD",
    }

    actor = ActorFactory.create(_importable(values))

    assert isinstance(actor, CapitalManager)
    assert isinstance(actor.config, CapitalManagerConfig)
    assert actor.config.initial_capital == 250_000.0
    assert actor.config.max_drawdown_pct == 10.0
    assert (actor.config.max_lots, actor.config.currency) == (4, "USD")
    assert actor.capital == 250_000.0


BAD_VALUES = [
    ("initial_capital", 0),
    ("initial_capital", -1),
    ("initial_capital", float("nan")),
    ("initial_capital", "lots"),
    ("risk_per_trade_pct", 0),
    ("risk_per_trade_pct", 100.5),
    ("max_deployment_pct", -5),
    ("max_deployment_pct", 101),
    ("max_drawdown_pct", 0),
    ("max_drawdown_pct", 120),
    ("max_lots", 0),
    ("max_lots", 1.5),
    ("compounding", "yes"),
    ("currency", "RUPEES"),
    ("currency", ""),
]


@pytest.mark.parametrize(("field", "value"), BAD_VALUES)
def test_invalid_value_raises_config_error_naming_the_field(field: str, value: object) -> None:
    values: dict[str, Any] = {"initial_capital": 100_000, field: value}

    with pytest.raises(ConfigError, match=f"^{field}: ") as error:
        CapitalManagerConfig(**values)

    assert error.value.field == field


@pytest.mark.parametrize(("field", "value"), BAD_VALUES)
def test_invalid_value_in_importable_config_names_the_field(field: str, value: object) -> None:
    values: dict[str, Any] = {"initial_capital": 100_000, field: value}

    with pytest.raises(msgspec.ValidationError, match=field):
        ActorFactory.create(_importable(values))


def test_initial_capital_is_required() -> None:
    with pytest.raises(msgspec.ValidationError, match="initial_capital"):
        ActorFactory.create(_importable({"risk_per_trade_pct": 1}))
