"""The bridge over a real TradingNode that is not running, over real HTTP: the status says
STOPPED and every action is refused with 409 naming the stopped node."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
from bridge_http import PASSWORD, login
from nautilus_trader.config import LoggingConfig, TradingNodeConfig
from nautilus_trader.live.node import TradingNode

from nautilus_options.bridge.app import create_app
from nautilus_options.bridge.node import KillState, NodeControls, NodeLink
from nautilus_options.bridge.principal import Scope
from nautilus_options.bridge.server import BridgeServer
from nautilus_options.bridge.settings import BridgeSettings
from nautilus_options.environments.serve import MANUAL_STRATEGY_ID

STOPPED = "the node has stopped"


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[httpx.Client]:
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    node = TradingNode(TradingNodeConfig(logging=LoggingConfig(log_level="ERROR")), loop=loop)
    node.build()
    fired: list[str] = []
    controls = NodeControls(
        kill=fired.append,
        kill_state=lambda: KillState(bool(fired), fired[0] if fired else None, False),
        session="always",
    )
    link = NodeLink(node, loop, controls, datetime.now(UTC))
    settings = BridgeSettings(environment="paper", state_dir=Path(tmp_path_factory.mktemp("s")))
    app = create_app(settings, node=link)
    app.state.bridge.auth.store.add_user("admin", PASSWORD, (Scope.ADMIN,))
    server = BridgeServer(app, port=0).start()
    try:
        with httpx.Client(base_url=f"{server.url}/api/v1", timeout=30) as http:
            http.headers.update(login(http, "admin"))
            yield http
        assert fired == []  # the refused kill fired nothing
    finally:
        server.stop()
        loop.call_soon_threadsafe(loop.stop)
        thread.join(30)
        node.dispose()


def test_the_status_of_a_stopped_node_says_stopped(client: httpx.Client) -> None:
    status = client.get("/status").json()
    assert (status["running"], status["trading_state"]) == (False, "STOPPED")
    assert client.get("/control").json()["trading_state"] == "STOPPED"


@pytest.mark.parametrize(
    ("path", "body"),
    [
        (
            "/manual/submit",
            {
                "template": {"spread_type": "bull_put_credit"},
                "lots": 1,
                "idempotency_key": "stopped-0001",
            },
        ),
        (f"/strategies/{MANUAL_STRATEGY_ID}/start", None),
        ("/control/reduce", None),
        ("/control/resume", None),
        ("/control/kill", {"confirm": "KILL", "reason": "drill"}),
    ],
)
def test_actions_on_a_stopped_node_are_refused_naming_it(
    client: httpx.Client, path: str, body: dict[str, object] | None
) -> None:
    response = client.post(path, json=body)
    assert response.status_code == 409, response.text
    assert response.json()["detail"].startswith(STOPPED)
