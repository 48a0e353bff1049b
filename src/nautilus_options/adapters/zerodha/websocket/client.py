"""An asyncio client of Kite's ticker: batching, watchdog, reconnects that restore modes.

Protocol (KITE_API.md §5): connect to ``<root>?api_key=..&access_token=..``; send
``{"a": "subscribe", "v": [tokens]}`` then ``{"a": "mode", "v": [mode, [tokens]]}``; receive
binary market frames, 1-byte heartbeats and JSON text (``order``, ``error``, ``message``).

What Kite leaves to the client, and this class does:

* **Limits.** At most ``max_tokens`` (3,000) instruments per connection and 3 connections
  per API key (KITE_API.md §2.3): tokens go to the least loaded connection, a new one is
  opened when all are full, and going past ``max_connections`` raises. A connection with no
  tokens still receives the account's order updates.
* **Watchdog.** Kite sends heartbeats while idle, but its Python client never notices a
  silent socket (KITE_API.md §5.4, §7 #2). A connection that receives nothing for
  ``heartbeat_timeout`` seconds is closed and reconnected.
* **Reconnect.** Jittered exponential backoff (``backoff_initial`` doubling up to
  ``backoff_max``, each delay drawn in [50%, 100%]). The server keeps no subscriptions, so
  on every (re)connect each connection re-sends ``subscribe`` and ``mode`` for every mode
  group it holds. The silence is reported to ``on_gap`` (for the log).
* **Token expiry.** A 403 on the upgrade renews the shared token (once for everyone), then
  reconnects.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import random
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, InvalidStatus, WebSocketException

from nautilus_options.adapters.zerodha.common.enums import KiteMode
from nautilus_options.adapters.zerodha.common.errors import KiteError, KiteTokenError
from nautilus_options.adapters.zerodha.common.tokens import TokenHolder
from nautilus_options.adapters.zerodha.constants import (
    MAX_CONNECTIONS_PER_KEY,
    MAX_TOKENS_PER_CONNECTION,
)


@dataclass
class TickerCallbacks:
    """What the ticker hands on: binary frames, order updates, errors, gaps."""

    on_binary: Callable[[bytes], None] = lambda frame: None
    on_order: Callable[[dict[str, Any]], None] = lambda order: None
    on_error: Callable[[str], None] = lambda message: None
    on_gap: Callable[[int, float, str], None] = lambda index, seconds, why: None
    on_connected: Callable[[int], None] = lambda index: None


@dataclass
class _Connection:
    index: int
    modes: dict[int, KiteMode] = field(default_factory=dict)
    socket: ClientConnection | None = None
    task: asyncio.Task[None] | None = None
    connected: asyncio.Event = field(default_factory=asyncio.Event)
    connects: int = 0


class KiteTickerClient:
    """Kite ticker connections of one API key (see the module docstring).

    Parameters
    ----------
    url : str
        Ticker root, e.g. ``wss://ws.kite.trade`` or the simulator's ``ws://`` URL.
    holder : TokenHolder
        The shared access token.
    callbacks : TickerCallbacks
        Receivers, called on the event loop.
    max_tokens, max_connections : int
        Instruments per connection; connections this client may open.
    heartbeat_timeout : float
        Seconds of silence after which a connection is recycled.
    backoff_initial, backoff_max : float
        Reconnect delay bounds, seconds.
    """

    def __init__(
        self,
        url: str,
        holder: TokenHolder,
        callbacks: TickerCallbacks,
        max_tokens: int = MAX_TOKENS_PER_CONNECTION,
        max_connections: int = MAX_CONNECTIONS_PER_KEY,
        heartbeat_timeout: float = 10.0,
        backoff_initial: float = 0.5,
        backoff_max: float = 30.0,
    ) -> None:
        self._url = url.rstrip("/")
        self._holder = holder
        self._callbacks = callbacks
        self._max_tokens = max_tokens
        self._max_connections = max_connections
        self._heartbeat_timeout = heartbeat_timeout
        self._backoff = (backoff_initial, backoff_max)
        self._connections: list[_Connection] = []
        self._closing = False
        self._random = random.Random()
        self.reconnects = 0

    def __repr__(self) -> str:
        return f"KiteTickerClient(connections={len(self._connections)})"

    @property
    def modes(self) -> dict[int, KiteMode]:
        """Every subscribed token and its mode."""
        return {t: m for c in self._connections for t, m in c.modes.items()}

    @property
    def is_connected(self) -> bool:
        """Whether every connection is up."""
        return bool(self._connections) and all(c.connected.is_set() for c in self._connections)

    async def connect(self, timeout: float = 30.0) -> None:
        """Open the first connection and wait for it (order updates flow from then on)."""
        self._closing = False
        connection = self._connections[0] if self._connections else self._open()
        await asyncio.wait_for(connection.connected.wait(), timeout)

    def _open(self) -> _Connection:
        if len(self._connections) >= self._max_connections:
            raise KiteError(
                f"ticker: {self._max_connections} connections of {self._max_tokens} instruments "
                "are full (Kite allows 3 per API key, one used for order updates)"
            )
        connection = _Connection(len(self._connections))
        self._connections.append(connection)
        connection.task = asyncio.get_running_loop().create_task(
            self._run(connection), name=f"kite-ticker-{connection.index}"
        )
        return connection

    async def subscribe(self, tokens: Iterable[int], mode: KiteMode) -> None:
        """Stream ``tokens`` in ``mode`` (a token already streamed changes mode)."""
        placed: dict[int, list[int]] = {}
        for token in tokens:
            owner = next((c for c in self._connections if token in c.modes), None)
            if owner is None:
                owner = (
                    min(
                        (c for c in self._connections if len(c.modes) < self._max_tokens),
                        key=lambda c: len(c.modes),
                        default=None,
                    )
                    or self._open()
                )
            owner.modes[token] = mode
            placed.setdefault(owner.index, []).append(token)
        for index, group in placed.items():
            connection = self._connections[index]
            await self._send(connection, {"a": "subscribe", "v": group})
            await self._send(connection, {"a": "mode", "v": [mode.value, group]})

    async def unsubscribe(self, tokens: Iterable[int]) -> None:
        """Stop streaming ``tokens``."""
        for connection in self._connections:
            group = [t for t in tokens if connection.modes.pop(t, None) is not None]
            if group:
                await self._send(connection, {"a": "unsubscribe", "v": group})

    async def drop(self) -> None:
        """Close every socket abruptly (tests); the connections reconnect by themselves."""
        for connection in self._connections:
            if connection.socket is not None:
                await connection.socket.close(code=1011)

    async def close(self) -> None:
        """Close every connection for good."""
        self._closing = True
        for connection in self._connections:
            if connection.task is not None:
                connection.task.cancel()
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await connection.task
        self._connections.clear()

    async def _send(self, connection: _Connection, message: dict[str, Any]) -> None:
        if connection.socket is None or not connection.connected.is_set():
            return  # sent on (re)connect from connection.modes
        with contextlib.suppress(ConnectionClosed):
            await connection.socket.send(json.dumps(message))

    async def _restore(self, connection: _Connection) -> None:
        groups: dict[KiteMode, list[int]] = {}
        for token, mode in connection.modes.items():
            groups.setdefault(mode, []).append(token)
        assert connection.socket is not None
        for mode, group in groups.items():
            await connection.socket.send(json.dumps({"a": "subscribe", "v": group}))
            await connection.socket.send(json.dumps({"a": "mode", "v": [mode.value, group]}))

    def _delay(self, attempt: int) -> float:
        initial, ceiling = self._backoff
        return min(ceiling, initial * 2**attempt) * self._random.uniform(0.5, 1.0)

    async def _run(self, connection: _Connection) -> None:
        attempt = 0
        lost_at: float | None = None
        why = ""
        while not self._closing:
            generation = self._holder.generation
            try:
                await self._holder.ready()
                url = (
                    f"{self._url}?api_key={self._holder.api_key}&access_token={self._holder.token}"
                )
                async with connect(url, max_size=None, ping_interval=None, open_timeout=10) as ws:
                    connection.socket = ws
                    await self._restore(connection)
                    connection.connected.set()
                    connection.connects += 1
                    if lost_at is not None:
                        self.reconnects += 1
                        self._callbacks.on_gap(connection.index, time.monotonic() - lost_at, why)
                    self._callbacks.on_connected(connection.index)
                    attempt = 0
                    why = await self._read(ws)
            except InvalidStatus as exc:
                why = f"upgrade refused ({exc.response.status_code})"
                if exc.response.status_code == 403:
                    with contextlib.suppress(KiteTokenError):
                        await self._holder.renew(generation)
                    attempt = 0
            except (OSError, WebSocketException, TimeoutError) as exc:
                why = type(exc).__name__
            finally:
                connection.connected.clear()
                connection.socket = None
            if self._closing:
                return
            lost_at = lost_at if lost_at is not None and attempt else time.monotonic()
            await asyncio.sleep(self._delay(attempt))
            attempt += 1

    async def _read(self, ws: ClientConnection) -> str:
        """Read until the socket closes or falls silent; return why it ended."""
        while True:
            try:
                message = await asyncio.wait_for(ws.recv(), self._heartbeat_timeout)
            except TimeoutError:
                await ws.close(code=1000)
                return f"silent for {self._heartbeat_timeout:.0f} s"
            except ConnectionClosed as exc:
                return f"closed ({exc.rcvd.code if exc.rcvd else 1006})"
            if isinstance(message, bytes):
                if len(message) > 1:
                    self._callbacks.on_binary(message)
                continue
            self._on_text(message)

    def _on_text(self, message: str) -> None:
        try:
            payload = json.loads(message)
        except ValueError:
            return
        if not isinstance(payload, dict):
            return
        kind, data = payload.get("type"), payload.get("data")
        if kind == "order" and isinstance(data, dict) and data:
            self._callbacks.on_order(data)
        elif kind == "error":
            self._callbacks.on_error(str(data))
