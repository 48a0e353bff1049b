"""Run a real ``TradingNode`` inside a test: start it, act while it runs, stop it cleanly."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

from nautilus_trader.live.node import TradingNode

Act = Callable[[TradingNode], Awaitable[None]]


async def settle(node: TradingNode) -> None:
    """Wait until the node's live engines have processed everything queued so far.

    A queue can read empty while its last message is still being handled (and the handler
    may queue more), so the queues must stay empty over several loop turns; a loaded
    machine gets up to 30 s.
    """
    kernel = node.kernel
    quiet = 0
    for _ in range(30_000):
        await asyncio.sleep(0.001)
        queued = (
            kernel.data_engine.data_qsize()
            + kernel.risk_engine.cmd_qsize()
            + kernel.risk_engine.evt_qsize()
            + kernel.exec_engine.cmd_qsize()
            + kernel.exec_engine.evt_qsize()
        )
        quiet = quiet + 1 if queued == 0 else 0
        if quiet >= 5:
            return
    raise AssertionError("the node's queues did not drain")


async def _session(node: TradingNode, act: Act | None) -> None:
    components = [*node.trader.actors(), *node.trader.strategies()]
    runner = asyncio.create_task(node.run_async())
    for _ in range(3_000):  # up to 30 s on a loaded machine
        if all(component.is_running for component in components):
            break
        await asyncio.sleep(0.01)
    assert all(component.is_running for component in components), "TradingNode did not start"
    if act is not None:
        await act(node)
        await settle(node)
    await node.stop_async()
    await runner
    # Let the node's background workers finish before the loop is closed.
    pending = [task for task in asyncio.all_tasks() if task is not asyncio.current_task()]
    for task in pending:
        task.cancel()
    await asyncio.gather(*pending, return_exceptions=True)


def run_node(node: TradingNode, act: Act | None = None) -> None:
    """Run a built ``node`` until its components run, await ``act(node)``, stop and dispose."""
    try:
        node.kernel.loop.run_until_complete(_session(node, act))
    finally:
        node.dispose()
