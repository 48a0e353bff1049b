"""A client that stops reading answers no WebSocket ping: the server closes it with 1011
``keepalive ping timeout``, a row of its own in the guide's close-code table (not the
snapshot failure's)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from ws_harness import StreamReader, serving, wait_for

from nautilus_options.bridge.stream import CloseCode, EventHub

pytestmark = pytest.mark.slow

GUIDE = Path(__file__).resolve().parents[3] / "docs" / "guide" / "bridge.md"
#: The server pings every 20 s and waits 20 s for the answer (uvicorn's defaults).
KEEPALIVE_S = 40.0


def documented(code: int) -> set[str]:
    """The reasons the guide's close-code table gives for ``code``."""
    return set(re.findall(rf"^\| {code} \| `([^`]+)` \|", GUIDE.read_text(), re.MULTILINE))


def test_a_client_that_stops_reading_is_closed_with_the_documented_keepalive_code() -> None:
    hub = EventHub(epoch="e", heartbeat_s=0.2)
    with serving(hub) as url, StreamReader(url, max_queue=1, compression=None) as reader:
        reader.start(["orders"])
        reader.until("snapshot")
        # Heartbeats fill the client's one-frame buffer: it stops reading, pings included.
        wait_for(lambda: hub.connections == 0, "the keepalive to drop it", KEEPALIVE_S * 3)
        code, reason = reader.close_frame()
    assert (code, reason) == (CloseCode.INTERNAL_ERROR, "keepalive ping timeout")
    assert documented(code) == {"snapshot failed", "keepalive ping timeout"}
