"""The order book over the synthetic market, driven with explicit times (no server)."""

from __future__ import annotations

from datetime import date, time
from typing import Any

import pytest

from nautilus_options.domain.nse import expiry_ns
from nautilus_options.domain.time import NS_PER_SECOND, ist_ns
from nautilus_options.simulator.config import SimulatorConfig
from nautilus_options.simulator.errors import KiteError
from nautilus_options.simulator.exchange.broker import Broker
from nautilus_options.simulator.faults import FaultConfig, FaultInjector
from nautilus_options.simulator.instruments import Instrument
from nautilus_options.simulator.market.synthetic import SyntheticMarket

NOW = ist_ns(date(2026, 12, 1), time(10, 0))


def make(
    faults: FaultConfig | None = None, balance: float = 1_000_000.0
) -> tuple[Broker, SyntheticMarket, list[dict[str, Any]]]:
    config = SimulatorConfig(
        underlyings=("NIFTY",), expiries=1, strikes_each_side=4, session="always"
    )
    market = SyntheticMarket(config, NOW)
    broker = Broker(
        market,
        FaultInjector(faults or FaultConfig()),
        user_id="U",
        api_key="k",
        api_secret="s",
        opening_balance=balance,
    )
    updates: list[dict[str, Any]] = []
    broker.listeners.append(updates.append)
    return broker, market, updates


def atm(market: SyntheticMarket, right: str = "CE") -> Instrument:
    options = [i for i in market.universe.instruments if i.instrument_type == right]
    return options[len(options) // 2]


def order_form(
    instrument: Instrument, side: str, quantity: int, price: float, **extra: str
) -> dict[str, str]:
    return {
        "exchange": "NFO",
        "tradingsymbol": instrument.tradingsymbol,
        "transaction_type": side,
        "order_type": "LIMIT",
        "quantity": str(quantity),
        "product": "NRML",
        "price": f"{price:.2f}",
        **extra,
    }


def test_marketable_limit_fills_at_the_touch_with_the_status_sequence() -> None:
    broker, market, updates = make()
    option = atm(market)
    ask = market.quotes[option.instrument_token].asks[0]
    order_id = broker.place("regular", order_form(option, "BUY", 65, ask[0]), NOW, True)["order_id"]
    statuses = [row["status"] for row in broker.orders[order_id].history]
    assert statuses == [
        "PUT ORDER REQ RECEIVED",
        "VALIDATION PENDING",
        "OPEN PENDING",
        "OPEN",
        "COMPLETE",
    ]
    assert [u["status"] for u in updates] == ["OPEN", "COMPLETE"]
    assert broker.trades[0].average_price == ask[0]
    assert broker.positions()["net"][0]["quantity"] == 65


def test_partial_fill_against_displayed_size_then_the_rest_later() -> None:
    broker, market, updates = make()
    option = atm(market)
    quote = market.quotes[option.instrument_token]
    price, _shown, orders = quote.asks[0]
    quote.asks[0] = (price, 65, orders)
    order_id = broker.place("regular", order_form(option, "BUY", 195, price + 5), NOW, True)[
        "order_id"
    ]
    order = broker.orders[order_id]
    assert (order.status, order.filled_quantity, order.pending_quantity) == ("OPEN", 65, 130)
    assert updates[-1]["status"] == "UPDATE"
    for k in range(1, 20):
        market.step(NOW + k * NS_PER_SECOND, True)
        quote.asks[:] = [(price, 65, 1)]
        broker.step(NOW + k * NS_PER_SECOND, True, [option.instrument_token])
        if order.status == "COMPLETE":
            break
    assert order.status == "COMPLETE"
    assert [t.quantity for t in broker.trades] == [65, 65, 65]
    assert order.average_price == pytest.approx((price * 65 + (price + 5) * 130) / 195)


def test_price_band_breach_is_rejected_after_validation() -> None:
    broker, market, updates = make()
    option = atm(market)
    reference = market.quotes[option.instrument_token].last_price
    order_id = broker.place(
        "regular",
        order_form(option, "BUY", 65, round(reference + max(25.0, reference * 0.5), 1)),
        NOW,
        True,
    )["order_id"]
    order = broker.orders[order_id]
    assert order.status == "REJECTED"
    assert "upper circuit limit" in (order.status_message or "")
    assert updates[-1]["status"] == "REJECTED"


def test_insufficient_margin_uses_kites_message() -> None:
    broker, market, _ = make(balance=10_000.0)
    option = atm(market, "PE")
    bid = market.quotes[option.instrument_token].bids[0][0]
    with pytest.raises(KiteError) as info:
        broker.place("regular", order_form(option, "SELL", 65, bid), NOW, True)
    assert info.value.error_type == "MarginException"
    assert info.value.message.startswith("Insufficient funds. Required margin is ")
    assert not broker.orders


def test_autoslice_children_are_tagged() -> None:
    broker, market, _ = make()
    option = atm(market)
    bid = market.quotes[option.instrument_token].bids[0][0]
    data = broker.place(
        "regular", order_form(option, "BUY", 65 * 30, bid, autoslice="true"), NOW, True
    )
    assert len(data["children"]) == 2
    child = broker.orders[data["children"][0]["order_id"]]
    assert child.quantity == 1755
    assert f"autoslice:{data['order_id']}" in child.tags


def test_expiry_settles_on_the_index_close_with_exercise_stt() -> None:
    broker, market, _ = make()
    option = atm(market)
    ask = market.quotes[option.instrument_token].asks[0][0]
    broker.place("regular", order_form(option, "BUY", 65, ask), NOW, True)
    assert option.expiry is not None
    after = expiry_ns(option.expiry) + NS_PER_SECOND
    level = market.index_price("NIFTY")
    assert level is not None
    broker.step(after, True, [])
    (event,) = broker.account.settlements
    assert event["index_close"] == level
    assert event["settlement_price"] == pytest.approx(max(0.0, level - option.strike), abs=0.01)
    assert broker.positions()["net"][0]["quantity"] == 0


def test_duplicate_and_reordered_updates() -> None:
    broker, market, updates = make(FaultConfig(duplicate_update=1.0))
    option = atm(market)
    ask = market.quotes[option.instrument_token].asks[0][0]
    broker.place("regular", order_form(option, "BUY", 65, ask), NOW, True)
    assert [u["status"] for u in updates] == ["OPEN", "OPEN", "COMPLETE", "COMPLETE"]
    broker, market, updates = make(FaultConfig(reorder_update=1.0))
    broker.place(
        "regular",
        order_form(atm(market), "BUY", 65, market.quotes[atm(market).instrument_token].asks[0][0]),
        NOW,
        True,
    )
    assert [u["status"] for u in updates] == ["COMPLETE", "OPEN"]
