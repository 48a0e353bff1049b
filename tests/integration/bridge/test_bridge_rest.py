"""The bridge over a real paper node on the simulator, over real HTTP: status, strategies,
the chain, manual entry with idempotency keys, spreads, orders, positions, capital, the
trading-state controls and the kill switch (which leaves nothing open)."""

from __future__ import annotations

import json
import signal
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import pytest
from bridge_node import SIMULATOR_STATE, TIMEOUT, BridgeNode, bridge_node, wait_for
from kiteconnect import KiteConnect  # type: ignore[import-untyped]
from kiteconnect.exceptions import NetworkException  # type: ignore[import-untyped]
from websockets.sync.client import connect

from nautilus_options.bridge.app import ENVIRONMENT_HEADER
from nautilus_options.environments.serve import MANUAL_STRATEGY_ID

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def node(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BridgeNode]:
    with bridge_node(tmp_path_factory.mktemp("bridge-node")) as running:
        yield running


def ok(response: httpx.Response, code: int = 200) -> Any:
    assert response.status_code == code, (response.status_code, response.text)
    return response.json()


def test_status_names_the_environment_state_clients_and_data(node: BridgeNode) -> None:
    response = node.client.get("/status")
    assert response.headers[ENVIRONMENT_HEADER] == "paper"
    status = ok(response)
    assert status["environment"] == "paper"
    assert status["trading_state"] == "ACTIVE"
    assert status["kill_switch"] == {"triggered": False, "reason": None, "done": False}
    assert status["data_connected"]
    assert status["exec_connected"]
    assert {c["kind"] for c in status["clients"]} == {"data", "execution"}
    assert status["market_session"]["kind"] == "always"
    assert status["market_session"]["is_open"]
    wait_for(lambda: ok(node.client.get("/status"))["last_data_at"], "market data")


def test_strategies_list_config_stop_and_start(node: BridgeNode) -> None:
    listed = {s["strategy_id"]: s for s in ok(node.client.get("/strategies"))}
    assert {"OptionsSpreadStrategy-000", MANUAL_STRATEGY_ID, "KillSwitch-KILL"} <= set(listed)
    # The kill switch says it is protected (its stop is refused below); the others are not.
    assert [k for k, s in listed.items() if s["protected"]] == ["KillSwitch-KILL"]
    assert listed[MANUAL_STRATEGY_ID]["state"] == "RUNNING"
    config = ok(node.client.get(f"/strategies/{MANUAL_STRATEGY_ID}/config"))
    assert config["config"]["order_id_tag"] == "MANUAL"
    assert "spread-check" in listed[MANUAL_STRATEGY_ID]["timers"]
    stopped = ok(node.client.post(f"/strategies/{MANUAL_STRATEGY_ID}/stop"))
    assert stopped["state"] == "STOPPED"
    assert stopped["timers"] == []
    started = ok(node.client.post(f"/strategies/{MANUAL_STRATEGY_ID}/start"))
    assert started["state"] == "RUNNING"
    assert "spread-check" in started["timers"]  # its checks run again
    assert node.client.get("/strategies/nope/config").status_code == 404
    assert node.client.post("/strategies/KillSwitch-KILL/stop").status_code == 409


def test_chain_has_implied_vols_and_greeks(node: BridgeNode) -> None:
    chain = wait_for(lambda: (c := ok(node.client.get("/chain")))["spot"] and c, "the index price")
    assert chain["underlying"] == "NIFTY"
    priced = [row["call"] for row in chain["rows"] if row["call"] and row["call"]["iv"]]
    assert len(priced) >= 5
    deltas = [quote["delta"] for quote in priced]
    assert all(0 < delta < 1 for delta in deltas)
    assert deltas[0] > 0.5 > deltas[-1]  # in the money to out of it across the band
    other = node.client.get("/chain", params={"underlying": "BANKNIFTY"})
    assert other.status_code == 404
    assert (
        other.json()["detail"]
        == "underlying: the node lists no BANKNIFTY option (no chain to show)"
    )
    later = node.client.get("/chain", params={"expiry": "2099-01-01"})
    assert later.status_code == 404
    assert later.json()["detail"] == "expiry: no NIFTY expiry on 2099-01-01"


def test_preview_prices_a_template_and_refuses_a_naked_short(node: BridgeNode) -> None:
    body = {"template": {"spread_type": "bull_put_credit"}, "lots": 2}
    preview = wait_for(
        lambda: (
            (r := node.client.post("/manual/preview", json=body)).status_code == 200 and r.json()
        ),
        "a previewable spread",
    )
    assert [leg["side"] for leg in preview["legs"]] == ["BUY", "SELL"]
    assert preview["units"] == 2 * preview["lot_size"]
    assert preview["net_premium"] > 0
    assert preview["max_loss"] > 0
    assert len(preview["breakevens"]) == 1
    assert preview["margin"]["total"] > 0
    assert preview["charges_round_trip"] > preview["charges_entry"] > 0
    short = preview["legs"][1]["instrument_id"]
    naked = {"legs": [{"instrument_id": short, "side": "SELL"}] * 2, "lots": 1}
    assert node.client.post("/manual/preview", json=naked).status_code == 422
    legs = {
        "legs": [
            {"instrument_id": short, "side": "SELL"},
            {"instrument_id": preview["legs"][0]["instrument_id"], "side": "SELL"},
        ],
        "lots": 1,
    }
    refused = node.client.post("/manual/preview", json=legs)
    assert refused.status_code == 422
    assert "hedge" in refused.json()["detail"]


def test_submit_is_idempotent_and_opens_hedge_first(node: BridgeNode) -> None:
    body = {
        "template": {"spread_type": "bull_put_credit"},
        "lots": 1,
        "idempotency_key": "test-submit-0001",
    }
    with ThreadPoolExecutor(2) as pool:
        first, second = pool.map(lambda _: node.client.post("/manual/submit", json=body), [0, 1])
    results = [ok(first), ok(second)]
    assert results[0]["spread_id"] == results[1]["spread_id"]
    assert sorted(r["replayed"] for r in results) == [False, True]
    spread_id = results[0]["spread_id"]
    assert spread_id.startswith(f"{MANUAL_STRATEGY_ID}-S")
    retry = ok(node.client.post("/manual/submit", json=body))
    assert retry["replayed"]
    assert retry["spread_id"] == spread_id
    other = {**body, "lots": 2}
    assert node.client.post("/manual/submit", json=other).status_code == 409
    opened = wait_for(
        lambda: (
            (s := ok(node.client.get(f"/manual/submissions/{body['idempotency_key']}")))["status"]
            in ("open", "refused")
            and s
        ),
        "the manual spread to open",
    )
    assert opened["status"] == "open", opened
    assert opened["lots"] == 1
    orders = ok(node.client.get("/orders", params={"spread_id": spread_id}))
    opening = [o for o in orders if "intent=open" in o["tags"]]
    assert len(opening) == 2  # one order per leg: sent once
    first_filled = min(opening, key=lambda o: o["ts_init"])
    assert first_filled["side"] == "BUY"  # the hedge first
    one = ok(node.client.get(f"/orders/{first_filled['client_order_id']}"))
    assert one["status"] == "FILLED"
    assert node.client.post(f"/orders/{one['client_order_id']}/cancel").status_code == 409
    assert node.client.get("/orders/O-unknown").status_code == 404
    created = [o["ts_init"] for o in ok(node.client.get("/orders"))]
    assert created == sorted(created, reverse=True)  # newest first by creation


def test_spreads_positions_capital_and_account(node: BridgeNode) -> None:
    spreads = wait_for(
        lambda: [
            s
            for s in ok(node.client.get("/spreads", params={"open_only": True}))
            if s["strategy_id"] == MANUAL_STRATEGY_ID and s["greeks"]
        ],
        "a marked manual spread",
    )
    spread = spreads[0]
    assert spread["is_open"]
    assert spread["spread_type"] == "bull_put_credit"  # named from its legs
    assert [leg["side"] for leg in spread["legs"]] == ["BUY", "SELL"]
    assert spread["max_loss"] > 0
    assert spread["breakevens"]
    assert spread["unrealized_pnl"] is not None
    assert spread["greeks"]["delta"] > 0  # a bull put spread is long delta
    assert (
        ok(node.client.get(f"/spreads/{spread['spread_id']}"))["spread_id"] == spread["spread_id"]
    )
    positions = ok(node.client.get("/positions", params={"open_only": True}))
    assert {leg["position_id"] for leg in spread["legs"]} <= {p["position_id"] for p in positions}
    capital = ok(node.client.get("/capital"))
    assert capital["initial_capital"] == 1_000_000.0
    assert capital["deployed"] > 0
    assert ok(node.client.get("/capital/history"))[-1] == capital
    accounts = ok(node.client.get("/account"))
    assert accounts
    assert accounts[0]["balances"]


def test_cancelling_a_working_leg_order_unwinds_its_spread(node: BridgeNode) -> None:
    body = {
        "template": {"spread_type": "bull_put_credit"},
        "lots": 1,
        "idempotency_key": "cancel-0001",
    }
    spread_id = ok(node.client.post("/manual/submit", json=body))["spread_id"]
    params = {"spread_id": spread_id, "open_only": True}
    working = wait_for(lambda: ok(node.client.get("/orders", params=params)), "a working order")
    order_id = working[0]["client_order_id"]
    canceled = ok(node.client.post(f"/orders/{order_id}/cancel"))
    assert canceled["client_order_id"] == order_id
    final = wait_for(
        lambda: (
            (o := ok(node.client.get(f"/orders/{order_id}")))["status"] in ("CANCELED", "FILLED")
            and o
        ),
        "the cancel to be answered",
    )
    assert final["status"] == "CANCELED", final  # it rests for seconds between re-pricings
    closed = wait_for(
        lambda: (
            (s := ok(node.client.get(f"/manual/submissions/{body['idempotency_key']}")))["status"]
            == "closed"
            and s
        ),
        "the spread to unwind",
    )
    assert closed["spread_id"] == spread_id
    assert not ok(node.client.get("/orders", params=params))


def test_reduce_only_refuses_new_spreads_until_resumed(node: BridgeNode) -> None:
    assert ok(node.client.post("/control/reduce"))["trading_state"] == "REDUCING"
    body = {
        "template": {"spread_type": "bull_put_credit"},
        "lots": 1,
        "idempotency_key": "reduce-0001",
    }
    refused = node.client.post("/manual/submit", json=body)
    assert refused.status_code == 409
    assert ok(node.client.post("/control/resume"))["trading_state"] == "ACTIVE"


def test_api_token_scopes_on_the_node(node: BridgeNode) -> None:
    reader = {"Authorization": f"Bearer {node.token('read')}"}
    assert node.client.get("/spreads", headers=reader).status_code == 200
    body = {
        "template": {"spread_type": "bull_put_credit"},
        "lots": 1,
        "idempotency_key": "read-0001",
    }
    assert node.client.post("/manual/submit", json=body, headers=reader).status_code == 403
    trader = {"Authorization": f"Bearer {node.token('trade')}"}
    kill = {"confirm": "KILL", "reason": "not allowed"}
    assert node.client.post("/control/kill", json=kill, headers=trader).status_code == 403


def test_stream_carries_order_fill_and_position_events_in_rest_shapes(node: BridgeNode) -> None:
    ws_url = node.url.replace("http://", "ws://") + "/ws"
    token = node.client.headers["Authorization"].split()[1]
    topics = ["orders", "fills", "positions", "spreads", "status", "capital", "logs"]
    seen: list[dict[str, Any]] = []
    with connect(ws_url, open_timeout=30) as socket:
        socket.send(json.dumps({"type": "auth", "token": token}))
        socket.send(json.dumps({"type": "subscribe", "topics": topics}))

        def receive(until: Callable[[dict[str, Any]], bool]) -> dict[str, Any]:
            def step() -> dict[str, Any] | None:
                for message in json.loads(socket.recv(timeout=30)):
                    seen.append(message)
                    if until(message):
                        return message
                return None

            found: dict[str, Any] = wait_for(step, "a stream message")
            return found

        snapshot = receive(lambda m: m["type"] == "snapshot")
        assert snapshot["data"]["status"]["environment"] == "paper"
        assert "spreads" in snapshot["data"]["spreads"]
        body = {
            "template": {"spread_type": "bear_call_credit"},
            "lots": 1,
            "idempotency_key": "stream-0001",
        }
        spread_id = ok(node.client.post("/manual/submit", json=body))["spread_id"]

        def of_spread(message: dict[str, Any]) -> bool:
            return message["type"] == "event" and f"spread={spread_id}" in message["data"].get(
                "tags", []
            )

        first = receive(of_spread)
        assert first["topic"] == "orders"
        rest = ok(node.client.get(f"/orders/{first['data']['client_order_id']}"))
        assert set(first["data"]) - {"event"} == set(rest)
        fill = receive(lambda m: m["type"] == "event" and m["topic"] == "fills")
        assert fill["data"]["quantity"] > 0
        receive(lambda m: m["type"] == "event" and m["topic"] == "positions")
        typo = {"username": "admin-pass-typo", "password": "wrong-password"}
        assert node.client.post("/auth/login", json=typo).status_code == 401
        failed = receive(lambda m: m["type"] == "event" and m["data"].get("status") == 401)
        assert failed["data"]["subject"] == "anonymous"  # the name tried is not sent on
        assert "admin-pass-typo" not in json.dumps(seen)
    audit = [m["data"] for m in seen if m["type"] == "event" and m["topic"] == "logs"]
    submitted = [a for a in audit if a["action"] == "POST /api/v1/manual/submit"]
    assert submitted
    assert submitted[0]["subject"] == "admin"
    assert submitted[0]["detail"]["idempotency_key"] == "stream-0001"
    sequences = [m["seq"] for m in seen if m["type"] == "event"]
    assert sequences == sorted(sequences)


def test_kill_switch_leaves_no_open_order_or_position(node: BridgeNode) -> None:
    wait_for(lambda: ok(node.client.get("/positions", params={"open_only": True})), "a position")
    assert node.client.post("/control/kill", json={"confirm": "yes"}).status_code == 400
    killed = ok(node.client.post("/control/kill", json={"confirm": "KILL", "reason": "test"}))
    assert killed["kill_switch"]["triggered"]
    assert killed["trading_state"] == "HALTED"  # where it goes once flat
    done = wait_for(
        lambda: (s := ok(node.client.get("/control")))["kill_switch"]["done"] and s,
        "the kill switch to flatten",
    )
    assert done["trading_state"] == "HALTED"
    assert ok(node.client.get("/orders", params={"open_only": True})) == []
    assert ok(node.client.get("/positions", params={"open_only": True})) == []
    # the broker agrees
    session = json.loads((node.out / "paper-token.json").read_text())
    kite = KiteConnect(session["api_key"], root=node.simulator_url)
    kite.set_access_token(session["access_token"])
    orders = wait_for(lambda: _unthrottled(kite.orders), "the broker's orders")
    assert not [o for o in orders if o["status"] in ("OPEN", "TRIGGER PENDING")]
    positions = wait_for(lambda: _unthrottled(kite.positions), "the broker's positions")
    assert positions["net"]
    assert all(p["quantity"] == 0 for p in positions["net"])
    for refused in (
        "/control/resume",
        "/control/reduce",
        f"/strategies/{MANUAL_STRATEGY_ID}/start",
    ):
        assert node.client.post(refused).status_code == 409, refused
    audit = (node.state_dir / "bridge-audit.jsonl").read_text()
    assert '"action": "POST /api/v1/control/kill"' in audit


def test_ctrl_c_says_what_it_does_and_leaves_no_order_working_at_the_broker(
    tmp_path: Path,
) -> None:
    slow_legging = {"reprice_interval_secs": 60.0, "leg_timeout_secs": 120.0}
    with bridge_node(tmp_path, **slow_legging) as node:
        body = {
            "template": {"spread_type": "bull_put_credit"},
            "lots": 1,
            "idempotency_key": "ctrl-c-0001",
        }
        ok(node.client.post("/manual/submit", json=body))
        working = {"open_only": True}
        wait_for(lambda: ok(node.client.get("/orders", params=working)), "a working order")
        node.process.send_signal(signal.SIGINT)
        assert node.process.wait(TIMEOUT) == 0
    log = (tmp_path / "serve.log").read_text()
    assert "Ctrl-C stops, cancels working orders and leaves open spreads" in log
    orders = json.loads((tmp_path / SIMULATOR_STATE).read_text())["orders"]
    assert orders
    assert not [o for o in orders if o["status"] in ("OPEN", "TRIGGER PENDING")], orders


def _unthrottled(call: Callable[[], Any]) -> Any:
    """``call()``, or None when the simulator answered 429 (the node shares its limits)."""
    try:
        return call()
    except NetworkException:
        return None
