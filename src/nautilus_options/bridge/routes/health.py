"""Health and node status."""

from __future__ import annotations

from fastapi import APIRouter

from nautilus_options import __version__
from nautilus_options.bridge.deps import Context, Node
from nautilus_options.bridge.schemas.status import Health, NodeStatus
from nautilus_options.bridge.views.status import node_status

router = APIRouter(tags=["status"])


@router.get("/health")
def health(context: Context) -> Health:
    """The server answers; whether a node is attached and backtest results are served."""
    return Health(
        environment=context.settings.environment,
        version=__version__,
        node=context.node is not None,
        results=context.settings.results_dir is not None,
    )


@router.get("/status", responses={503: {"description": "No node attached"}})
async def status(context: Context, node: Node) -> NodeStatus:
    """Environment, trading state, clients, market session and when data was last seen."""
    return await node.call(lambda: node_status(node, context.settings.environment))
