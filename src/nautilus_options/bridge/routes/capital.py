"""Capital (state and history) and the account with its margins."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from nautilus_options.bridge.deps import Node, Responses, found
from nautilus_options.bridge.schemas.money import AccountOut, CapitalOut
from nautilus_options.bridge.views.money import accounts, capital_manager, capital_out

router = APIRouter(tags=["capital"])
_NO_MANAGER: Responses = {404: {"description": "No capital manager in the node"}}


@router.get("/capital", responses=_NO_MANAGER)
async def capital(node: Node) -> CapitalOut:
    """The capital manager's latest state."""

    def read() -> CapitalOut | None:
        manager = capital_manager(node.node)
        history = manager.history if manager is not None else []
        return capital_out(history[-1]) if history else None

    return found(await node.call(read), "no capital manager state yet")


@router.get("/capital/history", responses=_NO_MANAGER)
async def capital_history(
    node: Node, limit: Annotated[int, Query(ge=1, le=10_000)] = 1000
) -> list[CapitalOut]:
    """The capital manager's updates, oldest first (the last ``limit``)."""

    def read() -> list[CapitalOut] | None:
        manager = capital_manager(node.node)
        if manager is None:
            return None
        return [capital_out(update) for update in manager.history[-limit:]]

    return found(await node.call(read), "no capital manager state yet")


@router.get("/account", responses={503: {"description": "No node"}})
async def account(node: Node) -> list[AccountOut]:
    """The venue accounts: balances and the margins blocked."""
    return await node.call(lambda: accounts(node.node))
