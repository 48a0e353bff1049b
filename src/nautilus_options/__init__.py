"""options-nt: NautilusTrader components for defined-risk NSE index-option spreads.

This is an independent community project. It is not affiliated with, endorsed by, or
supported by Nautech Systems Pty Ltd or the official NautilusTrader project.
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

from nautilus_options.capital import CapitalManager, CapitalManagerConfig, CapitalUpdated
from nautilus_options.monitor import SpreadMonitor, SpreadMonitorConfig, SpreadSnapshot
from nautilus_options.strategy import (
    EntryManager,
    ExitManager,
    OptionsSpreadStrategy,
    OptionsSpreadStrategyConfig,
)

try:
    __version__ = version("options-nt")
except PackageNotFoundError:  # pragma: no cover - running from a source tree without install
    __version__ = "0.0.0+unknown"

__all__ = [
    "CapitalManager",
    "CapitalManagerConfig",
    "CapitalUpdated",
    "EntryManager",
    "ExitManager",
    "OptionsSpreadStrategy",
    "OptionsSpreadStrategyConfig",
    "SpreadMonitor",
    "SpreadMonitorConfig",
    "SpreadSnapshot",
    "__version__",
]
