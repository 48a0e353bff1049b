"""A manual spread's shape read from its legs names what ``build_spread`` built."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from nautilus_options.bridge.manual.shape import shape_name
from nautilus_options.domain.spreads import LegSpec, SpreadType, build_spread


@given(
    spread_type=st.sampled_from(list(SpreadType)),
    anchor=st.integers(200, 600).map(lambda n: n * 50.0),
    width=st.integers(1, 8).map(lambda n: n * 50.0),
    call_offset=st.integers(1, 8).map(lambda n: n * 50.0),
)
def test_shape_of_built_spreads(
    spread_type: SpreadType, anchor: float, width: float, call_offset: float
) -> None:
    call_anchor = anchor + call_offset if spread_type == SpreadType.IRON_CONDOR else None
    geometry = build_spread(spread_type, anchor, width, call_anchor=call_anchor)
    assert shape_name(geometry.legs) == spread_type.name.lower()


def test_anything_else_is_custom() -> None:
    ratio_spread = [LegSpec(22000, "PE", 1), LegSpec(22200, "PE", -2)]
    both_long = [LegSpec(22000, "PE", 1), LegSpec(22200, "PE", 1)]
    strangle_hedged_once = [
        LegSpec(21800, "PE", 1),
        LegSpec(22000, "PE", -1),
        LegSpec(22400, "CE", -1),
    ]
    for legs in (ratio_spread, both_long, strangle_hedged_once):
        assert shape_name(legs) == "custom"
