"""Events are written as the ``EventMessage`` schema writes them (one encoding per event),
uncompressed."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from decimal import Decimal
from enum import Enum
from pathlib import Path

from ws_harness import StreamReader, serving

from nautilus_options.bridge.stream import EventHub
from nautilus_options.bridge.stream.messages import EventMessage


class _Side(Enum):
    BUY = "BUY"


def test_an_event_frame_is_what_pydantic_would_write() -> None:
    payload = {
        "n": 1,
        "price": 101.25,
        "big": 10**20,
        "text": 'NIFTY ₹ "quoted"\n',
        "when": datetime(2026, 1, 5, 9, 15, 1, 250_000, tzinfo=UTC),
        "amount": Decimal("12.50"),
        "side": _Side.BUY,
        "path": Path("/tmp/x"),
        "nested": {"list": [1, None, True], "empty": {}},
    }
    hub = EventHub(epoch="e")
    with serving(hub) as url, StreamReader(url) as reader:
        reader.start(["orders"])
        reader.until("snapshot")
        hub.publish("orders", payload)
        frame = ""
        while '"type":"event"' not in frame:
            frame = str(reader.ws.recv(timeout=30))
    (sent,) = [m for m in json.loads(frame) if m["type"] == "event"]
    expected = EventMessage(
        topic="orders", seq=sent["seq"], epoch="e", ts=sent["ts"], data=payload
    ).model_dump_json(fallback=str)
    assert frame == f"[{expected}]"


def test_the_server_declines_compression_a_client_offers() -> None:
    with serving(EventHub(epoch="e")) as url, StreamReader(url) as reader:  # offers deflate
        assert reader.ws.response is not None
        assert "Sec-WebSocket-Extensions" not in reader.ws.response.headers
