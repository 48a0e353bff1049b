"""The node's strategies: list, configuration, start and stop."""

from __future__ import annotations

from fastapi import APIRouter, Depends, HTTPException, status
from nautilus_trader.common.enums import ComponentState
from nautilus_trader.trading.strategy import Strategy

from nautilus_options.bridge.deps import Node, Responses, found, refuse_after_kill, require
from nautilus_options.bridge.principal import Scope
from nautilus_options.bridge.schemas.status import StrategyConfigOut, StrategyInfo
from nautilus_options.bridge.views.status import find_strategy, strategies, strategy_config

router = APIRouter(prefix="/strategies", tags=["strategies"])
_NOT_FOUND: Responses = {404: {"description": "No such strategy"}, 503: {"description": "No node"}}


@router.get("", responses={503: {"description": "No node"}})
async def list_strategies(node: Node) -> list[StrategyInfo]:
    """Every strategy with its state and open orders and positions."""
    return await node.call(lambda: strategies(node.node, node.controls.protected))


@router.get("/{strategy_id}/config", responses=_NOT_FOUND)
async def get_config(strategy_id: str, node: Node) -> StrategyConfigOut:
    """A strategy's configuration."""

    def read() -> StrategyConfigOut | None:
        strategy = find_strategy(node.node, strategy_id)
        return strategy_config(strategy) if strategy is not None else None

    return found(await node.call(read), f"strategy_id: no {strategy_id!r}")


@router.post(
    "/{strategy_id}/start",
    responses={**_NOT_FOUND, 409: {"description": "The node stopped or the kill switch fired"}},
    dependencies=[Depends(require(Scope.TRADE))],
)
async def start(strategy_id: str, node: Node) -> StrategyInfo:
    """Start a stopped strategy (no-op when running; not after the kill switch fired)."""
    return await _transition(node, strategy_id, start=True)


@router.post(
    "/{strategy_id}/stop",
    responses={**_NOT_FOUND, 409: {"description": "A protected strategy (the kill switch)"}},
    dependencies=[Depends(require(Scope.TRADE))],
)
async def stop(strategy_id: str, node: Node) -> StrategyInfo:
    """Stop a strategy: no new entries; its open spreads are left as they are. The kill
    switch cannot be stopped."""
    if strategy_id in node.controls.protected:
        raise HTTPException(status.HTTP_409_CONFLICT, f"strategy_id: {strategy_id} is protected")
    return await _transition(node, strategy_id, start=False)


async def _transition(node: Node, strategy_id: str, *, start: bool) -> StrategyInfo:
    def run() -> StrategyInfo | None:
        if start:
            refuse_after_kill(node)
        strategy = find_strategy(node.node, strategy_id)
        if strategy is None:
            return None
        if start and strategy.state == ComponentState.STOPPED:
            _resume(strategy)
        elif start and not strategy.is_running:
            node.node.trader.start_strategy(strategy.id)
        elif not start and strategy.is_running:
            node.node.trader.stop_strategy(strategy.id)
        listed = strategies(node.node, node.controls.protected)
        return next(s for s in listed if s.strategy_id == strategy_id)

    return found(await node.call(run), f"strategy_id: no {strategy_id!r}")


def _resume(strategy: Strategy) -> None:
    """Run a stopped strategy again.

    Nautilus moves a stopped component back to RUNNING with ``resume()``, which calls only
    ``on_resume``. A strategy that does not define it (the spread strategy, the kill
    switch: their ``on_stop`` undoes exactly what ``on_start`` set up) gets ``on_start``
    again, so its timers and subscriptions come back.
    """
    strategy.resume()
    if type(strategy).on_resume is Strategy.on_resume:
        strategy.on_start()
