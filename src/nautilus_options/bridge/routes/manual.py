"""Manual spread entry: preview, submit once per idempotency key, follow a submission."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Path, Request, status
from nautilus_trader.common.enums import component_state_to_str
from nautilus_trader.live.node import TradingNode
from nautilus_trader.model.enums import TradingState

from nautilus_options.bridge.deps import (
    Caller,
    Context,
    Node,
    Responses,
    read_only,
    refuse_when_stopped,
    require,
)
from nautilus_options.bridge.manual.build import SpreadRefusedError, build_spread, preview
from nautilus_options.bridge.manual.strategy import ManualSpreadStrategy, Submission
from nautilus_options.bridge.principal import Scope
from nautilus_options.bridge.schemas.manual import (
    SpreadPreview,
    SpreadRequest,
    SubmissionOut,
    SubmitRequest,
)

router = APIRouter(prefix="/manual", tags=["manual"])
_REFUSED: Responses = {
    409: {
        "description": "The node stopped, trading is not ACTIVE, or the key was used for "
        "another request"
    },
    422: {"description": "The request makes no spread now (the detail says why)"},
    503: {"description": "No node, or no manual strategy in it"},
}
IdempotencyKey = Annotated[str, Path(min_length=8, max_length=128, pattern=r"^[A-Za-z0-9._:-]+$")]


class TradingBlockedError(SpreadRefusedError):
    """The node does not accept new spreads now."""


@router.post("/preview", responses=_REFUSED, dependencies=[Depends(read_only)])
async def preview_spread(body: SpreadRequest, node: Node) -> SpreadPreview:
    """Legs, prices, max loss, margin and charges of a spread, without sending anything
    (read scope; not audited)."""

    def run() -> SpreadPreview:
        strategy = _strategy(node.node)
        now = strategy.clock.timestamp_ns()
        return preview(strategy.cache, build_spread(strategy, body, now), body.lots, now)

    return await node.call(run)


@router.post("/submit", responses=_REFUSED, dependencies=[Depends(require(Scope.TRADE))])
async def submit(
    body: SubmitRequest, node: Node, context: Context, principal: Caller, request: Request
) -> SubmissionOut:
    """Open a spread through the bridge's strategy (RiskEngine, hedge-first legging and
    sizing apply). Sending the same ``idempotency_key`` again returns the first answer
    without opening anything, also after a restart (``from_earlier_session``); a spread id
    once answered is never given to another spread."""
    request.state.audit_detail = body.model_dump(mode="json")

    def run() -> dict[str, Any]:
        refuse_when_stopped(node)
        strategy = _strategy(node.node)
        if not strategy.is_running:
            state = component_state_to_str(strategy.state)
            raise TradingBlockedError(f"{strategy.id} is {state}: start it first")
        risk = node.node.kernel.risk_engine
        if risk.trading_state != TradingState.ACTIVE:
            raise TradingBlockedError("trading is not ACTIVE (reduce-only, halted or killed)")
        now = strategy.clock.timestamp_ns()
        built = build_spread(strategy, body, now)
        shown = preview(strategy.cache, built, body.lots, now)
        spread_id = strategy.open_manual(built.pick, body.lots, taken)
        return {
            "spread_id": spread_id,
            "lots": body.lots,
            "instance_id": node.node.kernel.instance_id.value,
            "preview": shown.model_dump(mode="json"),
        }

    taken: set[str] = set()

    async def action() -> dict[str, Any]:
        # Ids answered before, maybe by a node since restarted without its cache.
        taken.update(r["spread_id"] for r in context.submissions.results())
        return await node.call(run)

    request_fields = body.model_dump(mode="json", exclude={"idempotency_key"})
    accepted, replayed = await context.submissions.run(
        principal.subject, body.idempotency_key, request_fields, action
    )
    return await _out(node, body.idempotency_key, accepted, replayed)


@router.get("/submissions/{idempotency_key}", responses={404: {"description": "Unknown key"}})
async def get_submission(
    idempotency_key: IdempotencyKey, node: Node, context: Context, principal: Caller
) -> SubmissionOut:
    """What became of a submission (the caller's own keys)."""
    accepted = context.submissions.lookup(principal.subject, idempotency_key)
    if accepted is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "idempotency_key: no such submission")
    return await _out(node, idempotency_key, accepted, True)


async def _out(node: Node, key: str, accepted: dict[str, Any], replayed: bool) -> SubmissionOut:
    """The submission ``accepted`` (as stored under its key) with its state now."""
    spread_id, lots = accepted["spread_id"], accepted["lots"]

    def read() -> tuple[Submission, str]:
        return _strategy(node.node).status(spread_id, lots), node.node.kernel.instance_id.value

    submission, instance_id = await node.call(read)
    return SubmissionOut(
        idempotency_key=key,
        spread_id=spread_id,
        status=submission.status,  # type: ignore[arg-type]
        lots_requested=submission.lots_requested,
        lots=submission.lots,
        reason=submission.reason,
        replayed=replayed,
        from_earlier_session=accepted.get("instance_id") != instance_id,
        preview=SpreadPreview.model_validate(accepted["preview"]),
    )


def _strategy(node: TradingNode) -> ManualSpreadStrategy:
    for strategy in node.trader.strategies():
        if isinstance(strategy, ManualSpreadStrategy):
            return strategy
    raise HTTPException(status.HTTP_503_SERVICE_UNAVAILABLE, "no manual strategy in the node")
