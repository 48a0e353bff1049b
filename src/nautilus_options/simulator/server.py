"""Serving the simulator with uvicorn: in a background thread, or in the foreground (CLI).

:class:`KiteSimulator` runs the app on 127.0.0.1 in a thread with its own event loop, so
tests and notebooks can use it with the blocking official client::

    with KiteSimulator(SimulatorConfig(session="always")) as sim:
        kite = KiteConnect(sim.api_key, root=sim.url)
        kite.generate_session("any-request-token", sim.api_secret)
        kite.quote("NSE:NIFTY 50")

It is also a paper broker for a node in the same process. ``options-nt sim`` uses
:func:`serve` instead, which runs in the foreground until Ctrl-C.
"""

from __future__ import annotations

import asyncio
import hashlib
import threading
import time
from collections.abc import Callable, Sequence
from datetime import date
from types import TracebackType
from typing import Any

import uvicorn

from nautilus_options.errors import OptionsNTError
from nautilus_options.simulator.app import create_app
from nautilus_options.simulator.config import SimulatorConfig
from nautilus_options.simulator.runtime import SimulatorCore

#: Seconds :meth:`KiteSimulator.start` waits for the server to listen.
START_TIMEOUT_S = 30.0


def _uvicorn_config(core: SimulatorCore) -> uvicorn.Config:
    return uvicorn.Config(
        create_app(core),
        host=core.config.host,
        port=core.config.port,
        log_level="warning",
        access_log=False,
        ws="websockets-sansio",
        ws_ping_interval=None,
        lifespan="on",
        timeout_graceful_shutdown=1,
    )


def bound_port(server: uvicorn.Server) -> int:
    """The port a started uvicorn server listens on."""
    for listener in server.servers:
        for sock in listener.sockets:
            return int(sock.getsockname()[1])
    raise OptionsNTError("the simulator is not listening")


def describe(
    config: SimulatorConfig, port: int, provisional: Sequence[date] = ()
) -> dict[str, Any]:
    """URLs and credentials a client needs (what ``options-nt sim --json`` prints).

    ``calendar`` is ``"nse"``, or ``"provisional"`` when some listed expiries lie after the
    NSE holiday table (``provisional_expiries`` lists them).
    """
    base = f"http://{config.host}:{port}"
    return {
        "url": base,
        "ws_url": f"ws://{config.host}:{port}",
        "login_url": f"{base}/connect/login?api_key={config.api_key}&v=3",
        "api_key": config.api_key,
        "api_secret": config.api_secret,
        "user_id": config.user_id,
        "admin_key": config.admin_key,
        "market": config.market,
        "session": config.session,
        "state_file": str(config.state_file) if config.state_file else None,
        "calendar": "provisional" if provisional else "nse",
        "provisional_expiries": [day.isoformat() for day in provisional],
    }


class KiteSimulator:
    """The simulator in a background thread (see the module docstring)."""

    def __init__(self, config: SimulatorConfig | None = None) -> None:
        self.config = config or SimulatorConfig()
        self.core: SimulatorCore | None = None
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self.port = 0

    # ---------------------------------------------------------------------- lifecycle
    def start(self) -> KiteSimulator:
        """Start serving; return once the port is listening.

        Raises
        ------
        OptionsNTError
            If the server does not come up within :data:`START_TIMEOUT_S`.
        """
        if self._thread is not None:
            return self
        self.core = SimulatorCore(self.config)
        self._server = uvicorn.Server(_uvicorn_config(self.core))
        self._thread = threading.Thread(target=self._run, name="kite-simulator", daemon=True)
        self._thread.start()
        deadline = time.monotonic() + START_TIMEOUT_S
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise OptionsNTError("the Kite simulator did not start")
            time.sleep(0.01)
        self.port = bound_port(self._server)
        return self

    def _run(self) -> None:
        assert self._server is not None
        self._loop = asyncio.new_event_loop()
        try:
            self._loop.run_until_complete(self._server.serve())
        finally:
            self._loop.close()

    def stop(self) -> None:
        """Stop serving (the state file, if any, is saved)."""
        if self._server is not None and self._thread is not None:
            self._server.should_exit = True
            self._thread.join(timeout=15)
        self._thread = None

    def __enter__(self) -> KiteSimulator:
        return self.start()

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def call(self, function: Callable[[SimulatorCore], Any]) -> Any:
        """Run ``function(core)`` on the server's event loop and return its result."""
        assert self._loop is not None
        assert self.core is not None
        core = self.core

        async def run() -> Any:
            return function(core)

        return asyncio.run_coroutine_threadsafe(run(), self._loop).result(timeout=30)

    # ------------------------------------------------------------------------- access
    @property
    def url(self) -> str:
        """REST root (``KiteConnect(root=...)``)."""
        return f"http://{self.config.host}:{self.port}"

    @property
    def ws_url(self) -> str:
        """Ticker root (``KiteTicker(root=...)``)."""
        return f"ws://{self.config.host}:{self.port}"

    @property
    def api_key(self) -> str:
        """The app's API key."""
        return self.config.api_key

    @property
    def api_secret(self) -> str:
        """The app's API secret."""
        return self.config.api_secret

    @property
    def admin_key(self) -> str:
        """Key of the ``/admin`` routes."""
        return self.config.admin_key

    def checksum(self, request_token: str) -> str:
        """The session checksum for ``request_token``."""
        return hashlib.sha256((self.api_key + request_token + self.api_secret).encode()).hexdigest()

    def info(self) -> dict[str, Any]:
        """URLs and credentials, as ``options-nt sim --json`` prints them."""
        return describe(self.config, self.port, self.core.provisional if self.core else ())


def serve(config: SimulatorConfig, on_ready: Callable[[dict[str, Any]], None]) -> None:
    """Serve in the foreground until interrupted; call ``on_ready(info)`` once listening."""
    core = SimulatorCore(config)
    server = uvicorn.Server(_uvicorn_config(core))

    async def main() -> None:
        serving = asyncio.create_task(server.serve())
        while not server.started:
            if serving.done():
                await serving
                raise OptionsNTError(
                    f"the simulator could not listen on {config.host}:{config.port}"
                )
            await asyncio.sleep(0.01)
        on_ready(describe(config, bound_port(server), core.provisional))
        await serving

    asyncio.run(main())
