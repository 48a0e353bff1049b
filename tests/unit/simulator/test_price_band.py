"""One price band for the quote and the orders, following the market; protected fills inside
it; settlement prices and signless zeros in positions (no server, explicit times)."""

from __future__ import annotations

from test_broker import NOW, atm, make, order_form

from nautilus_options.domain.nse import expiry_ns
from nautilus_options.domain.time import NS_PER_SECOND
from nautilus_options.simulator.exchange import rules
from nautilus_options.simulator.exchange.positions import Position
from nautilus_options.simulator.market.state import Quote
from nautilus_options.simulator.routes.market import full_quote

NOW_S = NOW // NS_PER_SECOND


def test_reference_is_a_recent_trade_else_the_mid() -> None:
    quote = Quote(1, last_price=36.1, close=40.0, last_trade_time=NOW_S - 5)
    quote.bids, quote.asks = [(0.45, 65, 1)], [(0.7, 65, 1)]
    assert rules.band_reference(quote, NOW_S) == 36.1
    stale = NOW_S + rules.REFERENCE_TRADE_S
    assert rules.band_reference(quote, stale) == (0.45 + 0.7) / 2
    assert rules.circuit_limits(quote, 0.05, stale) == (0.05, 20.55)
    quote.bids = []
    assert rules.band_reference(quote, stale) == 36.1  # one-sided book: the last price


def test_quoted_limits_are_the_enforced_ones_after_the_market_moved() -> None:
    broker, market, _ = make()
    option = atm(market)
    quote = market.quotes[option.instrument_token]
    now = NOW
    for _ in range(200):  # until the last trade has left the previous close
        now += NS_PER_SECOND
        market.step(now, True)
        if (
            abs(quote.last_price - quote.close) >= 1.0
            and quote.last_trade_time == now // NS_PER_SECOND
        ):
            break
    shown = full_quote(option, quote, now // NS_PER_SECOND)
    low, high = shown["lower_circuit_limit"], shown["upper_circuit_limit"]
    inside = broker.place("regular", order_form(option, "BUY", 65, high), now, True)
    assert broker.orders[inside["order_id"]].status != "REJECTED"
    outside = broker.place("regular", order_form(option, "BUY", 65, high + 0.05), now, True)
    message = broker.orders[outside["order_id"]].status_message or ""
    assert f"upper circuit limit of {high:.2f}" in message
    below = broker.place("regular", order_form(option, "SELL", 65, low - 0.05), now, True)
    assert f"lower circuit limit of {low:.2f}" in (
        broker.orders[below["order_id"]].status_message or ""
    )


def test_a_protected_market_buy_never_fills_outside_the_band() -> None:
    broker, market, _ = make()
    option = atm(market)
    quote = market.quotes[option.instrument_token]
    # A print at 36.10 a moment ago, and a book that has since collapsed to 0.45/0.50.
    quote.last_price, quote.last_trade_time = 36.1, NOW_S
    quote.bids, quote.asks = [(0.45, 650, 3)], [(0.5, 650, 3)]
    low, high = rules.circuit_limits(quote, 0.05, NOW_S)
    assert (low, high) == (16.1, 56.1)
    form = order_form(option, "BUY", 65, 0.0, market_protection="-1")
    form["order_type"] = "MARKET"
    order = broker.orders[broker.place("regular", form, NOW, True)["order_id"]]
    assert low <= order.price <= high
    assert all(low <= t.average_price <= high for t in broker.trades)


def test_settled_positions_show_the_settlement_price() -> None:
    broker, market, _ = make()
    option = atm(market)
    ask = market.quotes[option.instrument_token].asks[0][0]
    broker.place("regular", order_form(option, "BUY", 65, ask), NOW, True)
    assert option.expiry is not None
    broker.step(expiry_ns(option.expiry) + NS_PER_SECOND, True, [])
    (event,) = broker.account.settlements
    (view,) = broker.positions()["net"]
    assert view["last_price"] == event["settlement_price"]
    assert view["pnl"] == view["realised"]


def test_realised_never_prints_as_negative_zero() -> None:
    position = Position("X", "NFO", 1, "NRML")
    position.book("BUY", 260, 22571.25 / 260)
    for view in (position.net_view(133.4, 133.4), position.day_view(133.4, 133.4)):
        assert str(view["realised"]) == "0.0"
        assert all(str(v) != "-0.0" for v in view.values())
