"""A node that stops on its own under ``options-nt serve``: the stream says ``STOPPED``, serve
says so on stdout naming the node's log and exits with its own code."""

from __future__ import annotations

from pathlib import Path

import pytest
from bridge_node import TIMEOUT, bridge_node
from stopping_serve import STOP_FILE_ENV
from ws_harness import StreamReader

from nautilus_options.cli.node import STOPPED_UNEXPECTEDLY

pytestmark = pytest.mark.slow

HERE = Path(__file__).resolve().parent


def test_a_node_that_stops_on_its_own_is_reported_and_ends_serve(tmp_path: Path) -> None:
    trigger = tmp_path / "stop-node"
    with bridge_node(
        tmp_path,
        entry=(str(HERE / "stopping_serve.py"),),
        extra_env={STOP_FILE_ENV: str(trigger)},
    ) as served:
        status = served.client.get("/status").json()
        assert (status["running"], status["trading_state"]) == (True, "ACTIVE")
        url = served.url.replace("http://", "ws://", 1) + "/ws"
        with StreamReader(url) as reader:
            reader.start(["status"], token=served.token("read"))
            reader.until("subscribed")
            trigger.touch()
            while True:
                message = reader.until("event", timeout=TIMEOUT)
                if message["topic"] == "status" and not message["data"]["running"]:
                    break
        assert message["data"]["trading_state"] == "STOPPED"
        assert served.process.wait(TIMEOUT) == STOPPED_UNEXPECTEDLY
        output = (tmp_path / "serve.log").read_text()
    line = next((x for x in output.splitlines() if "stopped unexpectedly" in x), "")
    assert line.startswith("options-nt serve: the node stopped unexpectedly: see ")
    assert Path(line.rsplit("see ", 1)[1]).is_file()
