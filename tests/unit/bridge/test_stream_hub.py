"""Publishing into the hub: checks, sequencing from many threads, and the OpenAPI components."""

from __future__ import annotations

import asyncio
import threading

import pytest

from nautilus_options.bridge.stream import TOPICS, CloseCode, EventHub, add_stream_schemas
from nautilus_options.bridge.stream.connection import Connection
from nautilus_options.bridge.stream.messages import SubscribeMessage


def test_publish_refuses_unknown_topics_and_quotes_without_an_instrument() -> None:
    hub = EventHub()
    with pytest.raises(ValueError, match="topic 'trades' is not one of orders, fills"):
        hub.publish("trades", {})
    with pytest.raises(ValueError, match="instrument_id"):
        hub.publish("quotes", {"bid": 1})
    assert hub.seq == 0


@pytest.mark.parametrize("option", ["max_queue", "heartbeat_s", "quote_flush_s"])
def test_limits_must_be_positive(option: str) -> None:
    with pytest.raises(ValueError, match=f"{option} must be positive, got 0"):
        EventHub(**{option: 0})  # type: ignore[arg-type]


def test_events_from_many_threads_get_consecutive_sequence_numbers() -> None:
    hub = EventHub(ring_size=4_000)

    def publish(worker: int) -> None:
        for n in range(1_000):
            hub.publish(TOPICS[worker], {"worker": worker, "n": n})

    threads = [threading.Thread(target=publish, args=(worker,)) for worker in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    events = hub._ring.between(0, hub.seq)
    assert [event.seq for event in events] == list(range(1, 4_001))
    for worker in range(4):
        mine = [event.data["n"] for event in events if event.data["worker"] == worker]
        assert mine == list(range(1_000))


def test_batching_may_be_off_but_not_negative() -> None:
    assert EventHub(batch_s=0).batch_s == 0
    with pytest.raises(ValueError, match="batch_s must not be negative, got -1"):
        EventHub(batch_s=-1)


def test_the_epoch_is_random_unless_given() -> None:
    assert EventHub().epoch != EventHub().epoch
    assert EventHub(epoch="node-1").epoch == "node-1"


def test_stream_schemas_join_the_openapi_components_without_overwriting() -> None:
    merged = add_stream_schemas({"openapi": "3.1.0", "components": {"schemas": {"Order": {}}}})
    schemas = merged["components"]["schemas"]
    assert {"Order", "StreamServerMessage", "StreamClientMessage", "StreamEventMessage"} <= set(
        schemas
    )
    event = schemas["StreamEventMessage"]
    assert set(event["required"]) == {"type", "topic", "seq", "epoch", "ts", "data"}
    assert add_stream_schemas(merged) == merged
    with pytest.raises(ValueError, match=r"components.schemas.StreamEventMessage already holds"):
        add_stream_schemas({"components": {"schemas": {"StreamEventMessage": {}}}})


def test_a_loop_far_behind_holds_no_more_than_the_ring_and_its_sockets_are_told() -> None:
    hub = EventHub(epoch="e", ring_size=100)

    async def scenario() -> tuple[tuple[CloseCode, str] | None, int, int]:
        hub.bind(asyncio.get_running_loop())
        conn = Connection("alice", max_queue=10_000)
        hub.subscribe(conn, SubscribeMessage(type="subscribe", topics=["orders"]))
        for n in range(1, 1_001):  # the loop cannot run meanwhile: it is this thread
            hub.publish("orders", {"n": n})
        waiting = len(hub._pending)
        await asyncio.sleep(0.1)
        return conn.close_reason, waiting, hub.connections

    reason, waiting, connections = asyncio.run(scenario())
    assert waiting <= 100
    assert reason == (CloseCode.TRY_AGAIN_LATER, "the server fell behind: resume to catch up")
    assert connections == 0
    assert [event.seq for event in hub._ring.between(900, 1_000)] == list(range(901, 1_001))
