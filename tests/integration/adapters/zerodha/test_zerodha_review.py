"""Findings of the adapter review, each reproduced against the simulator in a real node.

* a 5xx at startup must not leave the node without data or trading (connect reads retry);
* an expired token asks the provider once, whether it answers fast or keeps failing, and
  a failing provider's error names its exception (never the secret);
* ``OrderAccepted`` reaches the strategy once, even when Nautilus' in-flight check accepted
  the order first (lost placement answers);
* the position report's average is the opening side's, as Nautilus keeps it.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from pathlib import Path
from typing import Any

import httpx
import pytest
from kite_node import SCRIPT, Recorder, RecorderConfig, admin, build_node, eventually, run
from kiteconnect import KiteConnect
from nautilus_trader.core.uuid import UUID4
from nautilus_trader.execution.messages import GeneratePositionStatusReports
from nautilus_trader.live.node import TradingNode
from nautilus_trader.model.enums import OrderSide, OrderStatus
from nautilus_trader.model.events import OrderAccepted, OrderRejected
from nautilus_trader.model.identifiers import InstrumentId
from nautilus_trader.model.objects import Price, Quantity

from nautilus_options.adapters.zerodha.common.errors import KiteServerError
from nautilus_options.adapters.zerodha.common.tokens import TokenHolder
from nautilus_options.adapters.zerodha.config import KiteConnectionConfig
from nautilus_options.adapters.zerodha.data import ZerodhaDataClient
from nautilus_options.adapters.zerodha.execution import TOKEN_REASON, ZerodhaExecutionClient
from nautilus_options.adapters.zerodha.factories import get_http_client


def _atm(sim: Any) -> InstrumentId:
    kite = KiteConnect(sim.api_key, root=sim.url)
    spot = next(r for r in kite.instruments("NSE") if r["tradingsymbol"] == "NIFTY 50")[
        "last_price"
    ]
    options = [r for r in kite.instruments("NFO") if r["instrument_type"] == "CE"]
    best = min(options, key=lambda r: abs(r["strike"] - spot))
    return InstrumentId.from_str(f"{best['tradingsymbol']}.NFO")


def _clients(node: TradingNode) -> tuple[Recorder, ZerodhaDataClient, ZerodhaExecutionClient]:
    (strategy,) = node.trader.strategies()
    data = next(iter(node.kernel.data_engine._clients.values()))
    execution = next(iter(node.kernel.exec_engine._clients.values()))
    assert isinstance(strategy, Recorder)
    assert isinstance(data, ZerodhaDataClient)
    assert isinstance(execution, ZerodhaExecutionClient)
    return strategy, data, execution


def _holder(execution: ZerodhaExecutionClient) -> TokenHolder:
    return execution._holder


@pytest.fixture(autouse=True)
def _reset_script() -> None:
    SCRIPT["token"] = None
    SCRIPT["calls"] = []


def test_connect_retries_reads_after_server_errors(sim_factory: Any, tmp_path: Path) -> None:
    sim = sim_factory()
    atm = _atm(sim)
    answer = httpx.post(
        f"{sim.url}/admin/faults",
        json={"http_5xx": 0.5, "seed": 11},
        headers={"X-Sim-Admin-Key": sim.admin_key},
        timeout=60.0,
    )
    answer.raise_for_status()
    node = build_node(sim, str(tmp_path), RecorderConfig(quotes=(str(atm),)))

    async def act(node: TradingNode) -> None:
        strategy, data, execution = _clients(node)
        assert data.is_connected
        assert execution.is_connected
        assert execution._http.counts["read_retries"] > 0  # the faults did hit connect
        await admin(sim, "faults", {"profile": "none"})
        await eventually(lambda: len(strategy.quotes) >= 1, what="quotes")
        lot = int(node.kernel.cache.instrument(atm).lot_size.as_double())
        order = strategy.order_factory.market(atm, OrderSide.BUY, Quantity.from_int(lot))
        strategy.submit_order(order)
        await eventually(lambda: order.status == OrderStatus.FILLED, what="a fill")

    run(node, act)


def test_a_broker_that_stays_down_fails_the_read_naming_the_cause(sim_factory: Any) -> None:
    sim = sim_factory()
    httpx.post(
        f"{sim.url}/admin/faults",
        json={"http_5xx": 1.0},
        headers={"X-Sim-Admin-Key": sim.admin_key},
        timeout=60.0,
    ).raise_for_status()

    async def main() -> None:
        kite = KiteConnectionConfig(rest_url=sim.url, ticker_url=sim.ws_url)
        http = get_http_client(kite, asyncio.get_running_loop())
        start = asyncio.get_running_loop().time()
        try:
            with pytest.raises(KiteServerError, match=r"GET /user/margins failed \d+ times.*503"):
                await http.request("GET", "/user/margins", retry_for=1.5)
        finally:
            await http.close()
        assert asyncio.get_running_loop().time() - start < 5.0

    asyncio.run(main())


def test_a_fast_provider_is_asked_once_for_a_burst(sim_factory: Any, tmp_path: Path) -> None:
    sim = sim_factory()
    atm = _atm(sim)
    node = build_node(
        sim,
        str(tmp_path),
        RecorderConfig(quotes=(str(atm),)),
        kite_extra={"token_provider": "kite_node:scripted_provider"},
    )

    async def act(node: TradingNode) -> None:
        strategy, _, execution = _clients(node)
        holder = _holder(execution)
        await eventually(lambda: len(strategy.quotes) >= 1, what="quotes")
        lot = int(node.kernel.cache.instrument(atm).lot_size.as_double())
        await admin(sim, "expire_tokens")
        kite = KiteConnect(sim.api_key, root=sim.url)
        session = await asyncio.to_thread(kite.generate_session, "fresh", sim.api_secret)
        SCRIPT["token"] = session["access_token"]  # the provider answers at once
        # Errors spread over 300 ms: the renewal ends before the later ones arrive.
        await admin(sim, "faults", {"latency_ms": 300, "seed": 3})
        orders = [
            strategy.order_factory.market(atm, OrderSide.BUY, Quantity.from_int(lot))
            for _ in range(3)
        ]
        for order in orders:
            strategy.submit_order(order)
        await eventually(lambda: all(o.is_closed for o in orders), what="orders during expiry")
        await eventually(lambda: holder.renewals >= 1 and not holder.expired, what="renewal")
        assert any(o.status == OrderStatus.REJECTED for o in orders)
        assert len(SCRIPT["calls"]) == 1, SCRIPT["calls"]
        assert holder.renewals == 1

    run(node, act)


def test_a_failing_provider_is_asked_once_and_says_why(sim_factory: Any, tmp_path: Path) -> None:
    sim = sim_factory()
    atm = _atm(sim)
    node = build_node(
        sim,
        str(tmp_path),
        RecorderConfig(quotes=(str(atm),)),
        kite_extra={"token_provider": "kite_node:scripted_provider"},
    )

    async def act(node: TradingNode) -> None:
        strategy, _, execution = _clients(node)
        holder = _holder(execution)
        await eventually(lambda: len(strategy.quotes) >= 1, what="quotes")
        lot = int(node.kernel.cache.instrument(atm).lot_size.as_double())
        await admin(sim, "expire_tokens")
        for _ in range(4):  # one after the other, each after the last was refused
            order = strategy.order_factory.market(atm, OrderSide.BUY, Quantity.from_int(lot))
            strategy.submit_order(order)
            await eventually(lambda o=order: o.is_closed, what="a refused order")  # type: ignore[misc]
            await eventually(lambda: holder.last_failure is not None, what="failed renewal")
        rejected = [e for e in strategy.events if isinstance(e, OrderRejected)]
        assert len(rejected) == 4
        assert all(e.reason == TOKEN_REASON for e in rejected)
        assert len(SCRIPT["calls"]) == 1, SCRIPT["calls"]
        failure = str(holder.last_failure)
        assert "RuntimeError: login page down" in failure
        assert sim.api_secret not in failure
        assert "***" in failure

    run(node, act)


def test_accepted_reaches_the_strategy_once_after_lost_answers(
    sim_factory: Any, tmp_path: Path
) -> None:
    sim = sim_factory()
    atm = _atm(sim)
    node = build_node(
        sim,
        str(tmp_path),
        RecorderConfig(quotes=(str(atm),)),
        # Nautilus queries an order left SUBMITTED for 0.5 s and accepts it itself.
        engine_extra={
            "inflight_check_interval_ms": 500,
            "inflight_check_threshold_ms": 500,
            "reconciliation_startup_delay_secs": 0.1,
        },
    )

    async def act(node: TradingNode) -> None:
        strategy, _, execution = _clients(node)
        await eventually(lambda: len(strategy.quotes) >= 1, what="quotes")
        quote = strategy.quotes[-1]
        lot = int(node.kernel.cache.instrument(atm).lot_size.as_double())
        low = Price(max(0.05, round(quote.bid_price.as_double() * 0.85, 1)), 2)
        await admin(sim, "faults", {"lost_response": 1.0, "lost_response_hold_s": 3.0})
        orders = [
            strategy.order_factory.limit(atm, OrderSide.BUY, Quantity.from_int(lot), low)
            for _ in range(4)
        ]
        for order in orders:
            strategy.submit_order(order)
        await eventually(
            lambda: all(o.status == OrderStatus.ACCEPTED for o in orders),
            30,
            "accepted",
        )
        await admin(sim, "faults", {"profile": "none"})
        tracked = [execution._orders[b] for b in execution._orders]
        engine = node.kernel.exec_engine
        await eventually(
            lambda: all(t.accepted and not t.placing for t in tracked) and engine.evt_qsize() == 0,
            30,
            "the client's own view",
        )
        assert execution.counts["found_by_tag"] >= 1  # the answers were indeed lost
        accepted = Counter(
            e.client_order_id for e in strategy.events if isinstance(e, OrderAccepted)
        )
        assert accepted == Counter({o.client_order_id: 1 for o in orders})

    run(node, act)


def test_position_report_average_is_the_opening_sides(sim_factory: Any, tmp_path: Path) -> None:
    sim = sim_factory()
    atm = _atm(sim)
    node = build_node(sim, str(tmp_path), RecorderConfig(quotes=(str(atm),)))

    async def act(node: TradingNode) -> None:
        strategy, _, execution = _clients(node)
        await eventually(lambda: len(strategy.quotes) >= 1, what="quotes")
        lot = int(node.kernel.cache.instrument(atm).lot_size.as_double())
        buy = strategy.order_factory.market(atm, OrderSide.BUY, Quantity.from_int(2 * lot))
        strategy.submit_order(buy)
        await eventually(lambda: buy.status == OrderStatus.FILLED, what="the buy")
        sell = strategy.order_factory.market(atm, OrderSide.SELL, Quantity.from_int(lot))
        strategy.submit_order(sell)
        await eventually(lambda: sell.status == OrderStatus.FILLED, what="the partial close")
        (position,) = node.kernel.cache.positions_open(instrument_id=atm)
        assert position.avg_px_open != sell.avg_px  # a net average would differ
        (report,) = await execution.generate_position_status_reports(
            GeneratePositionStatusReports(
                instrument_id=atm,
                start=None,
                end=None,
                command_id=UUID4(),
                ts_init=0,
            )
        )
        assert report.quantity == Quantity.from_int(lot)
        assert report.avg_px_open is not None
        assert float(report.avg_px_open) == pytest.approx(position.avg_px_open, abs=1e-6)

    run(node, act)
