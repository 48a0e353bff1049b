"""Every endpoint the project uses, through the official ``kiteconnect`` client."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import requests
from kiteconnect import KiteConnect
from sim_helpers import nifty_option, wait_for

from nautilus_options.simulator import KiteSimulator


def test_login_redirect_and_session(sim: KiteSimulator) -> None:
    response = requests.get(
        f"{sim.url}/connect/login",
        params={"api_key": sim.api_key, "v": "3"},
        allow_redirects=False,
        timeout=10,
    )
    assert response.status_code == 302
    location = response.headers["location"]
    assert "request_token=" in location
    assert "status=success" in location
    request_token = location.split("request_token=")[1].split("&")[0]
    kite = KiteConnect(sim.api_key, root=sim.url)
    data = kite.generate_session(request_token, sim.api_secret)
    for field in (
        "user_id",
        "user_name",
        "user_shortname",
        "email",
        "user_type",
        "broker",
        "access_token",
        "public_token",
        "api_key",
    ):
        assert isinstance(data[field], str), field
    assert isinstance(data["login_time"], datetime)
    assert isinstance(data["exchanges"], list)
    assert "NFO" in data["exchanges"]
    assert kite.access_token == data["access_token"]
    assert kite.profile()["user_id"] == data["user_id"]
    assert kite.invalidate_access_token() is True


def test_instruments_dump(kite: KiteConnect) -> None:
    everything = kite.instruments()
    indices = {r["tradingsymbol"]: r for r in everything if r["segment"] == "INDICES"}
    assert indices["NIFTY 50"]["instrument_token"] == 256265
    assert indices["NIFTY BANK"]["instrument_token"] == 260105
    assert indices["NIFTY 50"]["exchange"] == "NSE"
    options = kite.instruments("NFO")
    assert options
    assert all(r["exchange"] == "NFO" for r in options)
    row = options[0]
    assert isinstance(row["expiry"], date)
    assert row["segment"] == "NFO-OPT"
    assert isinstance(row["strike"], float)
    assert isinstance(row["lot_size"], int)
    assert row["instrument_token"] == int(row["exchange_token"]) * 256 + 2
    assert {r["lot_size"] for r in options if r["name"] == "NIFTY"} == {65}


def test_quotes(kite: KiteConnect) -> None:
    option = nifty_option(kite)
    key = f"NFO:{option['tradingsymbol']}"
    quote = kite.quote(key, "NSE:NIFTY 50", "NFO:NOPE")
    assert set(quote) == {key, "NSE:NIFTY 50"}
    full = quote[key]
    assert isinstance(full["timestamp"], datetime)
    assert isinstance(full["last_price"], float)
    assert len(full["depth"]["buy"]) == 5
    assert set(full["depth"]["buy"][0]) == {
        "price",
        "quantity",
        "orders",
    }
    for field in ("volume", "oi", "buy_quantity", "sell_quantity", "last_quantity"):
        assert isinstance(full[field], int), field
    assert full["lower_circuit_limit"] < full["last_price"] < full["upper_circuit_limit"]
    assert set(kite.ohlc(key)[key]) == {"instrument_token", "last_price", "ohlc"}
    assert set(kite.ltp(key)[key]) == {"instrument_token", "last_price"}


def test_historical_with_oi(kite: KiteConnect) -> None:
    option = nifty_option(kite)
    now = datetime.now() + timedelta(hours=6)
    candles = wait_for(
        lambda: kite.historical_data(
            option["instrument_token"], now - timedelta(days=2), now, "minute", oi=True
        )
    )
    first = candles[0]
    assert set(first) == {"date", "open", "high", "low", "close", "volume", "oi"}
    assert first["date"].utcoffset() == timedelta(hours=5, minutes=30)
    plain = kite.historical_data(option["instrument_token"], now - timedelta(days=2), now, "day")
    assert "oi" not in plain[0]


def test_order_lifecycle_trades_and_positions(kite: KiteConnect) -> None:
    option = nifty_option(kite, "PE", 1)
    symbol = option["tradingsymbol"]
    quote = kite.quote(f"NFO:{symbol}")[f"NFO:{symbol}"]
    bid = quote["depth"]["buy"][0]["price"]
    resting = round(max(0.05, bid - 1.0), 2)
    order_id = kite.place_order(
        "regular", "NFO", symbol, "BUY", 65, "NRML", "LIMIT", price=resting, tag="t1"
    )
    assert isinstance(order_id, str)
    assert len(order_id) == 19
    assert (
        kite.modify_order("regular", order_id, price=round(max(0.05, resting - 0.5), 2)) == order_id
    )
    assert kite.cancel_order("regular", order_id) == order_id
    history = kite.order_history(order_id)
    statuses = [row["status"] for row in history]
    assert statuses[:4] == ["PUT ORDER REQ RECEIVED", "VALIDATION PENDING", "OPEN PENDING", "OPEN"]
    assert "MODIFIED" in statuses
    assert statuses[-1] == "CANCELLED"
    final = history[-1]
    assert isinstance(final["order_timestamp"], datetime)
    assert final["tag"] == "t1"
    assert final["cancelled_quantity"] == 65
    assert final["modified"] is True

    ask = quote["depth"]["sell"][0]["price"]
    filled = kite.place_order(
        "regular", "NFO", symbol, "BUY", 65, "NRML", "MARKET", market_protection=-1
    )
    order = wait_for(
        lambda: next(
            (o for o in kite.orders() if o["order_id"] == filled and o["status"] == "COMPLETE"),
            None,
        )
    )
    assert order["order_type"] == "LIMIT"
    assert "mktp" in order["tags"]
    assert order["average_price"] >= ask * 0.5
    trades = kite.order_trades(filled)
    assert trades
    assert isinstance(trades[0]["trade_id"], str)
    assert isinstance(trades[0]["fill_timestamp"], datetime)
    assert any(t["order_id"] == filled for t in kite.trades())
    positions = kite.positions()
    net = next(p for p in positions["net"] if p["tradingsymbol"] == symbol)
    assert net["quantity"] == 65
    assert net["product"] == "NRML"
    assert {"net", "day"} == set(positions)
    assert kite.holdings() == []


def test_margins_and_contract_note(kite: KiteConnect) -> None:
    funds = kite.margins()
    assert set(funds) == {"equity", "commodity"}
    equity = kite.margins("equity")
    assert isinstance(equity["net"], float)
    assert "span" in equity["utilised"]
    assert "live_balance" in equity["available"]
    short = nifty_option(kite, "CE", 0)
    wing = nifty_option(kite, "CE", 4)
    legs = [
        {
            "exchange": "NFO",
            "tradingsymbol": short["tradingsymbol"],
            "transaction_type": "SELL",
            "variety": "regular",
            "product": "NRML",
            "order_type": "MARKET",
            "quantity": 65,
            "price": 0,
            "trigger_price": 0,
        },
        {
            "exchange": "NFO",
            "tradingsymbol": wing["tradingsymbol"],
            "transaction_type": "BUY",
            "variety": "regular",
            "product": "NRML",
            "order_type": "MARKET",
            "quantity": 65,
            "price": 0,
            "trigger_price": 0,
        },
    ]
    per_order = kite.order_margins(legs)
    assert per_order[0]["span"] > 0
    assert per_order[0]["type"] == "equity"
    assert set(per_order[0]["charges"]) >= {"transaction_tax", "brokerage", "gst", "total"}
    basket = kite.basket_order_margins(legs, consider_positions=False)
    assert basket["final"]["total"] < basket["initial"]["total"]
    assert len(basket["orders"]) == 2
    compact = kite.basket_order_margins(legs, mode="compact")
    assert compact["orders"] == []
    note = kite.get_virtual_contract_note(
        [
            {
                "order_id": "1",
                "exchange": "NFO",
                "tradingsymbol": short["tradingsymbol"],
                "transaction_type": "SELL",
                "variety": "regular",
                "product": "NRML",
                "order_type": "LIMIT",
                "quantity": 65,
                "average_price": 100.0,
            }
        ]
    )
    charges = note[0]["charges"]
    assert charges["brokerage"] == 20.0
    assert charges["transaction_tax"] > 0
    assert charges["total"] > 20.0
