"""The bounded ring of recent events, and whether a client can resume from it (pure)."""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from itertools import islice
from typing import Any

from nautilus_options.bridge.stream.messages import ResumePoint, SnapshotReason

__all__ = ["Event", "EventRing", "resume_refusal"]


@dataclass(slots=True)
class Event:
    """A sequenced event; ``text`` is its encoded ``event`` message, set once when first sent."""

    seq: int
    topic: str
    ts: float
    data: dict[str, Any]
    text: str | None = None


class EventRing:
    """The last ``size`` events, oldest first, with consecutive sequence numbers.

    Not thread-safe: :class:`~nautilus_options.bridge.stream.hub.EventHub` guards it.
    """

    def __init__(self, size: int) -> None:
        if size < 1:
            raise ValueError(f"ring_size must be at least 1, got {size}")
        self._events: deque[Event] = deque(maxlen=size)

    def __len__(self) -> int:
        return len(self._events)

    def append(self, event: Event) -> None:
        """Add the next event (its ``seq`` is one more than the newest's)."""
        self._events.append(event)

    @property
    def oldest_seq(self) -> int | None:
        """Sequence number of the oldest event kept, or None when empty."""
        return self._events[0].seq if self._events else None

    def between(self, after: int, upto: int) -> list[Event]:
        """Events with ``after < seq <= upto`` (the caller checked they are all kept)."""
        oldest = self.oldest_seq
        if oldest is None or upto <= after:
            return []
        start = max(after + 1 - oldest, 0)
        return list(islice(self._events, start, upto + 1 - oldest))


def resume_refusal(
    point: ResumePoint, epoch: str, oldest: int | None, last: int
) -> SnapshotReason | None:
    """Why a client at ``point`` cannot be brought up to ``last`` from the ring, or None if it can.

    Parameters
    ----------
    point : ResumePoint
        The client's epoch and the last sequence number it processed.
    epoch : str
        The server's epoch.
    oldest : int or None
        The oldest sequence number in the ring (None when the ring is empty).
    last : int
        The last sequence number sent to connections.
    """
    if point.epoch != epoch:
        return "epoch_changed"
    if point.seq > last:
        return "unknown_seq"
    if point.seq == last:
        return None
    if oldest is None or oldest > point.seq + 1:
        return "too_old"
    return None
