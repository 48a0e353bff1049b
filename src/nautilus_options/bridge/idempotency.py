"""Client-supplied idempotency keys: one submission per key, however often it is sent.

A double click or a retry after a dropped connection sends the same key again. The first
request with a key runs; any later one with the same key and the same body gets the first
one's answer without running again (even while the first is still running: it waits for
it); the same key with a different body is refused. Keys are scoped by caller.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

__all__ = ["IdempotencyConflictError", "IdempotencyStore"]


class IdempotencyConflictError(ValueError):
    """The key was used before with a different request."""


@dataclass
class _Slot:
    fingerprint: str
    done: asyncio.Event
    result: Any = None
    error: BaseException | None = None


class IdempotencyStore:
    """Run each ``(subject, key)`` once; remember the last ``capacity`` keys.

    Use from one event loop (the server's).
    """

    def __init__(self, capacity: int = 10_000) -> None:
        self.capacity = capacity
        self._slots: OrderedDict[tuple[str, str], _Slot] = OrderedDict()

    def lookup(self, subject: str, key: str) -> Any:
        """The finished result under ``key``, or None."""
        slot = self._slots.get((subject, key))
        return slot.result if slot is not None and slot.done.is_set() else None

    async def run(
        self,
        subject: str,
        key: str,
        request: dict[str, Any],
        action: Callable[[], Awaitable[Any]],
    ) -> tuple[Any, bool]:
        """Run ``action`` once for ``key``; return its result and whether it is a replay.

        A failed first run (an exception) is not remembered, so a retry runs again.

        Raises
        ------
        IdempotencyConflictError
            If ``key`` was used with a different ``request``.
        """
        fingerprint = hashlib.sha256(json.dumps(request, sort_keys=True).encode()).hexdigest()
        while (slot := self._slots.get((subject, key))) is not None:
            if slot.fingerprint != fingerprint:
                raise IdempotencyConflictError(
                    f"idempotency key {key!r} was used for another request"
                )
            await slot.done.wait()
            if slot.error is None:
                return slot.result, True
            # The run failed and left; the first waiter to wake runs again, the others wait.
        slot = _Slot(fingerprint, asyncio.Event())
        self._slots[(subject, key)] = slot
        while len(self._slots) > self.capacity:
            self._slots.popitem(last=False)
        try:
            slot.result = await action()
        except BaseException as exc:
            slot.error = exc
            self._slots.pop((subject, key), None)
            raise
        finally:
            slot.done.set()
        return slot.result, False
