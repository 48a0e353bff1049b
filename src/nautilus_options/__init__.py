"""options-nt: NautilusTrader components for defined-risk NSE index-option spreads.

This is an independent community project. It is not affiliated with, endorsed by, or
supported by Nautech Systems Pty Ltd or the official NautilusTrader project.
"""

from __future__ import annotations

from importlib import import_module
from importlib.metadata import PackageNotFoundError, version
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
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

#: Public names and the subpackage defining each. They are imported on first access, so
#: ``import nautilus_options`` (and the command line) does not load Nautilus up front.
_EXPORTS: dict[str, str] = {
    "CapitalManager": "capital",
    "CapitalManagerConfig": "capital",
    "CapitalUpdated": "capital",
    "EntryManager": "strategy",
    "ExitManager": "strategy",
    "OptionsSpreadStrategy": "strategy",
    "OptionsSpreadStrategyConfig": "strategy",
    "SpreadMonitor": "monitor",
    "SpreadMonitorConfig": "monitor",
    "SpreadSnapshot": "monitor",
}


def __getattr__(name: str) -> Any:
    """Import a public component on first access (PEP 562)."""
    if name not in _EXPORTS:
        raise AttributeError(f"module 'nautilus_options' has no attribute {name!r}")
    value = getattr(import_module(f"nautilus_options.{_EXPORTS[name]}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_EXPORTS])


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
