"""The ticker WebSocket: connections, subscriptions, broadcast, heartbeats and order updates.

Protocol (KITE_API.md §5): the client connects with ``api_key`` and ``access_token`` in the
query string (any path); bad or expired credentials are refused at the upgrade (HTTP 403).
Text messages from the client are JSON: ``{"a": "subscribe", "v": [tokens]}`` (new tokens
stream in ``quote`` mode), ``{"a": "unsubscribe", "v": [...]}`` and
``{"a": "mode", "v": [mode, [tokens]]}``. The server sends binary frames of the subscribed
instruments that changed since the previous broadcast, a 1-byte heartbeat after
``heartbeat_interval`` seconds of silence, and JSON text messages
``{"type": "order", "data": {...}}`` and ``{"type": "error", "data": "..."}``.

Limits (Kite): 3,000 instruments per connection (a subscribe that would pass it is refused
whole with an error message: none of its tokens is added) and 3 connections per API key (a
fourth gets an error message and is closed with code 1008). Subscriptions do not survive a
reconnection, as on Kite.

Broadcasting is decoupled from the market step: a step snapshots the quotes it changed into
the hub's :class:`~.encoder.QuoteTable` and marks them pending (:meth:`TickerHub.mark`);
:meth:`TickerHub.broadcast` (run every ``broadcast_interval`` by the core) encodes, per
connection, the pending rows it subscribes to as one vectorised frame. Subscriptions are
kept both as a dict (token -> mode) and as an array of mode codes per table row.

Each connection has a bounded queue of outgoing messages; when a slow client lets it fill,
the oldest market frame is dropped (market data is conflated, order updates never are).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections import deque
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray
from starlette.websockets import WebSocket, WebSocketDisconnect

from nautilus_options.simulator.faults import FaultInjector
from nautilus_options.simulator.market.state import Quote
from nautilus_options.simulator.ticker.encoder import (
    HEARTBEAT,
    MODE_CODE,
    MODES,
    Mode,
    QuoteTable,
    encode_rows,
)

MAX_TOKENS = 3000
MAX_CONNECTIONS = 3
QUEUE_FRAMES = 64


@dataclass
class Connection:
    """One ticker client: its subscriptions and its outgoing queue."""

    websocket: WebSocket
    api_key: str
    modes: dict[int, Mode] = field(default_factory=dict)
    codes: NDArray[np.int8] = field(default_factory=lambda: np.zeros(0, dtype=np.int8))
    queue: deque[bytes | str] = field(default_factory=deque)
    wake: asyncio.Event = field(default_factory=asyncio.Event)
    closed: bool = False
    sent_frames: int = 0
    stalled_until: float = 0.0

    def put(self, message: bytes | str) -> None:
        """Queue a message; drop the oldest market frame when the queue is full."""
        if len(self.queue) >= QUEUE_FRAMES:
            for i, queued in enumerate(self.queue):
                if isinstance(queued, bytes):
                    del self.queue[i]
                    break
        self.queue.append(message)
        self.wake.set()


def _tokens(value: Any) -> list[int]:
    if not isinstance(value, list):
        return []
    return [int(v) for v in value if isinstance(v, int | str) and str(v).isdigit()]


class TickerHub:
    """Every ticker connection of the simulator, fed by the market loop and the broker."""

    def __init__(
        self, quotes: dict[int, Quote], indices: set[int], faults: FaultInjector, heartbeat_s: float
    ) -> None:
        self.quotes, self.indices = quotes, indices
        self.faults = faults
        self.heartbeat_s = heartbeat_s
        self.connections: list[Connection] = []
        self.table = QuoteTable(list(quotes), indices)
        self.table.refresh(list(quotes.values()))
        self.pending = np.zeros(len(self.table.tokens), dtype=bool)
        #: Set when quotes are marked (wakes the core's broadcast loop).
        self.marked = asyncio.Event()

    def count(self, api_key: str) -> int:
        """Open connections of ``api_key``."""
        return sum(1 for c in self.connections if c.api_key == api_key and not c.closed)

    def mark(self, changed: list[int]) -> None:
        """Snapshot the quotes of ``changed`` tokens and mark them for the next broadcast."""
        known = [self.quotes[t] for t in changed if t in self.table.row]
        self.pending[self.table.refresh(known)] = True
        if known:
            self.marked.set()

    def broadcast(self, changed: list[int] | None = None) -> int:
        """Queue one frame per connection with its subscribed pending rows; return packets.

        ``changed`` tokens are marked first (:meth:`mark`); the pending set is then cleared.
        """
        if changed:
            self.mark(changed)
        if not self.pending.any():
            return 0
        rows = np.flatnonzero(self.pending)
        self.pending[:] = False
        sent = 0
        for conn in self.connections:
            if conn.closed or not conn.modes:
                continue
            codes = conn.codes[rows]
            chosen = codes >= 0
            if chosen.any():
                conn.put(encode_rows(self.table, rows[chosen], codes[chosen]))
                sent += int(chosen.sum())
        return sent

    def push_order(self, payload: dict[str, Any]) -> None:
        """Queue an order update for every connection (one account per simulator)."""
        text = json.dumps({"type": "order", "data": payload})
        for conn in self.connections:
            if not conn.closed:
                conn.put(text)

    def drop_all(self) -> int:
        """Close every connection abruptly (the dropped-socket fault); return how many."""
        count = 0
        for conn in self.connections:
            if not conn.closed:
                conn.put(b"")  # sentinel: close
                count += 1
        return count

    async def serve(self, websocket: WebSocket, api_key: str) -> None:
        """Run one accepted connection until it closes."""
        conn = Connection(websocket, api_key)
        conn.codes = np.full(len(self.table.tokens), -1, dtype=np.int8)
        if self.count(api_key) >= MAX_CONNECTIONS:
            await websocket.send_text(
                json.dumps(
                    {
                        "type": "error",
                        "data": f"Maximum {MAX_CONNECTIONS} connections per api_key exceeded.",
                    }
                )
            )
            await websocket.close(code=1008)
            return
        self.connections.append(conn)
        writer = asyncio.create_task(self._write(conn))
        try:
            while True:
                message = await websocket.receive_text()
                self._handle(conn, message)
        except (WebSocketDisconnect, RuntimeError):
            pass
        finally:
            conn.closed = True
            conn.wake.set()
            writer.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await writer
            self.connections.remove(conn)

    def _handle(self, conn: Connection, message: str) -> None:
        try:
            request = json.loads(message)
            action, value = request.get("a"), request.get("v")
        except (ValueError, AttributeError):
            return
        if action == "subscribe":
            tokens = _tokens(value)
            room = MAX_TOKENS - len(conn.modes)
            new = [t for t in tokens if t not in conn.modes]
            if len(new) > room:
                conn.put(
                    json.dumps(
                        {
                            "type": "error",
                            "data": f"Subscription limit of {MAX_TOKENS} instruments "
                            "per connection exceeded.",
                        }
                    )
                )
                return  # all or nothing: an over-limit request changes no subscription
            self._set_modes(conn, new, "quote")
        elif action == "unsubscribe":
            for token in _tokens(value):
                conn.modes.pop(token, None)
                if token in self.table.row:
                    conn.codes[self.table.row[token]] = -1
        elif action == "mode" and isinstance(value, list) and len(value) == 2 and value[0] in MODES:
            mode: Mode = value[0]
            self._set_modes(conn, [t for t in _tokens(value[1]) if t in conn.modes], mode)

    def _set_modes(self, conn: Connection, tokens: list[int], mode: Mode) -> None:
        """Subscribe ``tokens`` in ``mode`` and queue a snapshot frame of the known ones."""
        for token in tokens:
            conn.modes[token] = mode
        rows = np.array([self.table.row[t] for t in tokens if t in self.table.row], np.int64)
        conn.codes[rows] = MODE_CODE[mode]
        if len(rows):
            conn.put(encode_rows(self.table, rows, conn.codes[rows]))

    async def _write(self, conn: Connection) -> None:
        websocket = conn.websocket
        loop = asyncio.get_running_loop()
        while not conn.closed:
            if conn.stalled_until > loop.time():
                await asyncio.sleep(conn.stalled_until - loop.time())
                continue
            if not conn.queue:
                conn.wake.clear()
                try:
                    await asyncio.wait_for(conn.wake.wait(), self.heartbeat_s)
                except TimeoutError:
                    await websocket.send_bytes(HEARTBEAT)
                continue
            message = conn.queue.popleft()
            if message == b"":
                await websocket.close(code=1011)
                return
            if isinstance(message, bytes):
                await websocket.send_bytes(message)
                conn.sent_frames += 1
            else:
                await websocket.send_text(message)

    def socket_faults(self, stall_s: float) -> None:
        """Draw the per-second socket faults for every connection (called once a second)."""
        now = asyncio.get_running_loop().time()
        for conn in self.connections:
            if conn.closed:
                continue
            if self.faults.happens("drop_socket"):
                conn.put(b"")
            elif self.faults.happens("stall_socket"):
                conn.stalled_until = now + stall_s
