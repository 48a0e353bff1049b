"""CapitalManager in a real BacktestEngine: exact capital history, halt, reset, CSV export."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from capital_expected import CAPITAL_CONFIG, COMPOUNDING, HALTING, assert_history
from nautilus_trader.backtest.engine import BacktestEngine
from nautilus_trader.model.currencies import INR
from nautilus_trader.model.data import DataType
from nautilus_trader.model.enums import TradingState
from nautilus_trader.model.identifiers import Venue
from nautilus_trader.model.objects import Money
from sized_round_trip import (
    DEMO_INSTRUMENT_ID,
    SizedRoundTripConfig,
    SizedRoundTripStrategy,
    demo_engine,
)

from nautilus_options import CapitalManager, CapitalManagerConfig, CapitalUpdated

pytestmark = pytest.mark.slow


def _run(
    trading_state: TradingState = TradingState.ACTIVE, **overrides: Any
) -> tuple[BacktestEngine, CapitalManager, SizedRoundTripStrategy]:
    engine = demo_engine()
    engine.kernel.risk_engine.set_trading_state(trading_state)
    manager = CapitalManager(CapitalManagerConfig(**{**CAPITAL_CONFIG, **overrides}))
    strategy = SizedRoundTripStrategy(SizedRoundTripConfig(instrument_id=DEMO_INSTRUMENT_ID))
    engine.add_actor(manager)
    engine.add_strategy(strategy)
    engine.run()
    return engine, manager, strategy


def test_history_matches_hand_computed_sequence_with_compounding() -> None:
    engine, manager, strategy = _run()

    assert_history(manager.history, COMPOUNDING)
    assert [response.lots for response in strategy.responses] == [20, 20, 20]
    # Nautilus' own books agree: the account moved by the same net P&L.
    account = engine.cache.account_for_venue(Venue("NSE"))
    assert account.balance_total(INR) == Money(1_000_000 - 100_000 + manager.capital, INR)
    positions = engine.trader.generate_positions_report()
    assert sorted(positions["realized_pnl"].astype(str)) == [
        "-1110.00 INR",
        "150.00 INR",
        "370.00 INR",
    ]
    engine.dispose()


def test_without_compounding_sizes_on_initial_capital_and_halts_on_drawdown() -> None:
    engine, manager, strategy = _run(compounding=False, max_drawdown_pct=0.7)

    assert_history(manager.history, HALTING)
    assert manager.halted
    halt = manager.history[7]
    assert halt.drawdown_pct == pytest.approx(1_056.5 / 100_370 * 100)
    assert "halted: drawdown 1.05% from peak 100370.00 exceeds max_drawdown_pct 0.7%" in (
        halt.reason
    )
    last = strategy.responses[-1]
    assert (last.lots, last.halted) == (0, True)
    assert strategy.halted
    assert len(engine.cache.positions()) == 2  # the third trade was never opened

    manager.lift_halt()
    lifted = manager.history[-1]
    assert (lifted.reason, lifted.halted, lifted.peak) == ("halt lifted", False, 99_313.5)
    assert not manager.halted
    engine.dispose()


def test_denied_entries_give_their_reservation_back() -> None:
    # A halted risk engine denies every order: nothing is ever opened.
    engine, manager, strategy = _run(TradingState.HALTED)

    reasons = [update.reason for update in manager.history]
    assert reasons[:3] == [
        "start",
        "reserved 19990.00 for SizedRoundTripStrategy-000-T0001 (20 lots, limited by risk)",
        "released 19990.00 from SizedRoundTripStrategy-000-T0001",
    ]
    assert len(strategy.responses) > 1
    assert manager.deployed == 0.0
    assert manager.capital == 100_000.0
    assert engine.cache.positions() == []
    engine.dispose()


def test_published_updates_reach_bus_subscribers_and_reset_starts_over() -> None:
    engine, manager, _ = _run()
    received: list[CapitalUpdated] = []
    engine.kernel.msgbus.subscribe(f"data.{DataType(CapitalUpdated).topic}", received.append)

    engine.reset()
    assert manager.history == []
    engine.run()

    assert_history(received, COMPOUNDING)
    assert_history(manager.history, COMPOUNDING)
    engine.dispose()


def test_history_frame_and_csv(tmp_path: Path) -> None:
    engine, manager, _ = _run()

    frame = manager.history_frame()
    assert list(frame.columns) == ["ts_event", "ts_init", *CapitalUpdated.__dataclass_fields__]
    assert_history(list(frame.itertuples()), COMPOUNDING)
    assert frame["ts_event"].tolist() == [
        pd.Timestamp(update.ts_event, unit="ns", tz="UTC") for update in manager.history
    ]
    assert frame["ts_event"].iloc[[0, -1]].tolist() == [
        pd.Timestamp("2026-01-05 03:45", tz="UTC"),  # 09:15 IST, the first quote
        pd.Timestamp("2026-01-05 03:56", tz="UTC"),  # the last round trip's release
    ]
    assert set(frame["currency"]) == {"INR"}
    assert frame["halted"].dtype == bool

    path = manager.write_history_csv(tmp_path / "capital.csv")
    again = pd.read_csv(path, parse_dates=["ts_event", "ts_init"])
    pd.testing.assert_frame_equal(again, frame, check_dtype=False)
    engine.dispose()
