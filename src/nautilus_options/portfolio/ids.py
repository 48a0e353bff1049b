"""How a spread's legs are named in the cache: position ids and order tags.

Every leg of a spread is held in its own position with id ``{spread_id}-L{i}`` (HEDGING OMS),
and every order of a leg carries the tags

* ``spread=<spread_id>``: the spread, ``{strategy_id}-S{n:04d}``;
* ``leg=<i>``: the leg index in the position id;
* ``intent=open`` or ``intent=close``: whether the order opens or closes the leg;
* ``type=<spread type>``: the configured spread type (``iron_condor`` ...).

So any component with cache access (the strategy, a monitor, a report, the bridge) can group
positions and attribute fills without talking to the strategy, and a restarted node can adopt
the spreads it finds.

>>> str(leg_position_id("OptionsSpreadStrategy-000-S0001", 2))
'OptionsSpreadStrategy-000-S0001-L2'
>>> parse_leg_position_id("OptionsSpreadStrategy-000-S0001-L2")
('OptionsSpreadStrategy-000-S0001', 2)
>>> tag_value(leg_tags("S1", 0, closing=False, spread_type="iron_condor"), "intent")
'open'
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from nautilus_trader.model.identifiers import PositionId

_LEG_POSITION_ID = re.compile(r"^(?P<spread>.+)-L(?P<leg>\d+)$")


def leg_position_id(spread_id: str, leg_index: int) -> PositionId:
    """Return the position id of leg ``leg_index`` of ``spread_id``."""
    return PositionId(f"{spread_id}-L{leg_index}")


def parse_leg_position_id(position_id: PositionId | str) -> tuple[str, int] | None:
    """Split ``{spread_id}-L{i}`` into ``(spread_id, i)``; None for other position ids."""
    match = _LEG_POSITION_ID.match(str(position_id))
    if match is None:
        return None
    return match.group("spread"), int(match.group("leg"))


def leg_tags(spread_id: str, leg_index: int, *, closing: bool, spread_type: str) -> list[str]:
    """The tags of an order working leg ``leg_index`` of ``spread_id``."""
    return [
        f"spread={spread_id}",
        f"leg={leg_index}",
        f"intent={'close' if closing else 'open'}",
        f"type={spread_type}",
    ]


def tag_value(tags: Iterable[str] | None, key: str) -> str | None:
    """Return the value of the first ``key=value`` tag, or None."""
    prefix = f"{key}="
    for tag in tags or ():
        if tag.startswith(prefix):
            return tag[len(prefix) :]
    return None
