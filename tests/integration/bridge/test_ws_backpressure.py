"""A reader that stops reading is closed with a reason; the node and other readers go on."""

from __future__ import annotations

import threading
import time
from functools import partial

import pytest
from ws_harness import StreamReader, serving, wait_for

from nautilus_options.bridge.stream import CloseCode, EventHub


def has_count(items: list[int], count: int) -> bool:
    return len(items) == count


PAD = "x" * 65_536  # big events fill the socket buffers quickly (with compression off)


@pytest.mark.parametrize(
    ("max_queue", "send_timeout_s", "reason"),
    [
        (32, 10.0, "slow consumer: more than 32 messages queued"),
        (1_000_000, 0.5, "slow consumer: a frame took more than 0.5 s to send"),
    ],
    ids=["queue-overflow", "send-timeout"],
)
def test_a_slow_consumer_is_closed_with_a_reason_and_never_slows_publishing(
    max_queue: int, send_timeout_s: float, reason: str
) -> None:
    hub = EventHub(epoch="e", ring_size=8, max_queue=max_queue)
    received: list[int] = []
    publish_s: list[float] = []
    with (
        serving(hub, send_timeout_s=send_timeout_s) as url,
        StreamReader(url) as fast,
        StreamReader(url, max_queue=1, compression=None) as slow,
    ):
        for reader in (fast, slow):
            reader.start(["orders"])
            reader.until("snapshot")

        def read_fast() -> None:
            while True:
                message = fast.next()
                if message["type"] == "event":
                    received.append(message["data"]["n"])
                    if message["data"]["n"] < 0:
                        return

        reader_thread = threading.Thread(target=read_fast)
        reader_thread.start()
        n = 0
        while hub.connections == 2 and n < 5_000:  # `slow` reads nothing meanwhile
            n += 1
            started = time.perf_counter()
            hub.publish("orders", {"n": n, "pad": PAD})
            publish_s.append(time.perf_counter() - started)
            wait_for(partial(has_count, received, n), f"the fast reader to get event {n}")
        assert hub.connections == 1, "the slow reader was never dropped"

        closed = slow.close_frame()
        hub.publish("orders", {"n": -1})
        reader_thread.join(timeout=30)

    assert closed == (CloseCode.SLOW_CONSUMER, reason)
    assert received == [*range(1, n + 1), -1]
    # A publish that waited for the stuck reader would have waited for good (or for the 10 s
    # send timeout); the bound only allows for a loaded machine's scheduling.
    assert max(publish_s) < 1.0, "publishing waited for a reader"
