"""The RunRecorder keeps a run's results from the bus: bounded in memory, complete on disk."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from nautilus_trader.backtest.engine import BacktestEngine
from sized_round_trip import (
    DEMO_INSTRUMENT_ID,
    SizedRoundTripConfig,
    SizedRoundTripStrategy,
    demo_engine,
)

from nautilus_options import CapitalManager, CapitalManagerConfig
from nautilus_options.environments.recorder import (
    STREAMS,
    RunRecorder,
    RunRecorderConfig,
    read_stream,
)
from nautilus_options.errors import ConfigError


def _run(recorder: RunRecorder) -> tuple[BacktestEngine, CapitalManager]:
    engine = demo_engine()
    manager = CapitalManager(
        CapitalManagerConfig(initial_capital=100_000, risk_per_trade_pct=20, max_history=None)
    )
    engine.add_actor(recorder)  # first: it hears the manager's "start"
    engine.add_actor(manager)
    engine.add_strategy(
        SizedRoundTripStrategy(SizedRoundTripConfig(instrument_id=DEMO_INSTRUMENT_ID))
    )
    engine.run()
    return engine, manager


def test_it_records_every_stream_in_memory() -> None:
    recorder = RunRecorder()
    engine, manager = _run(recorder)

    capital = recorder.frame("capital")
    assert capital.to_dict("records") == manager.history_frame().to_dict("records")
    fills = engine.trader.generate_fills_report()
    assert sorted(recorder.frame("fills")["trade_id"]) == sorted(fills["trade_id"])
    events = recorder.frame("order_events")
    assert set(events["event"]) >= {"OrderInitialized", "OrderSubmitted", "OrderFilled"}
    assert (events["event"] == "OrderFilled").sum() == len(fills)
    positions = recorder.frame("position_events")
    assert positions["event"].tolist().count("PositionClosed") == 3
    closed = positions[positions["event"] == "PositionClosed"]
    assert closed["realized_pnl"].sum() == pytest.approx(manager.history[-1].realized_pnl)
    assert len(recorder.positions_report()) == 3
    assert len(recorder.orders_report()) == len(engine.trader.generate_orders_report())
    assert recorder.frame("snapshots").empty  # no monitor in this node
    engine.dispose()


def test_bounded_memory_and_complete_stream_files(tmp_path: Path) -> None:
    recorder = RunRecorder(RunRecorderConfig(max_rows=2, stream_dir=str(tmp_path)))
    engine, manager = _run(recorder)
    engine.dispose()

    assert len(recorder.rows("capital")) == 2
    assert recorder.total("capital") == len(manager.history) > 2
    assert recorder.dropped("capital") == recorder.total("capital") - 2
    on_disk = read_stream(tmp_path / "capital.csv")
    assert on_disk.to_dict("records") == manager.history_frame().to_dict("records")
    assert recorder.frame("capital").to_dict("records") == on_disk.tail(2).to_dict("records")
    for stream in STREAMS:
        assert recorder.stream_path(stream) == tmp_path / f"{stream}.csv"
        assert len(pd.read_csv(tmp_path / f"{stream}.csv")) == recorder.total(stream)


def test_max_rows_must_be_positive() -> None:
    with pytest.raises(ConfigError, match=r"^max_rows: "):
        RunRecorderConfig(max_rows=0)
