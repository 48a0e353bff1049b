"""A slow reader's close frame (4429) reaches it even when it reads only after the server
gave up waiting to write it: never a bare drop (1006)."""

from __future__ import annotations

import threading
import time

from ws_harness import StreamReader, serving, wait_for

from nautilus_options.bridge.stream import CloseCode, EventHub

PAD = "x" * 65_536  # big events fill the socket buffers quickly (with compression off)
CLOSE_TIMEOUT_S = 0.5


def test_a_reader_that_reads_late_still_gets_the_slow_consumer_close_frame() -> None:
    # Its socket buffers fill before its queue does: the server's writes then wait.
    hub = EventHub(epoch="e", ring_size=8, max_queue=1_000_000)
    received: list[int] = []
    with (
        serving(hub, send_timeout_s=1.0, close_timeout_s=CLOSE_TIMEOUT_S) as url,
        StreamReader(url) as fast,
        StreamReader(url, max_queue=1, compression=None) as slow,
    ):
        for reader in (fast, slow):
            reader.start(["orders"])
            reader.until("snapshot")

        def read_fast() -> None:
            while (message := fast.next())["type"] != "event" or message["data"]["n"] > 0:
                if message["type"] == "event":
                    received.append(message["data"]["n"])

        reader_thread = threading.Thread(target=read_fast)
        reader_thread.start()
        n = 0
        while hub.connections == 2 and n < 5_000:  # `slow` reads nothing meanwhile
            n += 1
            hub.publish("orders", {"n": n, "pad": PAD})
            wait_for(lambda: len(received) == n, f"the fast reader to get event {n}")  # noqa: B023
        assert hub.connections == 1, "the slow reader was never dropped"
        hub.publish("orders", {"n": -1})
        reader_thread.join(timeout=30)
        closed_at = time.monotonic()
        # The slow reader comes back only once the server's bound on writing the close frame
        # has passed (its socket buffers full all along).
        wait_for(
            lambda: time.monotonic() > closed_at + 4 * CLOSE_TIMEOUT_S,
            "the close timeout to pass",
        )
        code, reason = slow.close_frame()
    assert code == CloseCode.SLOW_CONSUMER
    assert reason == "slow consumer: a frame took more than 1 s to send"
