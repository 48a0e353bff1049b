"""Resuming the stream over real sockets: nothing lost, or a snapshot that says why."""

from __future__ import annotations

import socket
import threading
from typing import Any

from ws_harness import TIMEOUT_S, StreamReader, serving

from nautilus_options.bridge.stream import EventHub

TOPICS = ("orders", "fills", "logs")  # the reader subscribes to the first two
SUBSCRIBED = ["orders", "fills"]


def drop(reader: StreamReader) -> None:
    """Cut the socket without a closing handshake, as a lost network would."""
    reader.ws.socket.shutdown(socket.SHUT_RDWR)


def read_events(reader: StreamReader, upto: int) -> list[int]:
    """Sequence numbers of the events read, in order, until one at or past ``upto``."""
    seqs: list[int] = []
    while not seqs or seqs[-1] < upto:
        message = reader.next()
        if message["type"] == "event":
            assert message["data"]["n"] == message["seq"]
            seqs.append(message["seq"])
    return seqs


def test_resume_after_a_dropped_socket_loses_no_event() -> None:
    total, drop_at = 4_000, 1_000
    hub = EventHub(epoch="run-1", ring_size=total)
    expected = [n for n in range(1, total + 1) if TOPICS[n % 3] in SUBSCRIBED]
    dropped = threading.Event()

    def publish() -> None:
        """The node: goes on publishing while the reader is away and while it resumes."""
        for n in range(1, total + 1):
            hub.publish(TOPICS[n % 3], {"n": n})
            if n == drop_at:
                assert dropped.wait(TIMEOUT_S), "the reader never dropped its socket"
            elif n % 20 == 0:
                dropped.wait(0.001)  # pace the node (the wait ends at once after the drop)

    with serving(hub) as url:
        publisher = threading.Thread(target=publish)
        with StreamReader(url) as first:
            assert first.start(SUBSCRIBED)["epoch"] == "run-1"
            assert first.until("snapshot")["reason"] == "new"
            publisher.start()
            before = read_events(first, drop_at // 2)
            drop(first)
            dropped.set()
        with StreamReader(url) as second:
            second.start(SUBSCRIBED, resume={"epoch": "run-1", "seq": before[-1]})
            resumed = second.until("resumed")
            after = read_events(second, expected[-1])
        publisher.join()

    assert resumed["from_seq"] == before[-1]
    assert resumed["replayed"] == len([n for n in expected if before[-1] < n <= resumed["seq"]])
    assert before + after == expected


def test_a_new_epoch_gets_a_snapshot_saying_so() -> None:
    old = EventHub(epoch="before-restart")
    with serving(old) as url, StreamReader(url) as reader:
        reader.start(["orders"])
        reader.until("snapshot")
        old.publish("orders", {"n": 1})
        last = reader.until("event")

    state: dict[str, Any] = {"orders": [{"order_id": "O-1", "status": "FILLED"}]}
    new = EventHub(epoch="after-restart")
    new.set_snapshot(lambda topics: {topic: state[topic] for topic in topics})
    new.publish("orders", {"n": 1})
    with serving(new) as url, StreamReader(url) as reader:
        reader.start(["orders"], resume={"epoch": last["epoch"], "seq": last["seq"]})
        snapshot = reader.until("snapshot")
        new.publish("orders", {"n": 2})
        event = reader.until("event")

    assert snapshot["reason"] == "epoch_changed"
    assert (snapshot["epoch"], snapshot["seq"]) == ("after-restart", 1)
    assert snapshot["data"] == state
    assert (event["epoch"], event["seq"], event["data"]) == ("after-restart", 2, {"n": 2})


def test_a_sequence_older_than_the_ring_or_unknown_gets_a_snapshot() -> None:
    hub = EventHub(epoch="e", ring_size=4)
    outcomes = {}
    with serving(hub) as url:
        for n in range(1, 11):
            hub.publish("orders", {"n": n})
        for seq in (2, 6, 11):
            with StreamReader(url) as reader:
                reader.start(["orders"], resume={"epoch": "e", "seq": seq})
                reader.until("subscribed")
                answer = reader.next()
                replayed = [reader.next()["seq"] for _ in range(answer.get("replayed", 0))]
            outcomes[seq] = (answer.get("reason", answer["type"]), replayed)
    assert outcomes == {
        2: ("too_old", []),
        6: ("resumed", [7, 8, 9, 10]),
        11: ("unknown_seq", []),
    }
