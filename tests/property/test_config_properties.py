"""Laws of the component configs over generated values.

* Every valid config survives ``parse(json())`` and an ``Importable*Config`` dict unchanged.
* Construction and decoding accept exactly the same values: one set of constraints.
"""

from __future__ import annotations

import math
from typing import Any, get_args

import msgspec
from hypothesis import given
from hypothesis import strategies as st
from nautilus_trader.common.config import ActorFactory, NautilusConfig
from nautilus_trader.config import ImportableActorConfig, ImportableStrategyConfig
from nautilus_trader.trading.config import StrategyFactory

from nautilus_options import (
    CapitalManagerConfig,
    OptionsSpreadStrategyConfig,
    SpreadMonitorConfig,
)
from nautilus_options.common.config import Underlying
from nautilus_options.domain.nse import CONTRACT_SPECS
from nautilus_options.errors import ConfigError
from nautilus_options.strategy.config import MarkSide, SpreadTypeName
from nautilus_options.strategy.selection import ExpiryKind, StrikeRule

SESSION_OPEN_MIN, SESSION_CLOSE_MIN = 9 * 60 + 15, 15 * 60 + 30

positive = st.floats(min_value=0, max_value=1e6, exclude_min=True)
non_negative = st.floats(min_value=0, max_value=1e6)
percent = st.floats(min_value=0, max_value=100, exclude_min=True)
rate = st.floats(min_value=0, max_value=1, exclude_max=True)
PRINTABLE = "".join(map(chr, range(0x20, 0x7F)))
strategy_ids = st.tuples(
    st.text(PRINTABLE, min_size=1), st.text(PRINTABLE.replace("-", ""), min_size=1)
).map("-".join)
names = st.text("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-", min_size=1, max_size=12)
STRIKE_VALUES: dict[StrikeRule, st.SearchStrategy[float]] = {
    "delta": st.floats(min_value=0, max_value=1, exclude_min=True, exclude_max=True),
    "points": non_negative,
    "percent": st.floats(min_value=0, max_value=50),
    "premium": positive,
}


def _clock(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"


@st.composite
def windows(draw: st.DrawFn) -> str:
    """A window that overlaps the session by at least a minute."""
    start = draw(st.integers(0, SESSION_CLOSE_MIN - 1))
    end = draw(st.integers(max(start, SESSION_OPEN_MIN) + 1, 23 * 60 + 59))
    return f"{_clock(start)}-{_clock(end)}"


@st.composite
def strategy_configs(draw: st.DrawFn) -> OptionsSpreadStrategyConfig:
    underlying = draw(st.sampled_from(get_args(Underlying)))
    step = max(spec.strike_step for spec in CONTRACT_SPECS[underlying])
    rule = draw(st.sampled_from(get_args(StrikeRule)))
    hold = draw(st.booleans())
    weekdays = draw(st.sets(st.integers(0, 6))) | {draw(st.integers(0, 4))}
    return OptionsSpreadStrategyConfig(
        underlying=underlying,
        spread_type=draw(st.sampled_from(get_args(SpreadTypeName))),
        strike_rule=rule,
        strike_value=draw(STRIKE_VALUES[rule]),
        wing_width=float(step * draw(st.integers(1, 20))),
        expiry_rule=draw(st.sampled_from(get_args(ExpiryKind))),
        min_days_to_expiry=draw(st.integers(0, 30)),
        entry_windows=tuple(draw(st.lists(windows(), min_size=1, max_size=3))),
        entry_weekdays=tuple(sorted(weekdays)),
        max_concurrent_spreads=draw(st.integers(1, 10)),
        max_entries_per_day=draw(st.integers(1, 10)),
        reentry_cooldown_minutes=draw(non_negative),
        profit_target_pct=draw(st.none() | percent),
        stop_loss_credit_multiple=draw(st.none() | positive),
        stop_loss_max_loss_pct=draw(st.none() | percent),
        exit_time=None if hold else draw(st.none() | st.integers(0, 1439).map(_clock)),
        exit_minutes_before_expiry=None if hold else draw(st.none() | positive),
        hold_to_expiry=hold,
        mark_side=draw(st.sampled_from(get_args(MarkSide))),
        exit_check_interval_secs=draw(st.integers(1, 3600)),
        reprice_steps=draw(st.integers(0, 10)),
        reprice_interval_secs=draw(positive),
        market_protection_pct=draw(non_negative),
        leg_timeout_secs=draw(positive),
        lots=draw(st.integers(1, 100)),
        max_lots=draw(st.none() | st.integers(1, 100)),
        capital_manager=draw(st.booleans()),
        risk_free_rate=draw(rate),
    )


capital_configs = st.builds(
    CapitalManagerConfig,
    initial_capital=positive,
    risk_per_trade_pct=percent,
    max_deployment_pct=percent,
    compounding=st.booleans(),
    max_drawdown_pct=st.none() | percent,
    max_lots=st.none() | st.integers(1, 1000),
    currency=st.sampled_from(["INR", "USD"]),
)
monitor_configs = st.builds(
    SpreadMonitorConfig,
    interval_secs=positive,
    publish_on_fills=st.booleans(),
    skip_unchanged=st.booleans(),
    strategy_id=st.none() | strategy_ids,
    risk_free_rate=rate,
    index_venue=names,
    max_snapshots=st.none() | st.integers(0, 10_000),
)


def _assert_same(restored: NautilusConfig, config: NautilusConfig) -> None:
    assert type(restored) is type(config)
    for field in config.__struct_fields__:
        assert getattr(restored, field) == getattr(config, field), field


@given(strategy_configs())
def test_a_valid_strategy_config_round_trips(config: OptionsSpreadStrategyConfig) -> None:
    _assert_same(OptionsSpreadStrategyConfig.parse(config.json()), config)
    importable = ImportableStrategyConfig(
        strategy_path="nautilus_options:OptionsSpreadStrategy",
        config_path="nautilus_options:OptionsSpreadStrategyConfig",
        config=config.json_primitives(),
    )
    _assert_same(StrategyFactory.create(importable).config, config)


@given(st.one_of(capital_configs, monitor_configs))
def test_a_valid_actor_config_round_trips(config: NautilusConfig) -> None:
    _assert_same(type(config).parse(config.json()), config)
    name = type(config).__name__.removesuffix("Config")
    importable = ImportableActorConfig(
        actor_path=f"nautilus_options:{name}",
        config_path=f"nautilus_options:{name}Config",
        config=config.json_primitives(),
    )
    _assert_same(ActorFactory.create(importable).config, config)


numbers = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True), st.integers(-5, 500), st.sampled_from(["1"])
)
NUMERIC_FIELDS = [
    (OptionsSpreadStrategyConfig, "wing_width"),
    (OptionsSpreadStrategyConfig, "strike_value"),
    (OptionsSpreadStrategyConfig, "profit_target_pct"),
    (OptionsSpreadStrategyConfig, "lots"),
    (OptionsSpreadStrategyConfig, "risk_free_rate"),
    (CapitalManagerConfig, "initial_capital"),
    (CapitalManagerConfig, "risk_per_trade_pct"),
    (SpreadMonitorConfig, "interval_secs"),
    (SpreadMonitorConfig, "max_snapshots"),
]


def _constructed(cls: type[NautilusConfig], values: dict[str, Any]) -> NautilusConfig | str:
    """The config, or the field its ConfigError names."""
    try:
        return cls(**values)
    except ConfigError as error:
        return error.field


def _decoded(cls: type[NautilusConfig], values: dict[str, Any]) -> NautilusConfig | None:
    try:
        return msgspec.convert(values, cls)
    except msgspec.ValidationError:
        return None


@given(st.sampled_from(NUMERIC_FIELDS), numbers)
def test_construction_and_decoding_accept_the_same_values(
    target: tuple[type[NautilusConfig], str], value: Any
) -> None:
    cls, field = target
    values = {"initial_capital": 1.0} if cls is CapitalManagerConfig else {}
    values[field] = value
    constructed, decoded = _constructed(cls, values), _decoded(cls, values)
    if isinstance(constructed, str):
        assert constructed == field
        assert decoded is None
    else:
        assert decoded == constructed
        assert math.isfinite(getattr(constructed, field))
