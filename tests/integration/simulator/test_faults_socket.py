"""Faults over the real socket, as configured: latency, dropped and stalled tickers, and
duplicated and out-of-order order updates; every rate class; positions across a restart."""

from __future__ import annotations

import contextlib
import json
import time
from pathlib import Path
from typing import Any

import pytest
from kiteconnect import KiteConnect
from kiteconnect import exceptions as kex
from sim_helpers import FAST, admin, login, nifty_option, wait_for
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import ClientConnection, connect

from nautilus_options.simulator import FaultConfig, KiteSimulator, SimulatorConfig


def ticker(sim: KiteSimulator, kite: KiteConnect) -> ClientConnection:
    url = f"{sim.ws_url}/?api_key={sim.api_key}&access_token={kite.access_token}"
    return connect(url, open_timeout=10)


def buy(kite: KiteConnect, option: dict[str, Any], **extra: Any) -> str:
    key = f"NFO:{option['tradingsymbol']}"
    ask = kite.quote(key)[key]["depth"]["sell"][0]["price"]
    return str(
        kite.place_order(
            "regular", "NFO", option["tradingsymbol"], "BUY", 65, "NRML", "LIMIT", price=ask + 5,
            **extra,
        )
    )  # fmt: skip


def order_updates(socket: ClientConnection, order_id: str, seconds: float) -> list[str]:
    """Statuses of ``order_id``'s updates received within ``seconds``, in arrival order."""
    statuses: list[str] = []
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            message = socket.recv(timeout=max(0.01, deadline - time.monotonic()))
        except TimeoutError:
            break
        if isinstance(message, str):
            data = json.loads(message)
            if data["type"] == "order" and data["data"]["order_id"] == order_id:
                statuses.append(data["data"]["status"])
    return statuses


def test_added_latency_delays_every_call(sim: KiteSimulator) -> None:
    kite = login(sim)
    admin(sim, "faults", {"latency_ms": 400, "seed": 1})
    started = time.monotonic()
    for _ in range(6):
        kite.profile()
    slow = time.monotonic() - started
    admin(sim, "faults", {"latency_ms": 0})
    assert slow > 0.3  # six draws of uniform(0, 0.4 s)


def test_duplicated_and_reordered_order_updates(sim: KiteSimulator) -> None:
    kite = login(sim)
    option = nifty_option(kite, "CE", 2)
    with ticker(sim, kite) as socket:
        admin(sim, "faults", {"duplicate_update": 1.0})
        order_id = buy(kite, option)
        statuses = order_updates(socket, order_id, 3.0)
        admin(sim, "faults", {"duplicate_update": 0})
        assert statuses
        assert all(statuses.count(s) >= 2 for s in set(statuses))

        admin(sim, "faults", {"reorder_update": 1.0, "seed": 2})
        order_id = buy(kite, option)
        statuses = order_updates(socket, order_id, 3.0)
        admin(sim, "faults", {"reorder_update": 0})
        assert "COMPLETE" in statuses
        in_order = sorted(statuses, key=["OPEN", "UPDATE", "COMPLETE"].index)
        assert statuses != in_order  # an update was held back and sent after the next one


def test_dropped_socket_is_closed_by_the_server() -> None:
    config = SimulatorConfig(faults=FaultConfig(drop_socket=1.0), **FAST)  # type: ignore[arg-type]
    with KiteSimulator(config) as sim, ticker(sim, login(sim)) as socket:

        def read_until_closed() -> None:
            for _ in range(200):
                socket.recv(timeout=10)

        with pytest.raises(ConnectionClosed) as info:
            read_until_closed()
        assert info.value.rcvd is not None
        assert info.value.rcvd.code == 1011


def test_stalled_socket_sends_nothing_yet_stays_open() -> None:
    faults = FaultConfig(stall_socket=1.0, stall_s=2.5)
    config = SimulatorConfig(faults=faults, heartbeat_interval=0.2, **FAST)  # type: ignore[arg-type]
    with KiteSimulator(config) as sim:
        kite = login(sim)
        with ticker(sim, kite) as socket:
            wait_for(lambda: sim.call(lambda c: any(x.stalled_until for x in c.hub.connections)))
            socket.recv(timeout=5)  # whatever was already in flight

            def read_while_sent() -> None:
                while True:
                    socket.recv(timeout=1.0)

            with pytest.raises(TimeoutError):  # no frame, no heartbeat for a second
                read_while_sent()
            admin(sim, "faults", {"stall_socket": 0})
            assert socket.recv(timeout=10)  # the same connection resumes: it was open
            socket.send(json.dumps({"a": "subscribe", "v": [256265]}))


@pytest.mark.parametrize(
    ("call", "allowed"),
    [
        ("quote", 1),
        ("historical", 3),
        ("other", 10),
        ("orders", 10),
    ],
)
def test_each_rate_class_refuses_past_its_limit(call: str, allowed: int) -> None:
    with KiteSimulator(SimulatorConfig(session="always")) as sim:
        kite = login(sim)
        requests_of = {
            "quote": lambda: kite.ltp("NSE:NIFTY 50"),
            "historical": lambda: kite.historical_data(256265, "2026-01-01", "2026-01-02", "day"),
            "other": kite.profile,
            "orders": lambda: kite.place_order(
                "regular", "NFO", "NOPE", "BUY", 65, "NRML", "LIMIT", price=1
            ),
        }
        request = requests_of[call]
        frozen = sim.call(lambda core: core.clock.now_ns())
        sim.call(lambda core: setattr(core.clock, "now_ns", lambda: frozen))  # one instant
        for _ in range(allowed):
            with contextlib.suppress(kex.InputException):  # refused orders still count
                request()
        with pytest.raises(kex.NetworkException) as info:
            request()
        assert info.value.code == 429


def test_orders_are_limited_to_200_a_minute() -> None:
    with KiteSimulator(SimulatorConfig(session="always")) as sim:
        kite = login(sim)
        base = sim.call(lambda core: core.clock.now_ns())
        placed, refused = 0, []
        for second in range(25):
            sim.call(lambda core, s=second: setattr(core.clock, "now_ns", lambda: base + s * 10**9))
            for _ in range(10):
                try:
                    kite.place_order("regular", "NFO", "NOPE", "BUY", 65, "NRML", "LIMIT", price=1)
                except kex.InputException:
                    placed += 1
                except kex.NetworkException as exc:
                    refused.append(exc.code)
        assert placed == 200  # 20 seconds of 10, then the minute is full
        assert set(refused) == {429}


def test_state_file_keeps_positions_and_cash(tmp_path: Path) -> None:
    state = tmp_path / "state.json"
    config = SimulatorConfig(state_file=state, **FAST)  # type: ignore[arg-type]
    with KiteSimulator(config) as sim:
        kite = login(sim)
        option = nifty_option(kite, "CE", 1)
        order_id = buy(kite, option)
        wait_for(lambda: kite.order_history(order_id)[-1]["status"] == "COMPLETE")
        position = kite.positions()["net"][0]
        cash = kite.margins("equity")["available"]["live_balance"]
        token = kite.access_token
    with KiteSimulator(config) as again:
        kite = KiteConnect(again.api_key, access_token=token, root=again.url)
        after = kite.positions()["net"][0]
        assert (after["tradingsymbol"], after["quantity"]) == (option["tradingsymbol"], 65)
        assert after["average_price"] == position["average_price"]
        assert after["buy_value"] == position["buy_value"]
        assert kite.margins("equity")["available"]["live_balance"] == pytest.approx(cash, abs=1e-6)
