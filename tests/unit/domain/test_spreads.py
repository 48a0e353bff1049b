"""Hand-computed spread geometry and builder validation."""

from __future__ import annotations

import math

import numpy as np
import pytest

from nautilus_options.domain.spreads import LegSpec, SpreadGeometry, SpreadType, build_spread
from nautilus_options.errors import ConfigError


def test_iron_condor_legs_and_figures() -> None:
    condor = build_spread(
        SpreadType.IRON_CONDOR, 24000, 100, call_anchor=24500, call_wing_width=150, strike_step=50
    )
    assert condor.legs == (
        LegSpec(23900.0, "PE", 1),
        LegSpec(24000.0, "PE", -1),
        LegSpec(24500.0, "CE", -1),
        LegSpec(24650.0, "CE", 1),
    )
    assert condor.width == 150.0
    # Credit 30: worst case is the wider call wing, 150 - 30.
    assert condor.max_loss(30.0) == 120.0
    assert condor.max_profit(30.0) == 30.0
    assert condor.breakevens(30.0) == (23970.0, 24530.0)
    assert [leg.strike for leg in condor.hedges] == [23900.0, 24650.0]
    assert [leg.strike for leg in condor.shorts] == [24000.0, 24500.0]
    assert condor.execution_order(opening=True) == (0, 3, 1, 2)
    assert condor.execution_order(opening=False) == (1, 2, 0, 3)


def test_bull_call_debit_figures() -> None:
    spread = build_spread(SpreadType.BULL_CALL_DEBIT, 24000, 100)
    assert spread.legs == (LegSpec(24000.0, "CE", 1), LegSpec(24100.0, "CE", -1))
    assert spread.net_premium([120.0, 80.0]) == -40.0
    assert spread.max_loss(-40.0) == 40.0
    assert spread.max_profit(-40.0) == 60.0
    assert spread.breakevens(-40.0) == (24040.0,)


def test_iron_butterfly_shares_the_short_strike() -> None:
    fly = build_spread(SpreadType.IRON_BUTTERFLY, 24000, 200)
    assert [(leg.strike, leg.right, leg.ratio) for leg in fly.legs] == [
        (23800.0, "PE", 1),
        (24000.0, "PE", -1),
        (24000.0, "CE", -1),
        (24200.0, "CE", 1),
    ]
    np.testing.assert_array_equal(
        fly.payoff(np.array([23000.0, 24000.0, 24100.0])), [-200, 0, -100]
    )
    assert fly.breakevens(150.0) == (23850.0, 24150.0)


@pytest.mark.parametrize(
    ("spread_type", "legs"),
    [
        (SpreadType.BULL_PUT_CREDIT, [(23900.0, "PE", 1), (24000.0, "PE", -1)]),
        (SpreadType.BEAR_CALL_CREDIT, [(24000.0, "CE", -1), (24100.0, "CE", 1)]),
        (SpreadType.BEAR_PUT_DEBIT, [(23900.0, "PE", -1), (24000.0, "PE", 1)]),
    ],
)
def test_vertical_wings_sit_on_the_protective_side(
    spread_type: SpreadType, legs: list[tuple[float, str, int]]
) -> None:
    spread = build_spread(spread_type, 24000, 100)
    assert [(leg.strike, leg.right, leg.ratio) for leg in spread.legs] == legs


def test_naked_short_call_has_unbounded_loss() -> None:
    naked = SpreadGeometry((LegSpec(24000.0, "CE", -1),))
    assert not naked.is_defined_risk
    assert naked.max_loss(50.0) == math.inf
    assert naked.max_profit(50.0) == 50.0
    assert naked.breakevens(50.0) == (24050.0,)


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"wing_width": 0}, "wing_width"),
        ({"wing_width": -50}, "wing_width"),
        ({"wing_width": 30000}, "wing_width"),
        ({"wing_width": 75, "strike_step": 50}, "strike_step"),
        ({"wing_width": 100, "call_anchor": 24500}, "call_anchor"),
        ({"wing_width": 100, "anchor": -1}, "anchor"),
    ],
)
def test_bad_vertical_arguments_name_the_field(kwargs: dict[str, float], field: str) -> None:
    with pytest.raises(ConfigError) as excinfo:
        build_spread(SpreadType.BULL_PUT_CREDIT, **{"anchor": 24000, **kwargs})
    assert excinfo.value.field == field


@pytest.mark.parametrize("call_anchor", [None, 24000, 23900])
def test_iron_condor_needs_a_call_strike_above_the_put(call_anchor: float | None) -> None:
    with pytest.raises(ConfigError, match="call_anchor"):
        build_spread(SpreadType.IRON_CONDOR, 24000, 100, call_anchor=call_anchor)


def test_leg_validation() -> None:
    with pytest.raises(ConfigError, match="ratio"):
        LegSpec(24000.0, "CE", 0)
    with pytest.raises(ConfigError, match="right"):
        LegSpec(24000.0, "XX", 1)  # type: ignore[arg-type]
    with pytest.raises(ConfigError, match="legs"):
        SpreadGeometry((LegSpec(24000.0, "CE", 1), LegSpec(24000.0, "CE", -1)))
    with pytest.raises(ConfigError, match="prices"):
        build_spread(SpreadType.BULL_CALL_DEBIT, 24000, 100).net_premium([1.0])
