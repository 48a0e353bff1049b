"""Positions."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from nautilus_options.bridge.deps import Node
from nautilus_options.bridge.schemas.trading import PositionOut
from nautilus_options.bridge.views.trading import position_out

router = APIRouter(prefix="/positions", tags=["positions"])


@router.get("", responses={503: {"description": "No node"}})
async def list_positions(
    node: Node,
    open_only: bool = False,
    strategy_id: Annotated[str | None, Query(max_length=200)] = None,
) -> list[PositionOut]:
    """Positions (open ones marked at the cached mid), newest first."""

    def read() -> list[PositionOut]:
        cache = node.node.cache
        positions = cache.positions_open() if open_only else cache.positions()
        selected = [
            p for p in positions if strategy_id is None or p.strategy_id.value == strategy_id
        ]
        selected.sort(key=lambda position: position.ts_opened, reverse=True)
        return [position_out(cache, position) for position in selected]

    return await node.call(read)
