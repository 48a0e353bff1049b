"""The ring of recent events and the resume decision."""

from __future__ import annotations

import pytest

from nautilus_options.bridge.stream.messages import ResumePoint
from nautilus_options.bridge.stream.ring import Event, EventRing, resume_refusal


def ring_of(size: int, count: int) -> EventRing:
    ring = EventRing(size)
    for seq in range(1, count + 1):
        ring.append(Event(seq, "orders", 0.0, {"n": seq}))
    return ring


def test_the_ring_keeps_the_newest_events_in_order() -> None:
    ring = ring_of(4, 10)
    assert (len(ring), ring.oldest_seq) == (4, 7)
    assert [event.seq for event in ring.between(7, 9)] == [8, 9]
    assert [event.seq for event in ring.between(6, 10)] == [7, 8, 9, 10]
    assert ring.between(10, 10) == []
    assert EventRing(3).between(0, 5) == []


def test_a_ring_needs_room() -> None:
    with pytest.raises(ValueError, match="ring_size must be at least 1, got 0"):
        EventRing(0)


@pytest.mark.parametrize(
    ("epoch", "seq", "oldest", "last", "expected"),
    [
        ("a", 5, 3, 9, None),
        ("a", 2, 3, 9, None),  # 3.. are kept: nothing missing
        ("a", 1, 3, 9, "too_old"),
        ("a", 9, 3, 9, None),
        ("a", 0, None, 0, None),
        ("a", 0, None, 4, "too_old"),
        ("a", 10, 3, 9, "unknown_seq"),
        ("b", 5, 3, 9, "epoch_changed"),
    ],
)
def test_resume_is_refused_only_when_events_are_missing(
    epoch: str, seq: int, oldest: int | None, last: int, expected: str | None
) -> None:
    assert resume_refusal(ResumePoint(epoch=epoch, seq=seq), "a", oldest, last) == expected
