"""One socket's side of the hub: its subscriptions and its bounded outgoing queue.

Everything here runs on the server's event loop. The hub offers encoded messages; the socket's
sender task takes them in batches. A queue that passes its bound is emptied and marked for
closing (:attr:`Connection.close_reason`): the hub stops feeding it at once, so a slow reader
never holds memory or time of anyone else.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Iterable

from nautilus_options.bridge.stream.messages import CloseCode

__all__ = ["Connection"]


class Connection:
    """Subscriptions and outgoing queue of one WebSocket.

    Parameters
    ----------
    subject : str
        Who is connected (for logs; never the token).
    max_queue : int
        Messages that may wait to be sent before the socket is closed as a slow consumer.
    """

    def __init__(self, subject: str, max_queue: int) -> None:
        self.subject = subject
        self.max_queue = max_queue
        self.topics: set[str] = set()
        self.instruments: set[str] = set()
        self.started = False
        self.close_reason: tuple[CloseCode, str] | None = None
        self._queue: deque[str] = deque()
        self._ready = asyncio.Event()

    @property
    def queued(self) -> int:
        """Messages waiting to be sent."""
        return len(self._queue)

    def push(self, text: str) -> None:
        """Queue one encoded message."""
        self.push_all((text,))

    def push_all(self, texts: Iterable[str]) -> None:
        """Queue encoded messages, in order; past ``max_queue`` the socket is to be closed."""
        if self.close_reason is not None:
            return
        self._queue.extend(texts)
        if len(self._queue) > self.max_queue:
            self.close(
                CloseCode.SLOW_CONSUMER,
                f"slow consumer: more than {self.max_queue} messages queued",
            )
        self._ready.set()

    def close(self, code: CloseCode, reason: str) -> None:
        """Stop queueing, drop what is queued and wake the sender to close with ``reason``."""
        if self.close_reason is None:
            self.close_reason = (code, reason)
        self._queue.clear()
        self._ready.set()

    async def take(self, limit: int, timeout: float) -> list[str]:
        """Up to ``limit`` queued messages, waiting at most ``timeout`` seconds for the first.

        Returns an empty list on timeout or once the connection is closing.
        """
        if not self._queue and self.close_reason is None:
            try:
                await asyncio.wait_for(self._ready.wait(), timeout)
            except TimeoutError:
                return []
        self._ready.clear()
        if self.close_reason is not None:
            return []
        count = min(limit, len(self._queue))
        batch = [self._queue.popleft() for _ in range(count)]
        if self._queue:
            self._ready.set()
        return batch
