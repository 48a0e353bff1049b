"""Rounded response numbers never carry a negative zero (a tiny loss is shown as 0)."""

from __future__ import annotations

import json
import math

import pytest
from pydantic import BaseModel

from nautilus_options.bridge.schemas.numbers import Greek, Money, Price, Ratio, round_ratios


class _Figures(BaseModel):
    money: Money
    price: Price
    greek: Greek
    ratio: Ratio


@pytest.mark.parametrize("tiny", [-0.0, -1e-12, -0.0001])
def test_a_value_rounding_to_zero_is_a_positive_zero(tiny: float) -> None:
    figures = _Figures(money=tiny, price=tiny / 100, greek=-0.0, ratio=tiny / 100)
    for name, value in figures.model_dump().items():
        assert value == 0, name
        assert math.copysign(1.0, value) == 1.0, name
    assert "-0" not in figures.model_dump_json()
    summary = round_ratios({"return_pct": tiny / 100})
    assert json.dumps(summary) == '{"return_pct": 0.0}'
