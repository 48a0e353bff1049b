"""The option chain with implied volatility and Greeks."""

from __future__ import annotations

from datetime import date
from typing import Literal

from fastapi import APIRouter, HTTPException, status

from nautilus_options.bridge.deps import Node
from nautilus_options.bridge.schemas.chain import ChainOut
from nautilus_options.bridge.views.chain import chain_out, lists_options
from nautilus_options.bridge.views.trading import DEFAULT_RATE, spread_strategy

router = APIRouter(prefix="/chain", tags=["chain"])


@router.get(
    "", responses={404: {"description": "No option of the underlying, or no such expiry listed"}}
)
async def get_chain(
    node: Node,
    underlying: Literal["NIFTY", "BANKNIFTY"] = "NIFTY",
    expiry: date | None = None,
) -> ChainOut:
    """One expiry (IST date; default the nearest) of the chain: touch, mid, IV, Greeks."""

    def read() -> ChainOut | str:
        cache = node.node.cache
        if not lists_options(cache, underlying):
            return f"underlying: the node lists no {underlying} option (no chain to show)"
        strategy = spread_strategy(node.node)
        rate = strategy.cfg.risk_free_rate if strategy is not None else DEFAULT_RATE
        now = node.node.kernel.clock.timestamp_ns()
        found = chain_out(cache, underlying, expiry, now, rate)
        if found is None:
            return f"expiry: no {underlying} expiry " + (
                f"on {expiry}" if expiry else "left unexpired"
            )
        return found

    answer = await node.call(read)
    if isinstance(answer, str):
        raise HTTPException(status.HTTP_404_NOT_FOUND, answer)
    return answer
