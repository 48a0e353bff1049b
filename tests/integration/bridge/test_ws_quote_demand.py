"""Quotes of chosen instruments: the hub tells the node which instruments sockets want (over
real sockets), bounded per socket; and a paper node streams quotes of an instrument nobody
holds once a socket asks for it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from bridge_node import bridge_node
from bridge_node import wait_for as wait_until
from websockets.sync.client import connect
from ws_harness import StreamReader, serving, wait_for

from nautilus_options.bridge.stream import EventHub

CALL = "NIFTY260108C24000.NFO"
PUT = "NIFTY260108P24000.NFO"
INDEX = "NIFTY.NSE"
BOGUS = "BOGUS99.NFO"


def test_the_node_is_told_which_instruments_sockets_want_quotes_of() -> None:
    hub = EventHub(epoch="e", max_instruments=3)
    demands: list[frozenset[str]] = []
    hub.on_quote_demand(demands.append)
    with serving(hub) as url:
        with StreamReader(url) as first, StreamReader(url) as second:
            first.start(["quotes"], instruments=[CALL])
            second.start(["orders"], instruments=[PUT])  # no quotes topic: wants none
            first.until("snapshot")
            second.until("snapshot")
            wait_for(lambda: demands[-1:] == [frozenset({CALL})], "the first socket's demand")
            second.send(type="subscribe", topics=["quotes"])
            wait_for(lambda: demands[-1:] == [frozenset({CALL, PUT})], "both sockets' demand")
            too_many = [f"NIFTY260108C{strike}.NFO" for strike in (24100, 24200, 24300)]
            first.send(type="subscribe", instruments=too_many)
            refused = first.until("error")
            assert refused["message"].startswith("instruments: at most 3 per socket")
            first.send(type="unsubscribe", instruments=[CALL])
            wait_for(lambda: demands[-1:] == [frozenset({PUT})], "the unsubscription")
        wait_for(lambda: demands[-1:] == [frozenset()], "the sockets to close")


def test_a_paper_node_streams_quotes_of_an_instrument_nobody_holds(tmp_path: Path) -> None:
    with bridge_node(tmp_path) as node:
        chain = wait_until(lambda: (c := node.client.get("/chain").json())["spot"] and c, "spot")
        held = {p["instrument_id"] for p in node.client.get("/positions").json()}
        # the lowest put of the chain that no spread holds
        far = next(
            row["put"]["instrument_id"]
            for row in chain["rows"]
            if row["put"] and row["put"]["instrument_id"] not in held
        )
        token = node.client.headers["Authorization"].split()[1]
        ws_url = node.url.replace("http://", "ws://") + "/ws"
        with connect(ws_url, open_timeout=30) as socket:
            socket.send(json.dumps({"type": "auth", "token": token}))
            subscribe = {"type": "subscribe", "topics": ["quotes"], "instruments": [far]}
            socket.send(json.dumps(subscribe))

            def quote() -> dict[str, Any] | None:
                for message in json.loads(socket.recv(timeout=30)):
                    if message["type"] == "event" and message["topic"] == "quotes":
                        return dict(message["data"])
                return None

            first = wait_until(quote, f"a quote of {far}")
            assert first["instrument_id"] == far
            assert 0 < first["bid"] <= first["ask"]
            assert wait_until(quote, "a later quote")["instrument_id"] == far


def test_index_trades_arrive_as_quotes_and_unknown_instruments_are_refused(
    tmp_path: Path,
) -> None:
    with bridge_node(tmp_path) as node:
        wait_until(lambda: node.client.get("/chain").json()["spot"], "the index's spot")
        with StreamReader(node.url.replace("http://", "ws://") + "/ws") as reader:
            reader.start(["quotes"], instruments=[INDEX, BOGUS], token=node.token("read"))
            refused = reader.until("error")
            assert (
                refused["message"] == f"instruments: unknown to the node, not subscribed: {BOGUS}"
            )
            assert reader.until("subscribed")["instruments"] == [INDEX]
            while True:
                message = reader.until("event")
                if message["topic"] == "quotes" and message["data"]["instrument_id"] == INDEX:
                    break
        quote = message["data"]
        assert quote["bid"] == quote["ask"] > 0
