"""The options spread strategy and its entry and exit managers."""

from nautilus_options.strategy.config import OptionsSpreadStrategyConfig
from nautilus_options.strategy.diagnostics import EntryDiagnostics
from nautilus_options.strategy.entry import EntryManager
from nautilus_options.strategy.exit import ExitManager
from nautilus_options.strategy.strategy import OptionsSpreadStrategy

__all__ = [
    "EntryDiagnostics",
    "EntryManager",
    "ExitManager",
    "OptionsSpreadStrategy",
    "OptionsSpreadStrategyConfig",
]
