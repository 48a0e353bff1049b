"""The stream's session over real sockets: auth, heartbeats, subscriptions and quotes."""

from __future__ import annotations

import json
import logging

import pytest
from ws_harness import ADMIN, NO_READ, READER, TOKENS, StreamReader, serving

from nautilus_options.bridge.stream import CloseCode, EventHub


def server_log(caplog: pytest.LogCaptureFixture) -> str:
    """What the server side logged (the test's own client logs what it sends)."""
    return "\n".join(
        record.getMessage() for record in caplog.records if not record.name.startswith("websockets")
    )


@pytest.mark.parametrize(
    ("first", "expected"),
    [
        ({"type": "auth", "token": "wrong"}, (4401, "unauthorized: unknown or expired token")),
        ({"type": "auth", "token": NO_READ}, (4403, "forbidden: the read scope is needed")),
        ({"type": "subscribe", "topics": ["orders"]}, (4400, "the first message must be auth")),
        ({"type": "auth"}, (4400, "auth.token: Field required")),
    ],
)
def test_a_socket_without_a_read_token_is_closed_with_the_reason(
    first: dict[str, object], expected: tuple[int, str], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    with serving(EventHub()) as url, StreamReader(url) as reader:
        reader.send(**first)
        assert reader.close_frame() == expected
    assert "stream refused" in server_log(caplog)
    assert "wrong" not in server_log(caplog)


def test_a_socket_is_closed_once_its_token_is_revoked_or_expired() -> None:
    tokens = dict(TOKENS)
    with serving(EventHub(heartbeat_s=0.1), tokens) as url, StreamReader(url) as reader:
        reader.start(["orders"])
        reader.until("heartbeat")
        del tokens[READER]  # revoked, logged out or expired: the authenticator says None
        code, reason = reader.close_frame()  # heartbeats keep coming while it stays open
    assert (code, reason) == (CloseCode.UNAUTHORIZED, "unauthorized: token revoked or expired")


def test_the_audit_records_on_logs_reach_admins_only() -> None:
    hub = EventHub(epoch="e")
    with serving(hub) as url, StreamReader(url) as reader, StreamReader(url) as admin:
        reader.start(["logs", "orders"])
        assert reader.until("subscribed")["topics"] == ["orders"]
        admin.start(["logs", "orders"], token=ADMIN)
        assert admin.until("subscribed")["topics"] == ["orders", "logs"]
        admin.until("snapshot")
        reader.until("snapshot")
        hub.publish("logs", {"source": "audit", "action": "POST /api/v1/control/kill"})
        hub.publish("orders", {"n": 1})
        assert admin.until("event")["topic"] == "logs"
        assert admin.until("event")["topic"] == "orders"
        assert reader.until("event")["topic"] == "orders"  # the logs event never came


def test_a_binary_auth_frame_is_read_like_a_text_one() -> None:
    with serving(EventHub()) as url, StreamReader(url) as reader:
        reader.ws.send(json.dumps({"type": "auth", "token": READER}).encode())
        assert reader.until("hello")["subject"] == "alice"


def test_a_failing_snapshot_closes_the_socket_with_a_reason(
    caplog: pytest.LogCaptureFixture,
) -> None:
    def broken(topics: set[str]) -> dict[str, object]:
        raise RuntimeError("the state store is gone")

    hub = EventHub()
    hub.set_snapshot(broken)
    with serving(hub) as url, StreamReader(url) as reader:
        reader.start(["orders"])
        assert reader.close_frame() == (CloseCode.INTERNAL_ERROR, "snapshot failed")
        assert hub.connections == 0
    assert "the stream snapshot for alice failed" in server_log(caplog)


def test_a_socket_that_never_authenticates_is_closed() -> None:
    with serving(EventHub(), auth_timeout_s=0.2) as url, StreamReader(url) as reader:
        assert reader.close_frame() == (CloseCode.AUTH_TIMEOUT, "no auth message within 0.2 s")


def test_the_token_is_never_logged(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    hub = EventHub(epoch="e")
    with serving(hub) as url, StreamReader(url) as reader:
        hello = reader.start(["orders"])
        reader.until("snapshot")
        hub.publish("orders", {"n": 1})
        reader.until("event")
    assert hello["subject"] == "alice"
    assert READER not in server_log(caplog)


def test_heartbeats_come_while_idle_and_carry_the_last_sequence() -> None:
    hub = EventHub(epoch="e", heartbeat_s=0.1)
    with serving(hub) as url, StreamReader(url) as reader:
        hello = reader.start([])
        beats = [reader.until("heartbeat") for _ in range(3)]
        for n in range(3):
            hub.publish("logs", {"n": n})  # not subscribed: only the heartbeat tells
        later = reader.until("heartbeat")
        while later["seq"] < 3:
            later = reader.until("heartbeat")
    assert hello["heartbeat_s"] == 0.1
    assert [beat["seq"] for beat in beats] == [0, 0, 0]
    assert all(beat["epoch"] == "e" for beat in beats)
    assert beats[0]["ts"] < beats[1]["ts"] < beats[2]["ts"] < later["ts"]
    assert later["seq"] == 3


def test_subscriptions_change_what_arrives_and_new_topics_get_a_snapshot() -> None:
    hub = EventHub(epoch="e")
    hub.set_snapshot(lambda topics: {topic: {"known": topic} for topic in topics})
    with serving(hub) as url, StreamReader(url) as reader:
        reader.start(["orders"])
        first = reader.until("snapshot")
        reader.send(type="subscribe", topics=["fills"])
        added = reader.until("snapshot")
        reader.send(type="unsubscribe", topics=["orders"])
        assert reader.until("subscribed")["topics"] == ["fills"]
        hub.publish("orders", {"n": 1})
        hub.publish("fills", {"n": 2})
        event = reader.until("event")
        reader.send(type="nonsense")
        error = reader.until("error")
        reader.ws.send("not json")
        second_error = reader.until("error")
        hub.publish("fills", {"n": 3})
        still_open = reader.until("event")
    assert (first["reason"], first["data"]) == ("new", {"orders": {"known": "orders"}})
    assert (added["reason"], added["data"]) == ("subscribed", {"fills": {"known": "fills"}})
    assert (event["topic"], event["seq"]) == ("fills", 2)
    assert "nonsense" in error["message"]
    assert second_error["message"].startswith("message:")
    assert still_open["seq"] == 3


def test_quotes_are_coalesced_per_instrument() -> None:
    hub = EventHub(epoch="e", quote_flush_s=0.05)
    wanted, other = "NIFTY26DEC24000CE.NFO", "NIFTY26DEC24000PE.NFO"
    with serving(hub) as url, StreamReader(url) as reader:
        hub.publish("quotes", {"instrument_id": wanted, "bid": 0})
        reader.start(["quotes"], instruments=[wanted])
        snapshot = reader.until("snapshot")
        hub.publish("orders", {"n": 1})
        for bid in range(1, 201):
            hub.publish("quotes", {"instrument_id": wanted, "bid": bid})
            hub.publish("quotes", {"instrument_id": other, "bid": bid})
        quotes = [reader.until("event")]
        while quotes[-1]["data"]["bid"] < 200:
            quotes.append(reader.until("event"))
    assert snapshot["data"] == {"quotes": {wanted: {"instrument_id": wanted, "bid": 0}}}
    assert {quote["data"]["instrument_id"] for quote in quotes} == {wanted}
    assert len(quotes) < 200
    assert all(quote["seq"] == 1 and quote["topic"] == "quotes" for quote in quotes)


def test_a_published_payload_that_is_not_json_is_sent_as_text() -> None:
    hub = EventHub(epoch="e")
    with serving(hub) as url, StreamReader(url) as reader:
        reader.start(["logs"], token=ADMIN)
        reader.until("snapshot")
        hub.publish("logs", {"value": {1, 2}.__class__.__name__, "odd": object()})
        event = reader.until("event")
    assert event["data"]["value"] == "set"
    assert json.dumps(event["data"]["odd"]).startswith('"<object object')
