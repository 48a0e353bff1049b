"""A simulator on loopback (ephemeral port) and a logged-in official client."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from kiteconnect import KiteConnect
from sim_helpers import FAST, login

from nautilus_options.simulator import KiteSimulator, SimulatorConfig


@pytest.fixture(scope="module")
def sim() -> Iterator[KiteSimulator]:
    with KiteSimulator(SimulatorConfig(**FAST)) as server:  # type: ignore[arg-type]
        yield server


@pytest.fixture
def kite(sim: KiteSimulator) -> KiteConnect:
    return login(sim)
