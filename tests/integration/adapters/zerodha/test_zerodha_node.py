"""The Zerodha clients in a real TradingNode against the Kite simulator over loopback."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from kite_node import Recorder, RecorderConfig, build_node, eventually, run
from kiteconnect import KiteConnect
from nautilus_trader.live.node import TradingNode
from nautilus_trader.model.enums import OrderSide, OrderStatus, TimeInForce
from nautilus_trader.model.events import OrderFilled, OrderRejected, OrderUpdated
from nautilus_trader.model.identifiers import InstrumentId
from nautilus_trader.model.instruments import OptionContract
from nautilus_trader.model.objects import Price, Quantity

from nautilus_options.adapters.zerodha.common.errors import KiteRequestError
from nautilus_options.adapters.zerodha.common.symbology import split_tag
from nautilus_options.adapters.zerodha.http.client import KiteHttpClient
from nautilus_options.domain.nse import freeze_quantity
from nautilus_options.domain.time import ist_date


def _chain(sim: Any) -> list[dict[str, Any]]:
    kite = KiteConnect(sim.api_key, root=sim.url)
    spot = next(r for r in kite.instruments("NSE") if r["tradingsymbol"] == "NIFTY 50")[
        "last_price"
    ]
    options = [r for r in kite.instruments("NFO") if r["instrument_type"] == "CE"]
    return sorted(options, key=lambda r: abs(r["strike"] - spot))


def _recorder(node: TradingNode) -> Recorder:
    (strategy,) = node.trader.strategies()
    assert isinstance(strategy, Recorder)
    return strategy


def test_instruments_quotes_and_order_lifecycle(sim_factory: Any, tmp_path: Path) -> None:
    sim = sim_factory()
    atm, other = (InstrumentId.from_str(f"{r['tradingsymbol']}.NFO") for r in _chain(sim)[:2])
    config = RecorderConfig(quotes=(str(atm), str(other)), trades=("NIFTY.NSE", "NIFTY.NFO"))
    node = build_node(sim, str(tmp_path / "state"), config)

    async def act(node: TradingNode) -> None:
        strategy = _recorder(node)
        cache = node.kernel.cache
        instrument = cache.instrument(atm)
        assert isinstance(instrument, OptionContract)
        assert cache.instrument(InstrumentId.from_str("NIFTY.NFO")) is not None
        await eventually(
            lambda: sum(q.instrument_id == atm for q in strategy.quotes) >= 3, what="quotes"
        )
        await eventually(lambda: len(strategy.trades) >= 2, what="index trades")
        quote = strategy.quotes[-1]
        assert quote.bid_price < quote.ask_price
        assert quote.bid_price.precision == 2
        assert quote.ask_size.as_double() > 0
        lot = int(instrument.lot_size.as_double())

        # market order: filled (market_protection sent), commissions from domain.charges
        market = strategy.order_factory.market(atm, OrderSide.BUY, Quantity.from_int(lot))
        strategy.submit_order(market)
        await eventually(lambda: market.status == OrderStatus.FILLED, what="market fill")
        fills = [
            e
            for e in strategy.events
            if isinstance(e, OrderFilled) and e.client_order_id == market.client_order_id
        ]
        assert sum(f.last_qty.as_double() for f in fills) == lot
        assert all(f.commission.as_double() > 0 for f in fills[:1])

        # resting limit: accepted, modified, cancelled
        low = Price(max(0.05, round(quote.bid_price.as_double() * 0.7, 1)), 2)
        limit = strategy.order_factory.limit(atm, OrderSide.BUY, Quantity.from_int(lot), low)
        strategy.submit_order(limit)
        await eventually(lambda: limit.status == OrderStatus.ACCEPTED, what="limit accepted")
        lower = Price(max(0.05, round(low.as_double() - 1.0, 1)), 2)
        strategy.modify_order(limit, price=lower)
        await eventually(
            lambda: any(
                isinstance(e, OrderUpdated) and e.client_order_id == limit.client_order_id
                for e in strategy.events
            ),
            what="modify",
        )
        await eventually(
            lambda: limit.status == OrderStatus.ACCEPTED and limit.price == lower, what="modified"
        )
        strategy.cancel_order(limit)
        await eventually(lambda: limit.status == OrderStatus.CANCELED, what="cancel")

        # a limit outside the price band: rejected with Kite's reason
        wild = strategy.order_factory.limit(
            atm,
            OrderSide.BUY,
            Quantity.from_int(lot),
            Price(round(quote.ask_price.as_double() * 3, 1), 2),
        )
        strategy.submit_order(wild)
        await eventually(lambda: wild.status == OrderStatus.REJECTED, what="rejection")
        (rejected,) = [e for e in strategy.events if isinstance(e, OrderRejected)]
        assert rejected.reason
        assert "Kite" not in rejected.reason[:0]
        print("rejection reason:", rejected.reason)

        # IOC far from the market: expired
        ioc = strategy.order_factory.limit(
            atm, OrderSide.BUY, Quantity.from_int(lot), low, time_in_force=TimeInForce.IOC
        )
        strategy.submit_order(ioc)
        await eventually(
            lambda: ioc.status in (OrderStatus.EXPIRED, OrderStatus.CANCELED), what="ioc"
        )
        assert ioc.status == OrderStatus.EXPIRED

    run(node, act)


def test_a_refused_later_slice_reduces_the_order(
    sim_factory: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Above the freeze quantity, slice 1 refused at placement: OrderUpdated, then FILLED."""
    sim = sim_factory(partial_fills=False)
    atm = InstrumentId.from_str(f"{_chain(sim)[0]['tradingsymbol']}.NFO")
    node = build_node(sim, str(tmp_path / "state"), RecorderConfig())
    real_request = KiteHttpClient.request
    refusal = "Order quantity exceeds the freeze limit (test)."

    async def refuse_slice_one(
        self: KiteHttpClient, method: str, path: str, *a: Any, **k: Any
    ) -> Any:
        tag = (k.get("data") or {}).get("tag")
        parsed = split_tag(tag) if method == "POST" and tag else None
        if parsed is not None and parsed[1] == 1:
            raise KiteRequestError(refusal, "InputException", 400)
        return await real_request(self, method, path, *a, **k)

    monkeypatch.setattr(KiteHttpClient, "request", refuse_slice_one)

    async def act(node: TradingNode) -> None:
        strategy = _recorder(node)
        instrument = node.kernel.cache.instrument(atm)
        assert isinstance(instrument, OptionContract)
        lot = int(instrument.lot_size.as_double())
        freeze = freeze_quantity("NIFTY", ist_date(node.kernel.clock.timestamp_ns()))
        lots = freeze // lot + 1  # two slices: the freeze-sized one and one lot
        order = strategy.order_factory.market(atm, OrderSide.BUY, Quantity.from_int(lots * lot))
        strategy.submit_order(order)
        await eventually(lambda: order.status == OrderStatus.FILLED, what="placed slice filled")
        placed = (freeze // lot) * lot
        (updated,) = [
            e
            for e in strategy.events
            if isinstance(e, OrderUpdated) and e.client_order_id == order.client_order_id
        ]
        assert updated.quantity == Quantity.from_int(placed)
        assert order.quantity == Quantity.from_int(placed)
        assert order.filled_qty == Quantity.from_int(placed)
        assert not any(isinstance(e, OrderRejected) for e in strategy.events)

    run(node, act)
