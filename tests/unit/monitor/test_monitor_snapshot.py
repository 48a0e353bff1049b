"""SpreadSnapshot serialises like any Nautilus custom data and exports to a frame."""

from __future__ import annotations

import pandas as pd

from nautilus_options import SpreadSnapshot
from nautilus_options.monitor import snapshots_frame

SNAPSHOT = SpreadSnapshot(
    1_767_843_900_000_000_000,
    1_767_843_900_000_000_001,
    spread_id="S-000-S0001",
    strategy_id="S-000",
    reason="interval",
    legs='[{"instrument_id": "NIFTY2611324300PE.NFO", "quantity": -65}]',
    net_delta=12.5,
    breakevens="[24250.5]",
)


def test_bytes_and_arrow_round_trips_keep_every_field() -> None:
    for restored in (
        SpreadSnapshot.from_bytes(SNAPSHOT.to_bytes()),
        SpreadSnapshot.from_arrow(SNAPSHOT.to_arrow())[0],
    ):
        assert restored.to_dict() == SNAPSHOT.to_dict()
        assert restored.ts_event == SNAPSHOT.ts_event


def test_json_fields_decode() -> None:
    assert SNAPSHOT.leg_list()[0]["quantity"] == -65
    assert SNAPSHOT.breakeven_list() == [24250.5]


def test_frame_has_one_row_per_snapshot_with_utc_timestamps() -> None:
    frame = snapshots_frame([SNAPSHOT, SNAPSHOT])
    assert list(frame.columns[:4]) == ["ts_event", "ts_init", "spread_id", "strategy_id"]
    assert len(frame) == 2
    assert frame["ts_event"].iloc[0] == pd.Timestamp(SNAPSHOT.ts_event, unit="ns", tz="UTC")
    assert frame["net_delta"].tolist() == [12.5, 12.5]
    assert snapshots_frame([]).columns.tolist() == frame.columns.tolist()
