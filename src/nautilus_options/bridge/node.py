"""The bridge's handle on a running node: every read and command runs on the node's loop.

Nautilus' cache, portfolio and trader are used from the node's event loop only. The HTTP
server runs on its own thread and loop; :meth:`NodeLink.call` hands a function to the node's
loop (``call_soon_threadsafe``) and awaits its result there, bounded by a timeout. The
wiring layer (``environments``) supplies the node and the controls it owns, such as the kill
switch, as plain callables (:class:`NodeControls`).
"""

from __future__ import annotations

import asyncio
import concurrent.futures
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from nautilus_trader.live.node import TradingNode

__all__ = ["KillState", "NodeControls", "NodeLink", "NodeUnavailableError"]


class NodeUnavailableError(RuntimeError):
    """The node's loop is gone or did not answer in time."""


@dataclass(frozen=True)
class KillState:
    """The kill switch: whether it fired, why, and whether flattening finished."""

    triggered: bool
    reason: str | None
    done: bool


def _unchanged() -> None:
    """No stream to tell."""


@dataclass(frozen=True)
class NodeControls:
    """Controls the wiring layer gives the bridge; each is called on the node's loop.

    Attributes
    ----------
    kill : Callable[[str], None]
        Fire the kill switch with a reason: cancel every order, flatten hedge-last, halt.
    kill_state : Callable[[], KillState]
        The kill switch's state.
    session : str
        Market hours the node follows: ``nse`` or ``always`` (the simulator's).
    protected : frozenset[str]
        Strategies the bridge never stops (the kill switch).
    changed : Callable[[], None]
        Called after a control changed the trading state or fired the kill switch: publishes
        the status on the stream at once (not at the next poll, which would miss a short
        change).
    """

    kill: Callable[[str], None]
    kill_state: Callable[[], KillState]
    session: str = "nse"
    protected: frozenset[str] = frozenset()
    # A factory, so that the class holds no function that autodoc would take for a method.
    changed: Callable[[], None] = field(default_factory=lambda: _unchanged)


class NodeLink:
    """Run functions on a node's loop from the server's thread.

    Parameters
    ----------
    node : TradingNode
        The running node.
    loop : asyncio.AbstractEventLoop
        Its event loop.
    controls : NodeControls
        What the wiring layer lets the bridge do beyond Nautilus' own API.
    started_at : datetime
        When the node started.
    timeout_secs : float
        Bound on one call.
    """

    def __init__(
        self,
        node: TradingNode,
        loop: asyncio.AbstractEventLoop,
        controls: NodeControls,
        started_at: datetime,
        timeout_secs: float = 10.0,
    ) -> None:
        self.node = node
        self.loop = loop
        self.controls = controls
        self.started_at = started_at
        self.timeout_secs = timeout_secs

    async def call[T](self, fn: Callable[[], T]) -> T:
        """Run ``fn()`` on the node's loop and return its result.

        Raises
        ------
        NodeUnavailableError
            If the loop is closed or ``fn`` did not finish within ``timeout_secs``.
        """
        future: concurrent.futures.Future[T] = concurrent.futures.Future()

        def run() -> None:
            if not future.set_running_or_notify_cancel():
                return
            try:
                future.set_result(fn())
            except BaseException as exc:
                future.set_exception(exc)

        try:
            self.loop.call_soon_threadsafe(run)
        except RuntimeError as exc:  # the loop is closed
            raise NodeUnavailableError("the node is not running") from exc
        try:
            return await asyncio.wait_for(asyncio.wrap_future(future), self.timeout_secs)
        except TimeoutError as exc:
            raise NodeUnavailableError(
                f"the node did not answer within {self.timeout_secs} s"
            ) from exc
