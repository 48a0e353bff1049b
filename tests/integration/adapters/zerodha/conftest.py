"""Fixtures: an in-process Kite simulator on loopback and credentials for it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import kite_node
import pytest
from kiteconnect import KiteConnect

from nautilus_options.adapters.zerodha.factories import clear_shared
from nautilus_options.simulator import KiteSimulator, SimulatorConfig


def start_simulator(**overrides: object) -> KiteSimulator:
    """A simulator with a small NIFTY chain, fast steps and generous rate limits."""
    settings: dict[str, object] = {
        "session": "always",
        "underlyings": ("NIFTY",),
        "expiries": 1,
        "strikes_each_side": 4,
        "tick_interval": 0.1,
        "heartbeat_interval": 0.5,
        "rate_limit_scale": 20.0,
        **overrides,
    }
    return KiteSimulator(SimulatorConfig(**settings)).start()  # type: ignore[arg-type]


@pytest.fixture
def sim_factory(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[object]:
    """Start simulators with overrides; sessions and env point at the last one."""
    started: list[KiteSimulator] = []

    def make(**overrides: object) -> KiteSimulator:
        sim = start_simulator(**overrides)
        started.append(sim)
        kite = KiteConnect(sim.api_key, root=sim.url)
        token = kite.generate_session("fixture", sim.api_secret)["access_token"]
        monkeypatch.setenv("KITE_API_KEY", sim.api_key)
        monkeypatch.setenv("KITE_API_SECRET", sim.api_secret)
        monkeypatch.setenv("KITE_ACCESS_TOKEN", token)
        monkeypatch.setenv("KITE_TOKEN_FILE", str(tmp_path / "token.json"))
        kite_node.SIMULATOR["url"] = sim.url
        return sim

    yield make
    for sim in started:
        sim.stop()
    clear_shared()
