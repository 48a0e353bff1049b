"""Orders and trades (KITE_API.md §3.2-3.5).

Placement answers ``{order_id}`` (``{order_id, children[]}`` with ``autoslice``). The
"lost response" fault executes the placement and then holds the reply for
``lost_response_hold_s`` seconds, longer than a client's timeout: the order exists but the
client never learns its id, the hard case a client must resolve by looking the order up by
its ``tag``.
"""

from __future__ import annotations

import asyncio
from typing import Any

from fastapi import APIRouter, Depends, Request

from nautilus_options.simulator.errors import success
from nautilus_options.simulator.routes.common import core_of, form, kite_guard

router = APIRouter(dependencies=[Depends(kite_guard)])


@router.post("/orders/{variety}")
async def place(request: Request, variety: str) -> dict[str, Any]:
    """Place an order (or an autoslice basket)."""
    core = core_of(request)
    body = await form(request)
    now = core.clock.now_ns()
    data = core.broker.place(variety, body, now, core.clock.is_open(now))
    core.dirty = True
    core.save()
    if core.faults.happens("lost_response"):
        await asyncio.sleep(core.faults.config.lost_response_hold_s)
    return success(data)


@router.put("/orders/{variety}/{order_id}")
async def modify(request: Request, variety: str, order_id: str) -> dict[str, Any]:
    """Modify a working order."""
    core = core_of(request)
    data = core.broker.modify(variety, order_id, await form(request), core.clock.now_ns())
    core.dirty = True
    return success(data)


@router.delete("/orders/{variety}/{order_id}")
async def cancel(request: Request, variety: str, order_id: str) -> dict[str, Any]:
    """Cancel a working order."""
    core = core_of(request)
    data = core.broker.cancel(variety, order_id, core.clock.now_ns())
    core.dirty = True
    return success(data)


@router.get("/orders")
async def orders(request: Request) -> dict[str, Any]:
    """Every order of the day in its latest state."""
    return success([o.public() for o in core_of(request).broker.orders.values()])


@router.get("/orders/{order_id}")
async def history(request: Request, order_id: str) -> dict[str, Any]:
    """Every state an order passed through, oldest first."""
    return success(list(core_of(request).broker.order(order_id).history))


@router.get("/trades")
async def trades(request: Request) -> dict[str, Any]:
    """Every fill of the day."""
    return success([t.public() for t in core_of(request).broker.trades])


@router.get("/orders/{order_id}/trades")
async def order_trades(request: Request, order_id: str) -> dict[str, Any]:
    """The fills of one order."""
    broker = core_of(request).broker
    broker.order(order_id)
    return success([t.public() for t in broker.trades if t.order_id == order_id])
