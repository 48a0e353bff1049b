"""The stream's ``status`` topic carries every trading-state change a control makes, also a
reduce-only undone a moment later (between two of the actor's polls)."""

from __future__ import annotations

from pathlib import Path

import pytest
from bridge_node import TIMEOUT, bridge_node
from ws_harness import StreamReader

pytestmark = pytest.mark.slow


def test_a_short_reduce_only_is_published_on_the_status_topic(tmp_path: Path) -> None:
    with bridge_node(tmp_path) as served:
        url = served.url.replace("http://", "ws://", 1) + "/ws"
        with StreamReader(url) as reader:
            reader.start(["status"], token=served.token("read"))
            reader.until("subscribed")
            for path in ("/control/reduce", "/control/resume"):
                response = served.client.post(path)
                assert response.status_code == 200, response.text
            states: list[str] = []
            while states[-2:] != ["REDUCING", "ACTIVE"]:
                message = reader.until("event", timeout=TIMEOUT)
                if message["topic"] == "status":
                    states.append(message["data"]["trading_state"])
