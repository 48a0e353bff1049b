"""Spreads from the spread tracker."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, status

from nautilus_options.bridge.deps import Node
from nautilus_options.bridge.schemas.trading import SpreadOut
from nautilus_options.bridge.views.trading import spread, spreads

router = APIRouter(prefix="/spreads", tags=["spreads"])


@router.get("", responses={503: {"description": "No node"}})
async def list_spreads(node: Node, open_only: bool = False) -> list[SpreadOut]:
    """Every spread (or only open ones): legs, entry, marks, P&L, Greeks, max loss and
    breakevens."""
    return await node.call(lambda: spreads(node.node, open_only))


@router.get("/{spread_id}", responses={404: {"description": "No such spread"}})
async def get_spread(spread_id: str, node: Node) -> SpreadOut:
    """One spread."""
    found = await node.call(lambda: spread(node.node, spread_id))
    if found is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"spread_id: no {spread_id!r}")
    return found
