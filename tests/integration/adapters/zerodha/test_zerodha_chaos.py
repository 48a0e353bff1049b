"""Chaos: 1,000+ orders through the execution client while the simulator injects faults.

Afterwards every order Nautilus knows must exist at the simulator (unless Kite refused it
with a 4xx) with the same state and the same fills, and no tag may appear twice in Kite's
order book (no duplicate placement).
"""

from __future__ import annotations

import os
import random
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from kite_node import Recorder, RecorderConfig, admin, build_node, eventually, run
from kiteconnect import KiteConnect
from nautilus_trader.live.node import TradingNode
from nautilus_trader.model.enums import OrderSide, OrderStatus
from nautilus_trader.model.identifiers import InstrumentId
from nautilus_trader.model.objects import Price, Quantity

from nautilus_options.adapters.zerodha.common.symbology import split_tag, tag_base

ORDERS = 1_000
FAULTS = {
    "seed": 11,
    "http_429": 0.05,
    "http_5xx": 0.03,
    "latency_ms": 10,
    "lost_response": 0.03,
    "lost_response_hold_s": 2.5,
    "drop_socket": 0.02,
    "partial_fill": 0.4,
    "exchange_reject": 0.05,
    "duplicate_update": 0.1,
    "reorder_update": 0.1,
}
KITE_STATUS = {
    "COMPLETE": OrderStatus.FILLED,
    "CANCELLED": OrderStatus.CANCELED,
    "REJECTED": OrderStatus.REJECTED,
}


@pytest.mark.slow
def test_chaos_no_order_lost_or_duplicated(sim_factory: Any, tmp_path: Path) -> None:
    sim = sim_factory(rate_limit_scale=50.0, opening_balance=1e10)
    kite = KiteConnect(sim.api_key, root=sim.url, access_token=os.environ["KITE_ACCESS_TOKEN"])
    spot = next(r for r in kite.instruments("NSE") if r["tradingsymbol"] == "NIFTY 50")[
        "last_price"
    ]
    options = sorted(kite.instruments("NFO"), key=lambda r: abs(r["strike"] - spot))[:6]
    ids = [InstrumentId.from_str(f"{r['tradingsymbol']}.NFO") for r in options]
    node = build_node(
        sim,
        str(tmp_path),
        RecorderConfig(quotes=tuple(map(str, ids))),
        kite_extra={"rate_limit_scale": 40.0, "http_timeout_secs": 1.5},
    )
    rng = random.Random(5)

    async def act(node: TradingNode) -> None:
        (strategy,) = node.trader.strategies()
        assert isinstance(strategy, Recorder)
        cache = node.kernel.cache
        await eventually(lambda: all(cache.quote_tick(i) for i in ids), what="quotes")
        await admin(sim, "faults", FAULTS)  # off the loop: the node keeps running meanwhile
        orders = []
        for batch in range(ORDERS // 50):
            for _ in range(50):
                instrument_id = rng.choice(ids)
                quote = cache.quote_tick(instrument_id)
                lot = int(cache.instrument(instrument_id).lot_size.as_double())
                side = rng.choice([OrderSide.BUY, OrderSide.SELL])
                quantity = Quantity.from_int(lot * rng.randint(1, 3))
                if rng.random() < 0.5:
                    order = strategy.order_factory.market(instrument_id, side, quantity)
                else:
                    touch = quote.ask_price if side == OrderSide.BUY else quote.bid_price
                    offset = rng.choice([0.0, 0.0, -0.5, -1.0]) * (
                        1 if side == OrderSide.BUY else -1
                    )
                    order = strategy.order_factory.limit(
                        instrument_id,
                        side,
                        quantity,
                        Price(max(0.05, round(touch.as_double() + offset, 1)), 2),
                    )
                strategy.submit_order(order)
                orders.append(order)
            await eventually(
                lambda: all(
                    o.status != OrderStatus.SUBMITTED and o.status != OrderStatus.INITIALIZED
                    for o in orders
                ),
                60,
                f"batch {batch}",
            )
            for order in orders:
                if order.is_open and not order.is_pending_cancel and rng.random() < 0.5:
                    strategy.cancel_order(order)
        await admin(sim, "faults", {"profile": "none"})
        for order in orders:
            if order.is_open and not order.is_pending_cancel:
                strategy.cancel_order(order)
        await eventually(lambda: all(o.is_closed for o in orders), 90, "every order closed")

        book = kite.orders()
        trades = kite.trades()
        tags = Counter(o["tag"] for o in book)
        assert max(tags.values()) == 1, "a tag was placed twice"
        by_base: dict[str, list[dict[str, Any]]] = {}
        for kite_order in book:
            parsed = split_tag(kite_order["tag"])
            assert parsed is not None
            by_base.setdefault(parsed[0], []).append(kite_order)
        trades_by_order: dict[str, set[str]] = {}
        for trade in trades:
            trades_by_order.setdefault(trade["order_id"], set()).add(trade["trade_id"])
        tally: Counter[str] = Counter()
        for order in orders:
            group = by_base.get(tag_base(order.client_order_id.value))
            tally[order.status.name] += 1
            if group is None:  # refused at the door (4xx): never placed
                assert order.status == OrderStatus.REJECTED
                tally["refused_4xx"] += 1
                continue
            statuses = {KITE_STATUS[o["status"]] for o in group}
            expected = (
                OrderStatus.FILLED
                if order.filled_qty == order.quantity
                else statuses.pop()
                if len(statuses) == 1
                else OrderStatus.CANCELED
            )
            assert order.status == expected, (order, group)
            assert order.filled_qty.as_double() == sum(o["filled_quantity"] for o in group)
            kite_trades = set().union(*(trades_by_order.get(o["order_id"], set()) for o in group))
            assert set(map(str, order.trade_ids)) == kite_trades
            tally["partially_filled_then_closed"] += int(
                0 < order.filled_qty.as_double() < order.quantity.as_double()
            )
            tally["multi_fill"] += int(len(kite_trades) > 1)
        reasons = Counter(
            e.reason.split(" is ")[0][:60]
            for e in strategy.events
            if type(e).__name__ == "OrderRejected"
        )
        print("\nrejection reasons:", reasons.most_common(4))
        client = next(iter(node.kernel.exec_engine._clients.values()))
        print(
            f"\nchaos tallies ({len(orders)} orders): {dict(tally)}; "
            f"client {client.counts}; http {client._http.counts}"
        )
        assert len(orders) >= ORDERS

    run(node, act)
