"""A small always-open simulator, and a Kite session on it for a node to trade with."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from kiteconnect import KiteConnect  # type: ignore[import-untyped]

from nautilus_options.simulator import KiteSimulator, SimulatorConfig

#: One NIFTY expiry, always open, quoting five times a second: a node trades within seconds.
SMALL_CHAIN: dict[str, Any] = {
    "session": "always",
    "underlyings": ("NIFTY",),
    "expiries": 1,
    "tick_interval": 0.2,
}


@contextmanager
def small_simulator(**config: Any) -> Iterator[KiteSimulator]:
    """A started simulator of :data:`SMALL_CHAIN`, ``config`` overriding; stopped on exit."""
    with KiteSimulator(SimulatorConfig(**{**SMALL_CHAIN, **config})) as simulator:
        yield simulator


def sim_env(url: str, api_key: str, api_secret: str, token_file: Path) -> dict[str, str]:
    """Environment variables giving a node a fresh session on the simulator at ``url``."""
    kite = KiteConnect(api_key, root=url)
    token = kite.generate_session("tests", api_secret)["access_token"]
    return {
        "KITE_API_KEY": api_key,
        "KITE_API_SECRET": api_secret,
        "KITE_ACCESS_TOKEN": str(token),
        "KITE_TOKEN_FILE": str(token_file),
    }
