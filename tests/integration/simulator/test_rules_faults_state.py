"""Exchange rules, rate limits, faults, expiry and the state file, over loopback."""

from __future__ import annotations

from pathlib import Path

import pytest
import requests
from kiteconnect import KiteConnect
from kiteconnect import exceptions as kex
from sim_helpers import FAST, admin, login, nifty_option, wait_for

from nautilus_options.domain.nse import expiry_ns
from nautilus_options.simulator import FaultConfig, KiteSimulator, SimulatorConfig


def place(kite: KiteConnect, symbol: str, **overrides: object) -> str:
    args: dict[str, object] = {
        "variety": "regular",
        "exchange": "NFO",
        "tradingsymbol": symbol,
        "transaction_type": "BUY",
        "quantity": 65,
        "product": "NRML",
        "order_type": "LIMIT",
        "price": 1.0,
    }
    args.update(overrides)
    return str(kite.place_order(**args))


def test_each_rule_is_refused_in_kites_words(kite: KiteConnect) -> None:
    symbol = nifty_option(kite)["tradingsymbol"]
    cases = [
        ({"quantity": 70}, kex.InputException, "multiple of lot size 65"),
        ({"price": 1.03}, kex.InputException, "Tick size for this script is 0.05"),
        ({"quantity": 65 * 28}, kex.InputException, "freeze limit of 1800"),
        ({"order_type": "MARKET", "price": None}, kex.InputException, "market protection"),
        (
            {"order_type": "MARKET", "price": None, "market_protection": 0},
            kex.InputException,
            "market protection",
        ),
        ({"tradingsymbol": "NIFTY26D0199999CE"}, kex.InputException, "expired or does not exist"),
        ({"tag": "x" * 21}, kex.InputException, "tag"),
    ]
    for overrides, kind, text in cases:
        with pytest.raises(kind) as info:
            place(kite, symbol, **overrides)
        assert text in str(info.value), overrides
        assert info.value.code == 400


def test_band_breach_and_margin(kite: KiteConnect) -> None:
    option = nifty_option(kite, "CE", -3)
    key = f"NFO:{option['tradingsymbol']}"
    last = kite.ltp(key)[key]["last_price"]
    high = round(last + max(25.0, last * 0.5), 1)
    order_id = place(kite, option["tradingsymbol"], price=high)
    final = kite.order_history(order_id)[-1]
    assert final["status"] == "REJECTED"
    assert "upper circuit limit" in final["status_message"]
    with pytest.raises(kex.GeneralException) as info:  # MarginException has no class: General
        place(
            kite,
            option["tradingsymbol"],
            transaction_type="SELL",
            quantity=1755,
            price=round(last, 1),
        )
    assert info.value.code == 400
    assert str(info.value).startswith("Insufficient funds. Required margin is")


def test_autoslice(kite: KiteConnect) -> None:
    option = nifty_option(kite, "CE", 3)
    data = kite.place_autoslice_order(
        "regular", "NFO", option["tradingsymbol"], "BUY", 65 * 30, "NRML", "LIMIT", price=0.05
    )
    assert isinstance(data["order_id"], str)
    assert len(data["children"]) == 2
    child = kite.order_history(data["children"][1]["order_id"])[-1]
    assert child["quantity"] == 195
    assert "autoslice" in child["tags"]


def test_quote_rate_limit_answers_429() -> None:
    with KiteSimulator(SimulatorConfig(session="always")) as sim:
        kite = login(sim)
        kite.ltp("NSE:NIFTY 50")
        with pytest.raises(kex.NetworkException) as info:
            kite.ltp("NSE:NIFTY 50")
        assert info.value.code == 429
        assert str(info.value) == "Too many requests"
        assert kite.profile()  # another class is unaffected


def test_faults_happen_as_configured(sim: KiteSimulator) -> None:
    kite = login(sim)
    admin(sim, "faults", {"http_429": 1.0})
    with pytest.raises(kex.NetworkException) as info:
        kite.profile()
    assert info.value.code == 429
    admin(sim, "faults", {"http_429": 0, "http_5xx": 1.0})
    with pytest.raises(kex.NetworkException) as info:
        kite.profile()
    assert info.value.code == 503
    admin(sim, "faults", {"http_5xx": 0, "exchange_reject": 1.0})
    order_id = place(kite, nifty_option(kite)["tradingsymbol"])
    assert kite.order_history(order_id)[-1]["status"] == "REJECTED"
    admin(sim, "faults", {"exchange_reject": 0, "lost_response": 1.0, "lost_response_hold_s": 3})
    slow = login(sim, timeout=1)
    with pytest.raises(requests.exceptions.ReadTimeout):
        place(slow, nifty_option(kite)["tradingsymbol"], tag="lost-1")
    admin(sim, "faults", {"lost_response": 0})
    assert any(o["tag"] == "lost-1" for o in kite.orders())  # placed, reply never arrived
    hooked: list[bool] = []
    kite.set_session_expiry_hook(lambda: hooked.append(True))
    assert admin(sim, "expire_tokens")["expired"] >= 1
    with pytest.raises(kex.TokenException) as token_info:
        kite.profile()
    assert token_info.value.code == 403
    assert hooked == [True]


def test_admin_needs_its_key(sim: KiteSimulator) -> None:
    response = requests.post(f"{sim.url}/admin/faults", json={"http_429": 1}, timeout=10)
    assert response.status_code == 403
    assert response.json()["error_type"] == "PermissionException"


def test_unknown_route_keeps_the_envelope(sim: KiteSimulator) -> None:
    response = requests.get(f"{sim.url}/nope", timeout=10)
    assert response.status_code == 404
    assert response.json() == {
        "status": "error",
        "message": "Route not found",
        "data": None,
        "error_type": "GeneralException",
    }


def test_expiry_settles_on_the_index_close() -> None:
    config = SimulatorConfig(underlyings=("NIFTY",), expiries=1, strikes_each_side=3, **FAST)  # type: ignore[arg-type]
    with KiteSimulator(config) as sim:
        kite = login(sim)
        option = nifty_option(kite)
        key = f"NFO:{option['tradingsymbol']}"
        ask = kite.quote(key)[key]["depth"]["sell"][0]["price"]
        place(kite, option["tradingsymbol"], price=ask + 1)
        wait_for(lambda: kite.positions()["net"] and kite.positions()["net"][0]["quantity"] == 65)
        now = sim.call(lambda core: core.clock.now_ns())
        advance = (expiry_ns(option["expiry"]) - now) / 1e9 + 1
        admin(sim, "clock", {"advance_s": advance})
        kite = login(sim)  # the jump passed 06:00 IST: the old token has expired
        settled = wait_for(lambda: sim.call(lambda core: list(core.broker.account.settlements)))
        assert settled[0]["tradingsymbol"] == option["tradingsymbol"]
        intrinsic = max(0.0, settled[0]["index_close"] - option["strike"])
        assert settled[0]["settlement_price"] == pytest.approx(intrinsic, abs=0.01)
        assert kite.positions()["net"][0]["quantity"] == 0


def test_state_file_survives_a_restart(tmp_path: Path) -> None:
    state = tmp_path / "sim-state.json"
    config = SimulatorConfig(state_file=state, faults=FaultConfig(), **FAST)  # type: ignore[arg-type]
    with KiteSimulator(config) as sim:
        kite = login(sim)
        symbol = nifty_option(kite, "PE", 2)["tradingsymbol"]
        key = f"NFO:{symbol}"
        resting = round(round(kite.ltp(key)[key]["last_price"] * 0.7 / 0.05) * 0.05, 2)
        order_id = place(kite, symbol, price=resting, tag="keep")
        token = kite.access_token
    assert state.exists()
    with KiteSimulator(config) as again:
        kite = KiteConnect(again.api_key, access_token=token, root=again.url)
        orders = kite.orders()
        assert [o["order_id"] for o in orders] == [order_id]
        assert orders[0]["tag"] == "keep"
        assert orders[0]["status"] == "OPEN"
        assert kite.cancel_order("regular", order_id) == order_id
        new_id = place(kite, symbol, price=resting)
        assert int(new_id) > int(order_id)
