"""Venue-neutral portfolio layer: spreads over the cache, leg naming, expiry settlement.

Every component that needs to know what spreads are held (the strategy, the spread monitor,
the capital manager, reports, the bridge) reads them here, whatever the venue: the backtest
venue, the local paper broker or Kite.
"""

from nautilus_options.portfolio.ids import (
    leg_position_id,
    leg_tags,
    parse_leg_position_id,
    tag_value,
)
from nautilus_options.portfolio.settlement import (
    DEFAULT_SETTLEMENT_RECOGNIZERS,
    SettlementKind,
    SettlementRecognizer,
    SettlementRules,
    settlement_charge,
)
from nautilus_options.portfolio.tracker import LegView, SpreadTracker, SpreadView, option_right

__all__ = [
    "DEFAULT_SETTLEMENT_RECOGNIZERS",
    "LegView",
    "SettlementKind",
    "SettlementRecognizer",
    "SettlementRules",
    "SpreadTracker",
    "SpreadView",
    "leg_position_id",
    "leg_tags",
    "option_right",
    "parse_leg_position_id",
    "settlement_charge",
    "tag_value",
]
