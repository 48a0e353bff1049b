"""Orders: list with filters, fetch one, cancel."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Path, Query, Request, status
from nautilus_trader.model.identifiers import ClientOrderId
from nautilus_trader.model.orders import Order

from nautilus_options.bridge.deps import Node, Responses, found, require
from nautilus_options.bridge.principal import Scope
from nautilus_options.bridge.schemas.manual import IDENTIFIER_PATTERN
from nautilus_options.bridge.schemas.trading import OrderCanceled, OrderOut
from nautilus_options.bridge.views.status import find_strategy
from nautilus_options.bridge.views.trading import order_out
from nautilus_options.portfolio import tag_value

router = APIRouter(prefix="/orders", tags=["orders"])
_NOT_FOUND: Responses = {404: {"description": "No such order"}}
Identifier = Annotated[str, Query(max_length=200)]
#: Nautilus identifiers are printable ASCII (anything else aborts its Rust core).
OrderId = Annotated[str, Path(pattern=IDENTIFIER_PATTERN)]


@router.get("", responses={503: {"description": "No node"}})
async def list_orders(
    node: Node,
    open_only: bool = False,
    strategy_id: Identifier | None = None,
    instrument_id: Identifier | None = None,
    spread_id: Identifier | None = None,
    limit: Annotated[int, Query(ge=1, le=5000)] = 500,
) -> list[OrderOut]:
    """Orders, newest first (by creation time, ``ts_init``), filtered by state, strategy,
    instrument or spread."""

    def read() -> list[OrderOut]:
        cache = node.node.cache
        orders = cache.orders_open() if open_only else cache.orders()
        selected = [
            order
            for order in orders
            if (strategy_id is None or order.strategy_id.value == strategy_id)
            and (instrument_id is None or order.instrument_id.value == instrument_id)
            and (spread_id is None or tag_value(order.tags, "spread") == spread_id)
        ]
        selected.sort(key=lambda order: order.ts_init, reverse=True)
        return [order_out(order) for order in selected[:limit]]

    return await node.call(read)


@router.get("/{client_order_id}", responses=_NOT_FOUND)
async def get_order(client_order_id: OrderId, node: Node) -> OrderOut:
    """One order."""

    def read() -> OrderOut | None:
        order = _order(node, client_order_id)
        return order_out(order) if order is not None else None

    return found(await node.call(read), f"client_order_id: no {client_order_id!r}")


@router.post(
    "/{client_order_id}/cancel",
    responses={**_NOT_FOUND, 409: {"description": "The order is not open"}},
    dependencies=[Depends(require(Scope.TRADE))],
)
async def cancel_order(client_order_id: OrderId, node: Node, request: Request) -> OrderCanceled:
    """Ask the venue to cancel an open order (through the strategy that placed it)."""
    request.state.audit_detail = {"client_order_id": client_order_id}

    def run() -> OrderCanceled | str | None:
        order = _order(node, client_order_id)
        if order is None:
            return None
        if not order.is_open:
            return f"order {client_order_id} is {order.status_string()}"
        strategy = find_strategy(node.node, order.strategy_id.value)
        if strategy is None:
            return f"order {client_order_id}: its strategy is not in the node"
        strategy.cancel_order(order)
        return OrderCanceled(client_order_id=client_order_id, status=order.status_string())

    result = found(await node.call(run), f"client_order_id: no {client_order_id!r}")
    if not isinstance(result, OrderCanceled):
        raise HTTPException(status.HTTP_409_CONFLICT, result)
    return result


def _order(node: Node, client_order_id: str) -> Order | None:
    try:
        identifier = ClientOrderId(client_order_id)
    except ValueError:
        return None
    order: Order | None = node.node.cache.order(identifier)
    return order
