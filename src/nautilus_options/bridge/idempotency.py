"""Client-supplied idempotency keys: one submission per key, however often it is sent.

A double click or a retry after a dropped connection sends the same key again. The first
request with a key runs; any later one with the same key and the same body gets the first
one's answer without running again (even while the first is still running: it waits for
it); the same key with a different body is refused. Keys are scoped by caller.

With a ``path``, every finished run is appended to that JSON-lines file (0600) and read
back at start, so a retry after a restart of the server (and its node) sends nothing
either; results must then be JSON values.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import os
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
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

    Parameters
    ----------
    path : Path, optional
        JSON-lines file of finished runs (see the module docstring); None keeps them in
        memory only.
    capacity : int
        Keys remembered.
    """

    def __init__(self, path: Path | None = None, capacity: int = 10_000) -> None:
        self.path = path
        self.capacity = capacity
        self._slots: OrderedDict[tuple[str, str], _Slot] = OrderedDict()
        if path is not None and path.exists():
            for line in path.read_text(encoding="utf-8").splitlines():
                if line.strip():
                    record = json.loads(line)
                    slot = _Slot(record["fingerprint"], asyncio.Event(), record["result"])
                    slot.done.set()
                    self._remember((record["subject"], record["key"]), slot)

    def lookup(self, subject: str, key: str) -> Any:
        """The finished result under ``key``, or None."""
        slot = self._slots.get((subject, key))
        return slot.result if slot is not None and slot.done.is_set() else None

    def results(self) -> list[Any]:
        """Every finished result remembered, oldest first."""
        return [slot.result for slot in self._slots.values() if slot.done.is_set()]

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
        self._remember((subject, key), slot)
        try:
            slot.result = await action()
        except BaseException as exc:
            slot.error = exc
            self._slots.pop((subject, key), None)
            raise
        finally:
            slot.done.set()
        self._append(subject, key, slot)
        return slot.result, False

    def _remember(self, key: tuple[str, str], slot: _Slot) -> None:
        self._slots[key] = slot
        self._slots.move_to_end(key)
        while len(self._slots) > self.capacity:
            self._slots.popitem(last=False)

    def _append(self, subject: str, key: str, slot: _Slot) -> None:
        if self.path is None:
            return
        record = {"subject": subject, "key": key, "fingerprint": slot.fingerprint}
        line = json.dumps({**record, "result": slot.result}) + "\n"
        self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        descriptor = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        with os.fdopen(descriptor, "a", encoding="utf-8") as handle:
            handle.write(line)
