"""The REST-shaped state of the stream's polled topics, read from a node (on its loop)."""

from __future__ import annotations

from typing import Any

from nautilus_options.bridge.node import NodeLink
from nautilus_options.bridge.views.status import node_status
from nautilus_options.bridge.views.trading import order_out, position_out, spreads

__all__ = ["node_snapshots"]


def node_snapshots(link: NodeLink, environment: str) -> dict[str, dict[str, Any]]:
    """``{topic: state}`` for ``spreads``, ``status``, ``orders`` and ``positions``
    (open ones), as the REST routes answer them."""
    cache = link.node.cache
    return {
        "spreads": {
            "spreads": [s.model_dump(mode="json") for s in spreads(link.node, open_only=True)]
        },
        "status": node_status(link, environment).model_dump(mode="json"),
        "orders": {"orders": [order_out(o).model_dump(mode="json") for o in cache.orders_open()]},
        "positions": {
            "positions": [
                position_out(cache, p).model_dump(mode="json") for p in cache.positions_open()
            ]
        },
    }
