"""Capital management: the :class:`CapitalManager` actor, its config, event and bus messages."""

from nautilus_options.capital.config import CapitalManagerConfig
from nautilus_options.capital.events import CapitalUpdated
from nautilus_options.capital.manager import CapitalManager
from nautilus_options.capital.messages import (
    RELEASE_ENDPOINT,
    SIZING_ENDPOINT,
    CapitalRelease,
    SizingRequest,
    SizingResponse,
)

__all__ = [
    "RELEASE_ENDPOINT",
    "SIZING_ENDPOINT",
    "CapitalManager",
    "CapitalManagerConfig",
    "CapitalRelease",
    "CapitalUpdated",
    "SizingRequest",
    "SizingResponse",
]
