"""Serve the bridge app with uvicorn on a thread of its own (the node keeps its loop).

>>> from nautilus_options.bridge.app import create_app   # doctest: +SKIP
>>> server = BridgeServer(create_app(), port=0).start()  # doctest: +SKIP
>>> server.url, server.stop()                            # doctest: +SKIP
"""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any

import uvicorn
from fastapi import FastAPI
from uvicorn.protocols.websockets.websockets_sansio_impl import WebSocketsSansIOProtocol

from nautilus_options.errors import ConfigError

__all__ = ["BridgeServer", "PromptCloseWebSocketProtocol"]


class PromptCloseWebSocketProtocol(WebSocketsSansIOProtocol):
    """uvicorn's WebSocket protocol, except that a close frame never waits for the peer to read.

    uvicorn holds every outgoing message, the close frame too, while the socket's write buffer
    is full. A slow reader's close (4429) then waited for that reader; once the app gave up,
    the connection was dropped with the close frame unsent and the reader saw 1006. Here the
    close frame is queued behind what is buffered at once: the transport still delivers it
    (uvicorn closes it gracefully, after its close timeout at most), so the reader gets the
    close code and reason as soon as it has read what came before.
    """

    async def send(self, message: Any) -> None:
        """Send ``message``; a ``websocket.close`` is written even while the buffer is full."""
        if message["type"] == "websocket.close":
            self.writable.set()  # nothing is sent after the close frame
        await super().send(message)


class BridgeServer:
    """uvicorn serving ``app`` from a daemon thread.

    uvicorn never rewrites the client address from ``X-Forwarded-For``; the app reads that
    header only from the proxies in ``BridgeSettings.trusted_proxies`` (see
    :mod:`nautilus_options.bridge.client_address`).

    Parameters
    ----------
    app : FastAPI
        The bridge app.
    host : str
        Address to bind (loopback by default).
    port : int
        Port (0: any free one; :attr:`port` tells which once started).
    certfile, keyfile : Path, optional
        TLS certificate and key (HTTPS when both are given).
    per_message_deflate : bool
        Whether WebSocket clients that offer compression get it (off by default: the server
        would compress every frame once per socket, doubling its CPU at 50 clients, for
        little gain on loopback or a desk's network).
    """

    def __init__(
        self,
        app: FastAPI,
        host: str = "127.0.0.1",
        port: int = 8765,
        certfile: Path | None = None,
        keyfile: Path | None = None,
        per_message_deflate: bool = False,
    ) -> None:
        config = uvicorn.Config(
            app,
            host=host,
            port=port,
            log_level="warning",
            access_log=False,
            ssl_certfile=str(certfile) if certfile else None,
            ssl_keyfile=str(keyfile) if keyfile else None,
            lifespan="off",
            # Never take the client address from X-Forwarded-For of any peer: a local process
            # could forge it (the audit's address, the per-address lockout). The app trusts
            # it from the configured proxies only.
            proxy_headers=False,
            ws=PromptCloseWebSocketProtocol,
            ws_per_message_deflate=per_message_deflate,
        )
        self.scheme = "https" if certfile and keyfile else "http"
        self._port = port
        self.host = host
        self._app = app
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, name="bridge-http", daemon=True)

    @property
    def port(self) -> int:
        """The port bound."""
        sockets = self._server.servers[0].sockets
        port: int = sockets[0].getsockname()[1]
        return port

    @property
    def url(self) -> str:
        """The server's root URL."""
        return f"{self.scheme}://{self.host}:{self.port}"

    def start(self, timeout: float = 30.0) -> BridgeServer:
        """Start serving; return once it listens.

        Raises
        ------
        ConfigError
            If it is not listening within ``timeout`` seconds (e.g. the port is taken),
            naming ``--port``.
        """
        self._thread.start()
        deadline = time.monotonic() + timeout
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise ConfigError(
                    "--port", f"the bridge cannot listen on {self.host}:{self._port} (in use?)"
                )
            time.sleep(0.02)
        return self

    def stop(self, timeout: float = 10.0) -> None:
        """Stop serving, wait for the thread, stop the backtests it started."""
        self._server.should_exit = True
        if self._thread.is_alive():
            self._thread.join(timeout)
        backtests = getattr(self._app.state, "backtests", None)
        if backtests is not None:
            backtests.close()
