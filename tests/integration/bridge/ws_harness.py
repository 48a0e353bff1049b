"""The bridge's server (uvicorn, 127.0.0.1, a free port) serving only the stream router, and a
blocking client."""

from __future__ import annotations

import json
import time
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from fastapi import FastAPI
from pydantic import TypeAdapter
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import ClientConnection, connect

from nautilus_options.bridge.principal import Principal, Scope
from nautilus_options.bridge.server import BridgeServer
from nautilus_options.bridge.stream import WS_PATH, EventHub, stream_router
from nautilus_options.bridge.stream.messages import ServerMessage

READER = "reader-token"
ADMIN = "admin-token"
NO_READ = "no-read-token"
TOKENS = {
    READER: Principal("alice", frozenset({Scope.READ})),
    ADMIN: Principal("root", frozenset({Scope.ADMIN})),
    NO_READ: Principal("bob", frozenset()),
}
#: Bound for every wait (a loaded 2-core CI machine).
TIMEOUT_S = 30.0
_SERVER_MESSAGE: TypeAdapter[ServerMessage] = TypeAdapter(ServerMessage)


def wait_for(condition: Callable[[], bool], what: str, timeout: float = TIMEOUT_S) -> None:
    """Poll ``condition`` until it holds; fail naming ``what`` after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.005)


@contextmanager
def serving(
    hub: EventHub, tokens: dict[str, Principal] = TOKENS, **router_options: Any
) -> Iterator[str]:
    """Serve ``hub`` on 127.0.0.1 (a free port) with the bridge's server, accepting ``tokens``;
    yield the stream URL."""
    app = FastAPI()
    app.include_router(stream_router(hub, tokens.get, **router_options), prefix="/api/v1")
    server = BridgeServer(app, port=0).start()
    try:
        yield f"ws://127.0.0.1:{server.port}{WS_PATH}"
    finally:
        server.stop()


class StreamReader:
    """A blocking stream client: sends client messages, reads server messages one by one."""

    def __init__(
        self, url: str, *, max_queue: int = 16, compression: str | None = "deflate"
    ) -> None:
        self._connect = connect(
            url, open_timeout=TIMEOUT_S, max_queue=max_queue, compression=compression
        )
        self.ws: ClientConnection = self._connect.__enter__()
        self._pending: deque[dict[str, Any]] = deque()

    def __enter__(self) -> StreamReader:
        return self

    def __exit__(self, *exc: object) -> None:
        self._connect.__exit__(None, None, None)

    def send(self, **message: Any) -> None:
        """Send one client message."""
        self.ws.send(json.dumps(message))

    def next(self, timeout: float = TIMEOUT_S) -> dict[str, Any]:
        """The next server message (frames are arrays of messages), checked against its schema."""
        if not self._pending:
            frame = json.loads(self.ws.recv(timeout=timeout))
            assert isinstance(frame, list), frame
            for message in frame:
                _SERVER_MESSAGE.validate_python(message)
            self._pending.extend(frame)
        return self._pending.popleft()

    def close_frame(self, timeout: float = TIMEOUT_S) -> tuple[int, str]:
        """Read on until the server closes (within ``timeout`` seconds); its code and reason."""
        deadline = time.monotonic() + timeout
        try:
            while time.monotonic() < deadline:
                self.next()
        except ConnectionClosed as closed:
            frame = closed.rcvd
        else:
            raise AssertionError(f"the server did not close within {timeout:g} s")
        assert frame is not None, "closed without a close frame"
        return frame.code, frame.reason

    def until(self, kind: str, timeout: float = TIMEOUT_S) -> dict[str, Any]:
        """Skip messages up to the next one of type ``kind``."""
        deadline = time.monotonic() + timeout
        while True:
            message = self.next(max(deadline - time.monotonic(), 0.001))
            if message["type"] == kind:
                return message

    def start(
        self,
        topics: list[str],
        resume: dict[str, Any] | None = None,
        token: str = READER,
        **extra: Any,
    ) -> dict[str, Any]:
        """Authenticate with ``token`` and subscribe; return the ``hello``."""
        self.send(type="auth", token=token)
        hello = self.until("hello")
        self.send(type="subscribe", topics=topics, resume=resume, **extra)
        return hello
