"""Recovery against the simulator: dropped sockets, token expiry, restart reconciliation."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from kite_node import Recorder, RecorderConfig, admin, build_node, eventually, run
from kiteconnect import KiteConnect
from nautilus_trader.live.node import TradingNode
from nautilus_trader.model.enums import OrderSide, OrderStatus
from nautilus_trader.model.events import OrderRejected
from nautilus_trader.model.identifiers import InstrumentId
from nautilus_trader.model.objects import Price, Quantity

from nautilus_options.adapters.zerodha.common.symbology import tag_base
from nautilus_options.adapters.zerodha.data import ZerodhaDataClient
from nautilus_options.adapters.zerodha.execution import TOKEN_REASON


def _atm(sim: Any) -> InstrumentId:
    kite = KiteConnect(sim.api_key, root=sim.url)
    spot = next(r for r in kite.instruments("NSE") if r["tradingsymbol"] == "NIFTY 50")[
        "last_price"
    ]
    options = [r for r in kite.instruments("NFO") if r["instrument_type"] == "CE"]
    best = min(options, key=lambda r: abs(r["strike"] - spot))
    return InstrumentId.from_str(f"{best['tradingsymbol']}.NFO")


def _parts(node: TradingNode) -> tuple[Recorder, ZerodhaDataClient]:
    (strategy,) = node.trader.strategies()
    client = node.kernel.data_engine._clients[next(iter(node.kernel.data_engine._clients))]
    assert isinstance(strategy, Recorder)
    assert isinstance(client, ZerodhaDataClient)
    return strategy, client


def _server_modes(sim: Any) -> dict[int, str]:
    return sim.call(lambda core: {t: m for c in core.hub.connections for t, m in c.modes.items()})


def test_dropped_sockets_reconnect_with_their_modes(sim_factory: Any, tmp_path: Path) -> None:
    sim = sim_factory()
    atm = _atm(sim)
    node = build_node(sim, str(tmp_path), RecorderConfig(quotes=(str(atm),), trades=("NIFTY.NSE",)))

    async def act(node: TradingNode) -> None:
        strategy, client = _parts(node)
        await eventually(lambda: len(strategy.quotes) >= 2, what="quotes")
        before = _server_modes(sim)
        assert set(before.values()) == {"full"}
        await admin(sim, "drop_sockets")
        count = len(strategy.quotes)
        await eventually(lambda: client.ticker.reconnects >= 1, what="reconnect")
        await eventually(lambda: len(strategy.quotes) > count + 2, what="quotes after the drop")
        assert _server_modes(sim) == before

    run(node, act)


def test_token_expiry_stops_orders_then_renews_once(sim_factory: Any, tmp_path: Path) -> None:
    sim = sim_factory()
    atm = _atm(sim)
    node = build_node(sim, str(tmp_path), RecorderConfig(quotes=(str(atm),)))

    async def act(node: TradingNode) -> None:
        strategy, client = _parts(node)
        await eventually(lambda: len(strategy.quotes) >= 1, what="quotes")
        holder = client._ticker._holder
        lot = int(node.kernel.cache.instrument(atm).lot_size.as_double())
        await admin(sim, "expire_tokens")
        first = [
            strategy.order_factory.market(atm, OrderSide.BUY, Quantity.from_int(lot))
            for _ in range(3)
        ]
        for order in first:
            strategy.submit_order(order)
        await eventually(lambda: all(o.is_closed for o in first), what="orders during expiry")
        rejected = [e for e in strategy.events if isinstance(e, OrderRejected)]
        assert rejected
        assert all(e.reason == TOKEN_REASON for e in rejected)
        await eventually(lambda: holder.renewals == 1 and not holder.expired, what="renewal")
        await admin(sim, "drop_sockets")  # the sockets come back with the new token
        count = len(strategy.quotes)
        await eventually(lambda: len(strategy.quotes) > count + 2, what="quotes after renewal")
        after = strategy.order_factory.market(atm, OrderSide.BUY, Quantity.from_int(lot))
        strategy.submit_order(after)
        await eventually(lambda: after.status == OrderStatus.FILLED, what="order after renewal")
        assert holder.renewals == 1

    run(node, act)


def test_restart_is_reconciled(sim_factory: Any, tmp_path: Path) -> None:
    sim = sim_factory()
    atm = _atm(sim)
    placed: dict[str, Any] = {}

    async def first_run(node: TradingNode) -> None:
        strategy, _ = _parts(node)
        await eventually(lambda: len(strategy.quotes) >= 1, what="quotes")
        quote = strategy.quotes[-1]
        lot = int(node.kernel.cache.instrument(atm).lot_size.as_double())
        market = strategy.order_factory.market(atm, OrderSide.BUY, Quantity.from_int(2 * lot))
        low = Price(max(0.05, round(quote.bid_price.as_double() * 0.7, 1)), 2)
        resting = strategy.order_factory.limit(atm, OrderSide.BUY, Quantity.from_int(lot), low)
        strategy.submit_order(market)
        strategy.submit_order(resting)
        await eventually(lambda: market.status == OrderStatus.FILLED, what="fill")
        await eventually(lambda: resting.status == OrderStatus.ACCEPTED, what="accepted")
        placed.update(market=market.client_order_id, resting=resting.client_order_id, lot=lot)

    run(build_node(sim, str(tmp_path), RecorderConfig(quotes=(str(atm),))), first_run)

    async def second_run(node: TradingNode) -> None:
        cache = node.kernel.cache
        market = cache.order(placed["market"])
        resting = cache.order(placed["resting"])
        assert market is not None
        assert resting is not None
        assert market.status == OrderStatus.FILLED
        assert market.filled_qty == Quantity.from_int(2 * placed["lot"])
        assert resting.status == OrderStatus.ACCEPTED
        assert str(resting.venue_order_id).isdigit()
        (position,) = cache.positions_open(instrument_id=atm)
        assert position.quantity == Quantity.from_int(2 * placed["lot"])
        assert tag_base(placed["resting"].value).startswith("nt")

    run(build_node(sim, str(tmp_path), RecorderConfig(quotes=(str(atm),))), second_run)
