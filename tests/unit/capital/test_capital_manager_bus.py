"""CapitalManager on a real message bus: sizing, reservations, releases, save and load."""

from __future__ import annotations

from typing import Any

import pytest
from nautilus_trader.common.component import MessageBus, TestClock
from nautilus_trader.model.data import DataType
from nautilus_trader.model.identifiers import TraderId
from nautilus_trader.portfolio.portfolio import Portfolio
from nautilus_trader.test_kit.stubs.component import TestComponentStubs

from nautilus_options import CapitalManager, CapitalManagerConfig, CapitalUpdated
from nautilus_options.capital import (
    RELEASE_ENDPOINT,
    SIZING_ENDPOINT,
    CapitalRelease,
    SizingRequest,
    SizingResponse,
)
from nautilus_options.errors import DataError

START_NS = 1_767_584_700_000_000_000


class Node:
    """A clock, a message bus and a cache, enough to run a CapitalManager."""

    def __init__(self) -> None:
        self.clock = TestClock()
        self.clock.set_time(START_NS)
        self.msgbus = MessageBus(TraderId("TESTER-001"), self.clock)
        self.cache = TestComponentStubs.cache()
        self.portfolio = Portfolio(self.msgbus, self.cache, self.clock)
        self.published: list[CapitalUpdated] = []
        self.msgbus.subscribe(f"data.{DataType(CapitalUpdated).topic}", self.published.append)

    def start(self, manager: CapitalManager) -> CapitalManager:
        manager.register_base(self.portfolio, self.msgbus, self.cache, self.clock)
        manager.start()
        return manager

    def size(
        self, request_id: str, capital_per_lot: float, max_lots: int | None = None
    ) -> SizingResponse:
        responses: list[SizingResponse] = []
        self.msgbus.send(
            SIZING_ENDPOINT,
            SizingRequest(request_id, "S-001", capital_per_lot, max_lots, responses.append),
        )
        (response,) = responses
        return response

    def release(self, request_id: str, amount: float | None = None) -> None:
        self.msgbus.send(RELEASE_ENDPOINT, CapitalRelease(request_id, amount))


def _manager(**values: Any) -> CapitalManager:
    config = {"initial_capital": 100_000, "risk_per_trade_pct": 5, "max_deployment_pct": 12}
    return CapitalManager(CapitalManagerConfig(**{**config, **values}))


@pytest.fixture
def node() -> Node:
    return Node()


def test_start_publishes_initial_state(node: Node) -> None:
    manager = node.start(_manager())

    (start,) = node.published
    assert start.reason == "start"
    assert (start.capital, start.deployed, start.peak, start.halted) == (100_000.0, 0.0, 1e5, False)
    assert start.ts_event == START_NS
    assert manager.history[0].to_dict() == start.to_dict()


def test_grants_lots_reserves_them_and_deployment_limits_the_next_request(node: Node) -> None:
    manager = node.start(_manager())

    first = node.size("A", 2_000.0)  # risk 5,000 -> 2 lots, deployment 12,000 -> 6
    second = node.size("B", 2_000.0)  # deployment 12,000 - 4,000 -> 4, risk -> 2
    third = node.size("C", 3_000.0)  # deployment 12,000 - 8,000 -> 1, risk -> 1
    fourth = node.size("D", 1_000.0)  # deployment 1,000 left -> 1

    assert (first.lots, first.reason, first.halted) == (2, "2 lots, limited by risk", False)
    assert second.lots == 2
    assert (third.lots, third.reason) == (1, "1 lot, limited by risk")
    assert (fourth.lots, fourth.reason) == (1, "1 lot, limited by deployment")
    assert manager.deployed == 12_000.0
    assert node.size("E", 1_000.0).lots == 0
    assert [update.deployed for update in node.published] == [0, 4_000, 8_000, 11_000, 12_000]


def test_configured_and_requested_lot_caps_combine(node: Node) -> None:
    node.start(_manager(max_lots=3, risk_per_trade_pct=50, max_deployment_pct=100))

    assert node.size("A", 1_000.0).reason == "3 lots, limited by max_lots"
    assert node.size("B", 1_000.0, max_lots=2).lots == 2
    assert node.size("C", 1_000.0, max_lots=0).lots == 0


def test_release_partial_full_and_unknown(node: Node) -> None:
    manager = node.start(_manager())
    node.size("A", 2_000.0)

    node.release("A", 1_500.0)
    assert manager.deployed == 2_500.0
    node.release("A")
    assert manager.deployed == 0.0
    count = len(node.published)
    node.release("A")
    node.release("never-sized")

    assert len(node.published) == count
    assert [update.reason for update in node.published[-2:]] == [
        "released 1500.00 from A",
        "released 2500.00 from A",
    ]


def test_stopped_manager_no_longer_answers_until_resumed(node: Node) -> None:
    manager = node.start(_manager())
    node.size("A", 2_000.0)
    manager.stop()

    responses: list[SizingResponse] = []
    node.msgbus.send(SIZING_ENDPOINT, SizingRequest("B", "S", 1_000.0, None, responses.append))
    assert responses == []

    manager.resume()
    assert node.published[-1].reason == "resumed"
    assert node.published[-1].deployed == 4_000.0
    assert node.size("B", 1_000.0).lots == 5


def test_save_and_load_round_trip(node: Node) -> None:
    manager = node.start(_manager())
    node.size("A", 2_000.0)
    node.size("B", 1_000.0)
    node.release("B")
    state = manager.on_save()
    manager.stop()

    restored = _manager()
    restored.on_load(state)
    later = Node()
    later.clock.set_time(START_NS + 60_000_000_000)
    later.start(restored)

    assert set(state) == {"version", "ledger"}  # the history is not re-serialised
    assert restored.deployed == 4_000.0
    assert [u.reason for u in restored.history] == ["restored"]
    assert restored.history[-1].ts_event == START_NS + 60_000_000_000
    assert restored.history[-1].capital == manager.history[-1].capital
    later.release("A")
    assert restored.deployed == 0.0
    assert later.size("C", 2_000.0).lots == 2


def test_load_ignores_empty_state_and_rejects_foreign_state() -> None:
    manager = _manager()
    manager.on_load({})
    assert manager.history == []

    with pytest.raises(DataError, match="version"):
        manager.on_load({"version": b"99", "ledger": b"{}", "history": b"[]"})
    with pytest.raises(DataError, match="invalid"):
        manager.on_load({"version": b"2", "ledger": b"{}"})


def test_a_version_1_state_loads_its_ledger(node: Node) -> None:
    manager = node.start(_manager())
    node.size("A", 2_000.0)
    state = {**manager.on_save(), "version": b"1", "history": b"[]"}

    restored = _manager()
    restored.on_load(state)

    assert restored.deployed == 4_000.0
    assert restored.history == []


def test_history_keeps_the_latest_max_history_updates(node: Node) -> None:
    manager = node.start(_manager(max_history=2))
    node.size("A", 2_000.0)
    node.size("B", 1_000.0)
    node.release("B")

    assert [u.reason for u in manager.history] == [u.reason for u in node.published[-2:]]
    assert len(node.published) == 4
    assert len(manager.history_frame()) == 2
