"""A bridge app with no node, served over loopback for a module's tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from nautilus_options.bridge.app import create_app
from nautilus_options.bridge.server import BridgeServer
from nautilus_options.bridge.settings import BridgeSettings


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BridgeServer]:
    settings = BridgeSettings(environment="backtest", state_dir=tmp_path_factory.mktemp("state"))
    served = BridgeServer(create_app(settings), port=0).start()
    try:
        yield served
    finally:
        served.stop()
