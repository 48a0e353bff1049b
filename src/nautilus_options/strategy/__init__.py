"""The options spread strategy, its entry/exit managers and the spread tracker."""

from nautilus_options.strategy.config import OptionsSpreadStrategyConfig
from nautilus_options.strategy.entry import EntryManager
from nautilus_options.strategy.exit import ExitManager
from nautilus_options.strategy.strategy import OptionsSpreadStrategy
from nautilus_options.strategy.tracker import LegView, SpreadTracker, SpreadView

__all__ = [
    "EntryManager",
    "ExitManager",
    "LegView",
    "OptionsSpreadStrategy",
    "OptionsSpreadStrategyConfig",
    "SpreadTracker",
    "SpreadView",
]
