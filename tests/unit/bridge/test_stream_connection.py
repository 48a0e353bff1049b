"""A socket's outgoing queue: batches, timeouts and the slow-consumer bound."""

from __future__ import annotations

import asyncio

from nautilus_options.bridge.stream import CloseCode
from nautilus_options.bridge.stream.connection import Connection


def test_take_returns_batches_in_order_up_to_the_limit() -> None:
    async def scenario() -> list[list[str]]:
        conn = Connection("alice", max_queue=10)
        conn.push_all(["a", "b", "c"])
        conn.push("d")
        return [await conn.take(3, 1.0), await conn.take(3, 1.0), await conn.take(3, 0.01)]

    assert asyncio.run(scenario()) == [["a", "b", "c"], ["d"], []]


def test_take_wakes_when_a_message_arrives() -> None:
    async def scenario() -> list[str]:
        conn = Connection("alice", max_queue=10)
        waiting = asyncio.create_task(conn.take(5, 30.0))
        await asyncio.sleep(0)  # let it start waiting
        conn.push("late")
        return await waiting

    assert asyncio.run(scenario()) == ["late"]


def test_overflow_drops_the_queue_and_marks_the_socket_for_closing() -> None:
    async def scenario() -> tuple[list[str], int]:
        conn = Connection("alice", max_queue=3)
        conn.push_all(["1", "2", "3", "4"])
        conn.push("5")  # ignored once closing
        return await conn.take(10, 1.0), conn.queued

    conn_batch, queued = asyncio.run(scenario())
    assert (conn_batch, queued) == ([], 0)
    conn = Connection("bob", max_queue=1)
    conn.push_all(["x", "y"])
    assert conn.close_reason == (
        CloseCode.SLOW_CONSUMER,
        "slow consumer: more than 1 messages queued",
    )


def test_the_first_close_reason_is_kept() -> None:
    conn = Connection("alice", max_queue=5)
    conn.close(CloseCode.INTERNAL_ERROR, "snapshot failed")
    conn.close(CloseCode.SLOW_CONSUMER, "later")
    assert conn.close_reason == (CloseCode.INTERNAL_ERROR, "snapshot failed")
