"""A paper node in its own process for the restart tests, with a kill hook.

``python restart_node.py <settings.json>`` runs the node of ``parity_node.paper_node_config``
(with Redis) until the file ``stop_file`` appears, then stops it and writes ``summary_file``
(positions, working orders, the capital manager's figures, spreads adopted).

With ``kill_at`` set, the process SIGKILLs itself at that point of its first spread, through
wrappers of the strategy's handlers (test-only: the strategy has no kill code):

* ``first_hedge``: right after the first hedge's fill is handled;
* ``hedges``: when the first short is about to be sent (every hedge filled);
* ``short_sent``: when the broker accepted the first short;
* ``exit``: when the broker accepted the first closing order.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sys
from pathlib import Path
from typing import Any

from nautilus_trader.live.node import TradingNode
from nautilus_trader.model.enums import OrderSide
from nautilus_trader.model.events import OrderAccepted, OrderFilled
from nautilus_trader.model.orders import Order
from parity_node import paper_node_config

from nautilus_options import CapitalManager, OptionsSpreadStrategy
from nautilus_options.portfolio import tag_value


def _kill() -> None:
    os.kill(os.getpid(), signal.SIGKILL)


def _opening(order: Order | None, side: OrderSide) -> bool:
    return order is not None and tag_value(order.tags, "intent") == "open" and order.side == side


def install_kill_hook(point: str) -> None:
    """Make the strategy kill its process at ``point`` (see the module docstring)."""
    cls: Any = OptionsSpreadStrategy
    filled, accepted, submit = cls.on_order_filled, cls.on_order_accepted, cls.submit_order

    def on_order_filled(self: Any, event: OrderFilled) -> None:
        filled(self, event)
        if point == "first_hedge" and _opening(
            self.cache.order(event.client_order_id), OrderSide.BUY
        ):
            _kill()

    def on_order_accepted(self: Any, event: OrderAccepted) -> None:
        accepted(self, event)
        order = self.cache.order(event.client_order_id)
        if point == "short_sent" and _opening(order, OrderSide.SELL):
            _kill()
        if point == "exit" and order is not None and tag_value(order.tags, "intent") == "close":
            _kill()

    def submit_order(self: Any, order: Order, *args: Any, **kwargs: Any) -> None:
        if point == "hedges" and _opening(order, OrderSide.SELL):
            _kill()
        submit(self, order, *args, **kwargs)

    cls.on_order_filled, cls.on_order_accepted = on_order_filled, on_order_accepted
    cls.submit_order = submit_order


def _summary(node: TradingNode) -> dict[str, Any]:
    cache = node.kernel.cache
    (strategy,) = node.trader.strategies()
    capital = next(a for a in node.trader.actors() if isinstance(a, CapitalManager))
    return {
        "positions": {str(p.id): p.signed_qty for p in cache.positions() if p.signed_qty != 0},
        "net": _net(cache.positions_open()),
        "working_orders": [str(o.client_order_id) for o in cache.orders_open()],
        "realized_pnl": sum(
            p.realized_pnl.as_double() for p in cache.positions() if p.realized_pnl is not None
        ),
        "capital": capital.capital,
        "deployed": capital.deployed,
        "restored": any(u.reason == "restored" for u in capital.history),
        "active_spreads": strategy.active_spread_ids,
        "orders": [
            {
                "id": str(o.client_order_id),
                "spread": tag_value(o.tags, "spread"),
                "intent": tag_value(o.tags, "intent"),
                "reason": tag_value(o.tags, "reason"),
                "status": o.status_string(),
            }
            for o in cache.orders()
        ],
    }


def _net(positions: list[Any]) -> dict[str, float]:
    net: dict[str, float] = {}
    for position in positions:
        key = position.instrument_id.symbol.value
        net[key] = net.get(key, 0.0) + position.signed_qty
    return {key: qty for key, qty in net.items() if qty}


def main(path: str) -> None:
    """Run the node of the settings file until its stop file appears."""
    settings = json.loads(Path(path).read_text())
    if settings.get("kill_at"):
        install_kill_hook(settings["kill_at"])
    config = paper_node_config(
        settings["rest_url"],
        settings["ticker_url"],
        Path(settings["state_dir"]),
        settings["strategy"],
        settings["capital"],
        redis_port=settings["redis_port"],
        log_level="INFO",
        log_dir=Path(settings["log_dir"]),
        trader_id=settings["trader_id"],
    )
    node = TradingNode(config=config, loop=asyncio.new_event_loop())
    node.build()
    stop_file = Path(settings["stop_file"])

    async def session() -> None:
        runner = asyncio.create_task(node.run_async())
        while not stop_file.exists():
            await asyncio.sleep(0.1)
        await node.stop_async()
        await asyncio.wait_for(runner, 30)

    try:
        node.kernel.loop.run_until_complete(session())
        Path(settings["summary_file"]).write_text(json.dumps(_summary(node)))
    finally:
        node.dispose()


if __name__ == "__main__":
    main(sys.argv[1])
