"""The event hub: sequences what the node publishes and fans it out to WebSocket connections.

:meth:`EventHub.publish` may be called from any thread (the node's loop runs in its own). It
never waits for a connection: under a short lock it numbers the event, keeps it in the ring and
hands it to the serving loop with one ``call_soon_threadsafe`` per burst. Everything else runs
on the serving loop (the one :meth:`EventHub.bind` was given), so connection state needs no lock.

Quotes are not sequenced: the hub keeps the latest quote per instrument and sends the changed
ones once per ``quote_flush_s``. A socket asks for the instruments it wants (at most
``max_instruments``); the hub tells its quote-demand listener (:meth:`EventHub.on_quote_demand`)
the instruments some socket subscribed to ``quotes`` wants, each time that set changes, so the
node subscribes to their quotes, and unsubscribes once no socket wants them. Once the node
side said which instruments it knows (:meth:`EventHub.set_known_instruments`), others are
refused with an ``error`` naming them and left out of ``subscribed``.

Events waiting for the loop are bounded by ``ring_size``: past it (the loop is that far behind,
or gone) they are dropped from the hand-over, kept in the ring, and every socket is closed with
1013 at the next delivery, so its client reconnects and resumes instead of missing events.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
import uuid
from collections.abc import Callable, Iterable
from typing import Any

import msgspec

from nautilus_options.bridge.stream.connection import Connection
from nautilus_options.bridge.stream.messages import (
    QUOTES,
    TOPICS,
    CloseCode,
    ErrorMessage,
    HeartbeatMessage,
    HelloMessage,
    ResumedMessage,
    SnapshotMessage,
    SnapshotReason,
    SubscribedMessage,
    SubscribeMessage,
    Topic,
    UnsubscribeMessage,
)
from nautilus_options.bridge.stream.ring import Event, EventRing, resume_refusal

__all__ = ["EventHub", "QuoteDemand", "SnapshotProvider"]

log = logging.getLogger(__name__)
_ENCODER = msgspec.json.Encoder(enc_hook=str)

#: ``fn(topics) -> {topic: state}``: REST-shaped state of the requested topics (never ``quotes``).
SnapshotProvider = Callable[[set[str]], dict[str, Any]]
#: ``fn(instrument_ids)``: the instruments some socket wants quotes of (called on the serving
#: loop, each time the set changes; must return quickly).
QuoteDemand = Callable[[frozenset[str]], None]


def _now_ms() -> float:
    return time.time() * 1000.0


class EventHub:
    """Sequenced, resumable fan-out of node events to WebSocket connections.

    Parameters
    ----------
    epoch : str, optional
        The node instance (a new one restarts the sequence); a random id by default.
    ring_size : int
        Events kept for resuming clients.
    max_queue : int
        Messages that may wait for one socket before it is closed as a slow consumer.
    heartbeat_s : float
        Seconds between heartbeats on every socket.
    quote_flush_s : float
        Seconds over which quotes are coalesced (latest per instrument).
    batch_s : float
        Least time between two deliveries to the connections: events arriving meanwhile go
        out together, in one frame per socket (fewer, larger frames under load; an event
        waits at most this long).
    """

    def __init__(
        self,
        epoch: str | None = None,
        ring_size: int = 10_000,
        *,
        max_queue: int = 10_000,
        heartbeat_s: float = 5.0,
        quote_flush_s: float = 0.25,
        batch_s: float = 0.01,
        max_instruments: int = 100,
    ) -> None:
        for name, value in (
            ("max_queue", max_queue),
            ("heartbeat_s", heartbeat_s),
            ("quote_flush_s", quote_flush_s),
            ("max_instruments", max_instruments),
        ):
            if value <= 0:
                raise ValueError(f"{name} must be positive, got {value}")
        if batch_s < 0:
            raise ValueError(f"batch_s must not be negative, got {batch_s}")
        self.epoch = epoch or uuid.uuid4().hex[:16]
        self.ring_size = ring_size
        self.max_queue = max_queue
        self.heartbeat_s = heartbeat_s
        self.quote_flush_s = quote_flush_s
        self.batch_s = batch_s
        self.max_instruments = max_instruments
        self._lock = threading.Lock()
        # Guarded by _lock (touched by publishing threads).
        self._seq = 0
        self._ring = EventRing(ring_size)
        self._pending: list[Event] = []
        self._loop: asyncio.AbstractEventLoop | None = None
        self._drain_scheduled = False
        self._quotes: dict[str, tuple[float, dict[str, Any]]] = {}
        self._changed_quotes: set[str] = set()
        self._flush_scheduled = False
        self._behind = False
        # Serving loop only.
        self._sent = 0
        self._last_drain = float("-inf")
        self._connections: set[Connection] = set()
        self._snapshot: SnapshotProvider | None = None
        self._quote_demand: QuoteDemand | None = None
        self._demanded: frozenset[str] = frozenset()
        self._known: frozenset[str] | None = None

    # ------------------------------------------------------------------ any thread
    def set_snapshot(self, fn: SnapshotProvider) -> None:
        """Install the snapshot provider.

        It is called on the serving loop with the topics a client needs (never ``quotes``) and
        must return quickly, e.g. by reading a state store the node side keeps up to date.
        """
        self._snapshot = fn

    def set_known_instruments(self, instrument_ids: frozenset[str]) -> None:
        """The instruments the node knows: quotes of others are refused (any thread)."""
        self._known = instrument_ids

    def on_quote_demand(self, fn: QuoteDemand) -> None:
        """Install the quote-demand listener (see the module docstring)."""
        self._quote_demand = fn

    def publish(self, topic: str, payload: dict[str, Any]) -> None:
        """Publish an event from any thread; never blocks on connections.

        Parameters
        ----------
        topic : str
            One of :data:`~nautilus_options.bridge.stream.messages.TOPICS`.
        payload : dict
            JSON-able record (values that are not are sent as ``str``). The hub keeps it:
            do not change it afterwards. A ``quotes`` payload needs an ``instrument_id``.

        Raises
        ------
        ValueError
            If ``topic`` is unknown, or a quote has no ``instrument_id``.
        """
        if topic not in TOPICS:
            raise ValueError(f"topic {topic!r} is not one of {', '.join(TOPICS)}")
        ts = _now_ms()
        if topic == QUOTES:
            self._publish_quote(payload, ts)
            return
        with self._lock:
            self._seq += 1
            event = Event(self._seq, topic, ts, payload)
            self._ring.append(event)
            loop = self._loop
            if loop is None:
                return
            if len(self._pending) >= self.ring_size:
                self._pending.clear()
                self._behind = True
            self._pending.append(event)
            if self._drain_scheduled:
                return
            self._drain_scheduled = True
        self._call_soon(loop, self._schedule_drain, loop)

    def _publish_quote(self, payload: dict[str, Any], ts: float) -> None:
        instrument = payload.get("instrument_id")
        if not isinstance(instrument, str) or not instrument:
            raise ValueError("a quotes payload needs an instrument_id (a non-empty string)")
        with self._lock:
            self._quotes[instrument] = (ts, payload)
            loop = self._loop
            if loop is None:
                return
            self._changed_quotes.add(instrument)
            if self._flush_scheduled:
                return
            self._flush_scheduled = True
        self._call_soon(loop, loop.call_later, self.quote_flush_s, self._flush_quotes)

    def _call_soon(
        self, loop: asyncio.AbstractEventLoop, fn: Callable[..., Any], *args: Any
    ) -> None:
        try:
            loop.call_soon_threadsafe(fn, *args)
        except RuntimeError:  # the serving loop is closed: nobody is listening any more
            with self._lock:
                if self._loop is loop:
                    self._loop = None
                    self._pending.clear()
                    self._changed_quotes.clear()

    @property
    def seq(self) -> int:
        """The last sequence number published."""
        return self._seq

    # ---------------------------------------------------------------- serving loop
    def bind(self, loop: asyncio.AbstractEventLoop) -> None:
        """Deliver to connections on ``loop`` from now on (the router calls this)."""
        with self._lock:
            if self._loop is loop:
                return
            self._loop = loop
            self._pending.clear()
            self._behind = False
            self._drain_scheduled = False
            self._changed_quotes.clear()
            self._flush_scheduled = False
            self._sent = self._seq
        self._connections.clear()

    @property
    def connections(self) -> int:
        """Connections receiving events."""
        return len(self._connections)

    def hello(self, subject: str) -> str:
        """The encoded ``hello`` for a connection of ``subject``."""
        return HelloMessage(
            epoch=self.epoch,
            seq=self._sent,
            heartbeat_s=self.heartbeat_s,
            ring_size=self.ring_size,
            max_queue=self.max_queue,
            topics=list(TOPICS),
            subject=subject,
        ).model_dump_json()

    def heartbeat(self) -> str:
        """An encoded ``heartbeat``."""
        return HeartbeatMessage(epoch=self.epoch, seq=self._sent, ts=_now_ms()).model_dump_json()

    def subscribe(self, conn: Connection, message: SubscribeMessage) -> None:
        """Add topics and instruments; the first call starts the stream (resume or snapshot)."""
        new_topics: set[str] = {str(topic) for topic in message.topics} - conn.topics
        new_instruments = set(message.instruments) - conn.instruments
        known = self._known
        unknown = set() if known is None else new_instruments - known
        if unknown:
            conn.push(
                ErrorMessage(
                    message=f"instruments: unknown to the node, not subscribed: "
                    f"{', '.join(sorted(unknown)[:5])}" + (" ..." if len(unknown) > 5 else "")
                ).model_dump_json()
            )
            new_instruments -= unknown
        if len(conn.instruments) + len(new_instruments) > self.max_instruments:
            conn.push(
                ErrorMessage(
                    message=f"instruments: at most {self.max_instruments} per socket "
                    f"({len(conn.instruments)} subscribed); none of these was added"
                ).model_dump_json()
            )
            new_instruments = set()
        conn.topics |= new_topics
        conn.instruments |= new_instruments
        conn.push(self._subscribed(conn))
        if not conn.started:
            conn.started = True
            self._connections.add(conn)
            self._start(conn, message)
        elif new_topics:
            conn.push(self._snapshot_text(conn, new_topics, "subscribed"))
        if QUOTES in conn.topics and QUOTES not in new_topics and new_instruments:
            conn.push_all(self._latest_quotes(new_instruments).values())
        self._drop_if_closing(conn)
        self._update_quote_demand()

    def unsubscribe(self, conn: Connection, message: UnsubscribeMessage) -> None:
        """Drop topics and instruments."""
        conn.topics -= set(message.topics)
        conn.instruments -= set(message.instruments)
        conn.push(self._subscribed(conn))
        self._update_quote_demand()

    def discard(self, conn: Connection) -> None:
        """Stop delivering to ``conn``."""
        self._connections.discard(conn)
        self._update_quote_demand()

    # ------------------------------------------------------------------- internals
    def _update_quote_demand(self) -> None:
        """Tell the listener the instruments wanted, if they changed."""
        wanted = frozenset[str]().union(
            *(conn.instruments for conn in self._connections if QUOTES in conn.topics)
        )
        if wanted == self._demanded:
            return
        self._demanded = wanted
        if self._quote_demand is not None:
            try:
                self._quote_demand(wanted)
            except Exception:
                log.exception("the quote-demand listener failed")

    def _subscribed(self, conn: Connection) -> str:
        topics: list[Topic] = [topic for topic in TOPICS if topic in conn.topics]
        return SubscribedMessage(
            topics=topics, instruments=sorted(conn.instruments)
        ).model_dump_json()

    def _start(self, conn: Connection, message: SubscribeMessage) -> None:
        point = message.resume
        if point is None:
            conn.push(self._snapshot_text(conn, conn.topics, "new"))
            return
        with self._lock:
            refusal = resume_refusal(point, self.epoch, self._ring.oldest_seq, self._sent)
            missed = [] if refusal else self._ring.between(point.seq, self._sent)
        if refusal is not None:
            conn.push(self._snapshot_text(conn, conn.topics, refusal))
            return
        replay = [self._encoded(event) for event in missed if event.topic in conn.topics]
        conn.push(
            ResumedMessage(
                epoch=self.epoch, from_seq=point.seq, seq=self._sent, replayed=len(replay)
            ).model_dump_json()
        )
        conn.push_all(replay)

    def _snapshot_text(self, conn: Connection, topics: set[str], reason: SnapshotReason) -> str:
        state_topics = topics - {QUOTES}
        data: dict[str, Any] = {}
        if state_topics and self._snapshot is not None:
            data.update(self._snapshot(state_topics))
        if QUOTES in topics:
            with self._lock:
                data[QUOTES] = {
                    i: self._quotes[i][1] for i in conn.instruments if i in self._quotes
                }
        ordered: list[Topic] = [topic for topic in TOPICS if topic in topics]
        return SnapshotMessage(
            reason=reason, epoch=self.epoch, seq=self._sent, topics=ordered, data=data
        ).model_dump_json(fallback=str)

    def _encoded(self, event: Event) -> str:
        if event.text is None:
            event.text = self._encode(event.topic, event.seq, event.ts, event.data)
        return event.text

    def _encode(self, topic: str, seq: int, ts: float, data: dict[str, Any]) -> str:
        # An EventMessage as pydantic writes it (fields in order, str for the unknown), about
        # ten times faster; once per event, whatever the number of sockets.
        event = {"type": "event", "topic": topic, "seq": seq, "epoch": self.epoch, "ts": ts}
        return _ENCODER.encode({**event, "data": data}).decode()

    def _schedule_drain(self, loop: asyncio.AbstractEventLoop) -> None:
        delay = self._last_drain + self.batch_s - loop.time()
        if delay > 0:
            loop.call_later(delay, self._drain)
        else:
            self._drain()

    def _drain(self) -> None:
        if self._loop is not None:
            self._last_drain = self._loop.time()
        with self._lock:
            batch, self._pending = self._pending, []
            behind, self._behind = self._behind, False
            self._drain_scheduled = False
        if behind:
            for conn in tuple(self._connections):
                conn.close(CloseCode.TRY_AGAIN_LATER, "the server fell behind: resume to catch up")
                self._connections.discard(conn)
            log.warning(
                "the stream fell over %d events behind the node: sockets closed", self.ring_size
            )
            self._update_quote_demand()
        if not batch:
            return
        self._sent = batch[-1].seq
        wanted = set[str]().union(*(conn.topics for conn in self._connections))
        texts = [(event.topic, self._encoded(event)) for event in batch if event.topic in wanted]
        for conn in tuple(self._connections):
            topics = conn.topics
            conn.push_all(text for topic, text in texts if topic in topics)
            self._drop_if_closing(conn)

    def _latest_quotes(self, instruments: Iterable[str]) -> dict[str, str]:
        with self._lock:
            latest = {i: self._quotes[i] for i in instruments if i in self._quotes}
        return {i: self._encode(QUOTES, self._sent, ts, data) for i, (ts, data) in latest.items()}

    def _flush_quotes(self) -> None:
        self._drain()  # every event published before these quotes goes first
        with self._lock:
            changed, self._changed_quotes = self._changed_quotes, set()
            self._flush_scheduled = False
        texts = self._latest_quotes(changed)
        for conn in tuple(self._connections):
            if QUOTES in conn.topics:
                conn.push_all(text for i, text in texts.items() if i in conn.instruments)
                self._drop_if_closing(conn)

    def _drop_if_closing(self, conn: Connection) -> None:
        if conn.close_reason is not None and conn in self._connections:
            self._connections.discard(conn)
            self._update_quote_demand()
            code, reason = conn.close_reason
            if code == CloseCode.SLOW_CONSUMER:
                log.warning("closing the stream of %s: %s", conn.subject, reason)
