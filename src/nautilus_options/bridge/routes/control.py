"""The trading state: kill switch (with confirmation), reduce-only and resume.

* ``POST /control/kill`` with ``{"confirm": "KILL"}`` fires the node's kill switch: every
  other strategy stops, every order is cancelled, every position closed hedge-last, then the
  risk engine is HALTED (admin);
* ``POST /control/reduce`` sets the risk engine to REDUCING: only orders that reduce a
  position pass (trade);
* ``POST /control/resume`` sets it back to ACTIVE (trade).

Reduce and resume are refused (409) once the kill switch fired, which only a restart undoes.
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, HTTPException, Request, status
from nautilus_trader.model.enums import TradingState

from nautilus_options.bridge.deps import Node, refuse_after_kill, refuse_when_stopped, require
from nautilus_options.bridge.principal import Scope
from nautilus_options.bridge.schemas.status import KillRequest, TradingStateOut
from nautilus_options.bridge.views.status import kill_switch, trading_state

router = APIRouter(prefix="/control", tags=["control"])
#: The word a kill request must carry.
KILL_WORD = "KILL"


@router.get("", responses={503: {"description": "No node"}})
async def get_state(node: Node) -> TradingStateOut:
    """The trading state and the kill switch."""
    return await node.call(lambda: _state(node))


@router.post(
    "/kill",
    dependencies=[Depends(require(Scope.ADMIN))],
    responses={400: {"description": "Not confirmed"}, 409: {"description": "The node stopped"}},
)
async def kill(body: KillRequest, node: Node, request: Request) -> TradingStateOut:
    """Cancel every order, flatten hedge-last and halt. ``confirm`` must be ``KILL``.

    Answers the state trading is moving to (``HALTED``, set once nothing is open:
    ``kill_switch.done``)."""
    request.state.audit_detail = {"reason": body.reason}
    if body.confirm != KILL_WORD:
        raise HTTPException(status.HTTP_400_BAD_REQUEST, f"confirm: must be {KILL_WORD!r}")

    def run() -> TradingStateOut:
        refuse_when_stopped(node)
        node.controls.kill(f"bridge: {body.reason}")
        node.controls.changed()
        return TradingStateOut(trading_state="HALTED", kill_switch=kill_switch(node))

    return await node.call(run)


@router.post(
    "/reduce",
    dependencies=[Depends(require(Scope.TRADE))],
    responses={409: {"description": "The node stopped or the kill switch fired"}},
)
async def reduce_only(node: Node) -> TradingStateOut:
    """Reduce-only: orders that would open or add to a position are denied (not after the
    kill switch fired: restart the node)."""
    return await node.call(lambda: _set(node, TradingState.REDUCING))


@router.post(
    "/resume",
    dependencies=[Depends(require(Scope.TRADE))],
    responses={409: {"description": "The node stopped or the kill switch fired"}},
)
async def resume(node: Node) -> TradingStateOut:
    """Back to ACTIVE (not after the kill switch fired: restart the node)."""
    return await node.call(lambda: _set(node, TradingState.ACTIVE))


def _set(node: Node, state: TradingState) -> TradingStateOut:
    refuse_after_kill(node)
    risk = node.node.kernel.risk_engine
    if risk.trading_state != state:
        risk.set_trading_state(state)
        node.controls.changed()
    return _state(node)


def _state(node: Node) -> TradingStateOut:
    return TradingStateOut(trading_state=trading_state(node.node), kill_switch=kill_switch(node))
