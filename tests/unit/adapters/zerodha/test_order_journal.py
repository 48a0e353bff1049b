"""The order journal: written before an order is sent, read back after a crash."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from nautilus_trader.model.enums import OrderStatus
from nautilus_trader.model.identifiers import AccountId, PositionId
from nautilus_trader.model.orders import Order
from nautilus_trader.test_kit.providers import TestInstrumentProvider
from nautilus_trader.test_kit.stubs.execution import TestExecStubs

from nautilus_options.adapters.zerodha.journal import JOURNAL_NAME, OrderJournal, restore_order
from nautilus_options.errors import DataError

ACCOUNT = AccountId("ZERODHA-001")


def _order(tags: list[str]) -> Order:
    instrument = TestInstrumentProvider.default_fx_ccy("AUD/USD")
    return TestExecStubs.limit_order(instrument=instrument, tags=tags)


def test_a_journaled_order_is_restored_as_sent_after_a_reload(tmp_path: Path) -> None:
    order = _order(["spread=S-S0001", "leg=1", "intent=open"])
    OrderJournal(str(tmp_path)).add("ntabc", order, PositionId("S-S0001-L1"))

    entry = OrderJournal(str(tmp_path)).entry("ntabc")
    assert entry is not None
    assert entry.position_id == "S-S0001-L1"
    restored = restore_order(entry, ACCOUNT, 123)
    assert restored.client_order_id == order.client_order_id
    assert restored.strategy_id == order.strategy_id
    assert restored.tags == order.tags
    assert restored.price == order.price
    assert restored.quantity == order.quantity
    assert restored.status == OrderStatus.SUBMITTED
    assert restored.account_id == ACCOUNT


def test_a_repeat_writes_once_and_a_mapping_never_replaces_a_journaled_order(
    tmp_path: Path,
) -> None:
    journal = OrderJournal(str(tmp_path))
    order = _order([])
    journal.add("ntabc", order)
    journal.add("ntabc", order)
    journal.map("ntabc", "another")
    journal.map("ntdef", "O-2")
    lines = (tmp_path / JOURNAL_NAME).read_text().splitlines()
    assert len(lines) == 2
    reloaded = OrderJournal(str(tmp_path))
    assert reloaded.get("ntabc") == order.client_order_id.value
    assert reloaded.get("ntdef") == "O-2"
    mapped = reloaded.entry("ntdef")
    assert mapped is not None
    with pytest.raises(ValueError, match="O-2: journal entry holds no order"):
        restore_order(mapped, ACCOUNT, 0)


def test_a_journal_without_a_folder_stays_in_memory(tmp_path: Path) -> None:
    journal = OrderJournal(None)
    journal.add("ntabc", _order([]))
    assert journal.entry("ntabc") is not None
    assert list(tmp_path.iterdir()) == []


def test_a_damaged_line_is_named_by_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / JOURNAL_NAME
    path.write_text('{"base":"a","client_order_id":"O-1"}\n\n{"base":"b"}\n')
    with pytest.raises(DataError, match=rf"{JOURNAL_NAME}, row 3: not an order journal entry"):
        OrderJournal(str(tmp_path))


def test_old_entries_are_dropped_on_opening_and_symbols_name_what_was_traded(
    tmp_path: Path,
) -> None:
    journal = OrderJournal(str(tmp_path))
    journal.add("ntold", _order([]))
    journal.add("ntnew", _order([]))
    path = tmp_path / JOURNAL_NAME
    old, new = path.read_text().splitlines()
    aged = old.replace(f'"ts":{json.loads(old)["ts"]}', '"ts":1')
    path.write_text(f"{aged}\n{new}\n")

    reopened = OrderJournal(str(tmp_path))
    assert reopened.entry("ntold") is None
    assert reopened.entry("ntnew") is not None
    assert path.read_text().splitlines() == [new]
    assert reopened.symbols() == {"AUD/USD"}
