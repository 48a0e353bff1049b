"""Helpers of the simulator tests: waits, login, admin calls, picking an option."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import requests
from kiteconnect import KiteConnect

from nautilus_options.simulator import KiteSimulator

FAST = {"session": "always", "rate_limit_scale": 1000.0, "tick_interval": 0.1}


def wait_for(condition: Callable[[], Any], timeout: float = 20.0, interval: float = 0.02) -> Any:
    """Poll ``condition`` until it returns something truthy; fail after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"condition not met within {timeout} s")


def login(sim: KiteSimulator, **kwargs: Any) -> KiteConnect:
    """An official client with a fresh session on ``sim``."""
    kite = KiteConnect(sim.api_key, root=sim.url, **kwargs)
    kite.generate_session("request-token", sim.api_secret)
    return kite


def admin(sim: KiteSimulator, path: str, body: dict[str, Any] | None = None) -> Any:
    """Call an admin route."""
    response = requests.post(
        f"{sim.url}/admin/{path}",
        json=body or {},
        headers={"X-Sim-Admin-Key": sim.admin_key},
        timeout=10,
    )
    response.raise_for_status()
    return response.json()["data"]


def nifty_option(kite: KiteConnect, right: str = "CE", offset: int = 0) -> dict[str, Any]:
    """An NFO NIFTY option near the money, from the instruments dump."""
    rows = [
        r for r in kite.instruments("NFO") if r["name"] == "NIFTY" and r["instrument_type"] == right
    ]
    first_expiry = min(r["expiry"] for r in rows)
    chain = sorted((r for r in rows if r["expiry"] == first_expiry), key=lambda r: r["strike"])
    return chain[len(chain) // 2 + offset]
