"""Expiry settlement in a real TradingNode: the simulator moves past 15:30 IST on expiry day.

Oracles: the simulator's own settlement record (index close, settlement price, exercise STT),
and ``portfolio.SettlementRules`` loaded with Kite's recognizer by path, as components are.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from pathlib import Path
from typing import Any

import httpx
from kite_node import Recorder, RecorderConfig, build_node, eventually, run
from kiteconnect import KiteConnect
from nautilus_trader.live.node import TradingNode
from nautilus_trader.model.enums import OrderSide, OrderStatus
from nautilus_trader.model.events import OrderFilled
from nautilus_trader.model.identifiers import InstrumentId
from nautilus_trader.model.instruments import OptionContract
from nautilus_trader.model.objects import Quantity

from nautilus_options.domain import nse
from nautilus_options.domain.charges import expiry_settlement_charges
from nautilus_options.domain.time import IST, ist_date
from nautilus_options.portfolio import SettlementKind, SettlementRules

KITE_RECOGNIZER = "nautilus_options.adapters.zerodha.settlement:recognize_kite"


def next_nifty_expiry() -> datetime:
    """15:00 IST on the first NIFTY expiry day from today (IST)."""
    today = ist_date(int(datetime.now(IST).timestamp() * 1e9))
    end = today + timedelta(days=21)
    listed = (
        nse.provisional_expiries("NIFTY", today, end)
        if nse.is_provisional(end)
        else nse.expiries("NIFTY", today, end)
    )
    return datetime.combine(listed[0].day, time(15, 0), IST)


def test_expired_positions_are_settled_as_the_backtest_books_them(
    sim_factory: Any, tmp_path: Path
) -> None:
    sim = sim_factory(session="nse", start_at=next_nifty_expiry(), partial_fills=False)
    kite = KiteConnect(sim.api_key, root=sim.url)
    spot = next(r for r in kite.instruments("NSE") if r["tradingsymbol"] == "NIFTY 50")[
        "last_price"
    ]
    rows = kite.instruments("NFO")
    itm_call = max(
        (r for r in rows if r["instrument_type"] == "CE" and r["strike"] < spot - 100),
        key=lambda r: r["strike"],
    )
    otm_put = max(
        (r for r in rows if r["instrument_type"] == "PE" and r["strike"] < spot - 100),
        key=lambda r: r["strike"],
    )
    call, put = (InstrumentId.from_str(f"{r['tradingsymbol']}.NFO") for r in (itm_call, otm_put))
    node = build_node(
        sim,
        str(tmp_path / "state"),
        RecorderConfig(),
        exec_extra={"settlement_poll_secs": 0.3},
    )
    rules = SettlementRules.from_paths((KITE_RECOGNIZER,))

    async def act(node: TradingNode) -> None:
        (strategy,) = node.trader.strategies()
        assert isinstance(strategy, Recorder)
        lot = int(itm_call["lot_size"])
        orders = [
            strategy.order_factory.market(call, OrderSide.BUY, Quantity.from_int(lot)),
            strategy.order_factory.market(put, OrderSide.SELL, Quantity.from_int(lot)),
        ]
        for order in orders:
            strategy.submit_order(order)
        await eventually(lambda: all(o.status == OrderStatus.FILLED for o in orders), 30, "fills")
        assert len(strategy.cache.positions_open()) == 2
        async with httpx.AsyncClient(base_url=sim.url) as client:
            now_ns = (await client.get("/admin/state", headers=_admin(sim))).json()["data"]["now"]
            expiry = nse.expiry_ns(ist_date(now_ns))
            await client.post(
                "/admin/clock",
                headers=_admin(sim),
                json={"advance_s": (expiry - now_ns) / 1e9 + 60},
            )
            await eventually(lambda: not strategy.cache.positions_open(), 30, "settlement")
            state = (await client.get("/admin/state", headers=_admin(sim))).json()["data"]
        settled = {s["tradingsymbol"]: s for s in state["settlements"]}
        fills = {
            e.instrument_id: e
            for e in strategy.events
            if isinstance(e, OrderFilled) and rules.is_settlement(e)
        }
        assert set(fills) == {call, put}
        cash, otm = fills[call], fills[put]
        assert rules.kind(cash) is SettlementKind.CASH_EXERCISE
        assert rules.kind(otm) is SettlementKind.EXPIRED
        assert cash.order_side == OrderSide.SELL
        assert otm.order_side == OrderSide.BUY
        assert cash.last_px.as_double() == settled[call.symbol.value]["settlement_price"] > 0
        assert otm.last_px.as_double() == settled[put.symbol.value]["settlement_price"] == 0
        assert cash.commission.as_double() == 0.0  # booked by the settlement rules, as in backtest
        instrument = strategy.cache.instrument(call)
        assert isinstance(instrument, OptionContract)
        charge = rules.charge(instrument, cash)
        stt = expiry_settlement_charges(
            "long", lot * cash.last_px.as_double(), ist_date(cash.ts_event)
        ).stt
        assert stt == settled[call.symbol.value]["exercise_stt"] > 0
        assert charge > stt  # STT plus the brokerage of the exercise
        put_instrument = strategy.cache.instrument(put)
        assert isinstance(put_instrument, OptionContract)
        assert rules.charge(put_instrument, otm) == 0.0
        position = strategy.cache.position(cash.position_id)
        assert position is not None
        assert position.is_closed

    run(node, act)


def _admin(sim: Any) -> dict[str, str]:
    return {"X-Sim-Admin-Key": sim.admin_key}
