"""CapitalUpdated serialises to JSON and round-trips through a ParquetDataCatalog."""

from __future__ import annotations

import json
from pathlib import Path

from nautilus_trader.persistence.catalog import ParquetDataCatalog

from nautilus_options import CapitalUpdated

T0 = 1_767_584_700_000_000_000


def _update(minute: int, capital: float, halted: bool = False) -> CapitalUpdated:
    return CapitalUpdated(
        T0 + minute * 60_000_000_000,
        T0 + minute * 60_000_000_000 + 1,
        capital=capital,
        initial_capital=100_000.0,
        sizing_capital=capital,
        deployed=2_000.0,
        peak=100_000.0,
        drawdown_pct=(100_000.0 - capital) / 1_000.0,
        halted=halted,
        realized_pnl=capital - 100_000.0,
        commissions=40.0,
        exercise_charges=0.0,
        currency="INR",
        reason="halted: drawdown" if halted else "closed NSE-1-001: -500.00",
    )


def test_json_round_trip() -> None:
    update = _update(0, 99_500.0, halted=True)

    text = json.dumps(update.to_dict())
    again = CapitalUpdated.from_dict(json.loads(text))

    assert json.loads(text)["type"] == "CapitalUpdated"
    assert again.to_dict() == update.to_dict()
    assert (again.ts_event, again.ts_init) == (update.ts_event, update.ts_init)
    assert again.halted is True


def test_msgpack_round_trip() -> None:
    update = _update(1, 101_000.0)

    assert CapitalUpdated.from_bytes(update.to_bytes()).to_dict() == update.to_dict()


def test_catalog_write_and_read_back(tmp_path: Path) -> None:
    updates = [_update(0, 100_000.0), _update(1, 99_500.0), _update(2, 98_000.0, halted=True)]
    catalog = ParquetDataCatalog(str(tmp_path))

    catalog.write_data(updates)
    loaded = catalog.query(CapitalUpdated)

    assert [item.data.to_dict() for item in loaded] == [update.to_dict() for update in updates]
