"""The ticker WebSocket: the official KiteTicker, and protocol details with a raw client."""

from __future__ import annotations

import json
import subprocess
import sys
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import pytest
from kiteconnect import KiteConnect, KiteTicker
from sim_helpers import login, nifty_option, wait_for
from websockets.exceptions import ConnectionClosed, InvalidStatus
from websockets.sync.client import connect

from nautilus_options.simulator import KiteSimulator

CLIENT = Path(__file__).with_name("ticker_client.py")
PARSER = KiteTicker("k", "t")


def ws(sim: KiteSimulator, kite: KiteConnect) -> Any:
    return connect(
        f"{sim.ws_url}/?api_key={sim.api_key}&access_token={kite.access_token}", open_timeout=10
    )


@pytest.mark.slow
def test_official_kiteticker_receives_ticks_and_order_updates(
    sim: KiteSimulator, kite: KiteConnect
) -> None:
    option = nifty_option(kite)
    tokens = [str(option["instrument_token"]), "256265"]
    process = subprocess.Popen(
        [sys.executable, str(CLIENT), sim.ws_url, sim.api_key, kite.access_token, *tokens],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    events: list[dict[str, Any]] = []
    try:
        for line in process.stdout:
            events.append(json.loads(line))
            if events[-1]["event"] == "ticks" and not any(e["event"] == "order" for e in events):
                key = f"NFO:{option['tradingsymbol']}"
                ask = kite.quote(key)[key]["depth"]["sell"][0]["price"]
                kite.place_order(
                    "regular", "NFO", option["tradingsymbol"], "BUY", 65, "NRML", "LIMIT", price=ask
                )
            if events[-1]["event"] in ("order", "exit"):
                break
    finally:
        process.wait(timeout=40)
        process.stdout.close()
    kinds = [e["event"] for e in events]
    assert kinds[0] == "connect"
    ticks = [e for e in events if e["event"] == "ticks"]
    assert (ticks and "full" in ticks[0]["modes"]) or "quote" in ticks[0]["modes"]
    orders = [e for e in events if e["event"] == "order"]
    assert orders
    assert orders[0]["status"] in ("OPEN", "COMPLETE", "UPDATE")


def test_bad_token_is_refused_at_the_upgrade(sim: KiteSimulator) -> None:
    with pytest.raises(InvalidStatus) as info:
        connect(f"{sim.ws_url}/?api_key={sim.api_key}&access_token=wrong", open_timeout=10)
    assert info.value.response.status_code == 403


def test_subscribe_modes_heartbeat_and_order_messages(
    sim: KiteSimulator, kite: KiteConnect
) -> None:
    option = nifty_option(kite, "PE")
    token = option["instrument_token"]
    with ws(sim, kite) as socket:
        socket.send(json.dumps({"a": "subscribe", "v": [token, 256265]}))
        modes: set[str] = set()

        def frame_modes() -> set[str]:
            message = socket.recv(timeout=10)
            if isinstance(message, bytes) and len(message) > 1:
                modes.update(t["mode"] for t in PARSER._parse_binary(message))
            return modes

        assert wait_for(lambda: "quote" in frame_modes())
        socket.send(json.dumps({"a": "mode", "v": ["full", [token]]}))
        assert wait_for(lambda: "full" in frame_modes())
        socket.send(json.dumps({"a": "mode", "v": ["ltp", [token, 256265]]}))
        modes.clear()
        wait_for(lambda: frame_modes() == {"ltp"})
        key = f"NFO:{option['tradingsymbol']}"
        ask = kite.quote(key)[key]["depth"]["sell"][0]["price"]
        order_id = kite.place_order(
            "regular", "NFO", option["tradingsymbol"], "BUY", 65, "NRML", "LIMIT", price=ask
        )

        def order_message() -> dict[str, Any] | None:
            message = socket.recv(timeout=10)
            if isinstance(message, str):
                data = json.loads(message)
                if data["type"] == "order" and data["data"]["order_id"] == order_id:
                    return data["data"]  # type: ignore[no-any-return]
            return None

        update = wait_for(order_message)
        assert {"checksum", "user_id", "unfilled_quantity", "status"} <= set(update)
        socket.send(json.dumps({"a": "unsubscribe", "v": [token, 256265]}))
        assert wait_for(lambda: socket.recv(timeout=10) == b"\x00")  # heartbeat while idle


def test_at_most_three_connections_per_api_key(sim: KiteSimulator) -> None:
    kite = login(sim)
    with ExitStack() as stack:
        for _ in range(3):
            stack.enter_context(ws(sim, kite))
        wait_for(lambda: sim.call(lambda core: core.hub.count(sim.api_key)) >= 3)
        with ws(sim, kite) as fourth:
            message = json.loads(fourth.recv(timeout=10))
            assert message["type"] == "error"
            assert "3 connections" in message["data"]
            with pytest.raises(ConnectionClosed):
                fourth.recv(timeout=10)
    wait_for(lambda: sim.call(lambda core: core.hub.count(sim.api_key)) == 0)


def test_subscription_limit(sim: KiteSimulator, kite: KiteConnect) -> None:
    with ws(sim, kite) as socket:
        socket.send(json.dumps({"a": "subscribe", "v": list(range(1, 3002))}))

        def error() -> str | None:
            message = socket.recv(timeout=10)
            return message if isinstance(message, str) and '"error"' in message else None

        assert "3000" in wait_for(error)


def test_an_over_limit_subscription_is_applied_not_at_all(
    sim: KiteSimulator, kite: KiteConnect
) -> None:
    token = nifty_option(kite)["instrument_token"]
    with ws(sim, kite) as socket:
        socket.send(json.dumps({"a": "subscribe", "v": [token, *range(1, 3001)]}))

        def error() -> str | None:
            message = socket.recv(timeout=10)
            return message if isinstance(message, str) and '"error"' in message else None

        assert "3000" in wait_for(error)

        def subscribed() -> int:
            return sim.call(lambda core: sum(len(c.modes) for c in core.hub.connections))  # type: ignore[no-any-return]

        assert subscribed() == 0
        socket.send(json.dumps({"a": "subscribe", "v": [token]}))  # within the limit: applied
        wait_for(lambda: subscribed() == 1)
