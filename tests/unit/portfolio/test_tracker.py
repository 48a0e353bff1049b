"""Spread tracker helpers, SpreadView marking and strategy state persistence."""

from __future__ import annotations

from nautilus_trader.model.identifiers import InstrumentId, PositionId, StrategyId

from nautilus_options.portfolio import (
    LegView,
    SpreadView,
    leg_position_id,
    parse_leg_position_id,
    tag_value,
)
from nautilus_options.strategy import OptionsSpreadStrategy, OptionsSpreadStrategyConfig

SPREAD = "OptionsSpreadStrategy-000-S0007"


def leg(index: int, ratio: int, avg_px_open: float, is_open: bool = True) -> LegView:
    quantity = 65.0 * ratio
    return LegView(
        index=index,
        instrument_id=InstrumentId.from_str(f"NIFTY26106{25_000 + 100 * index}PE.NFO"),
        position_id=leg_position_id(SPREAD, index),
        strike=25_000.0 + 100 * index,
        right="PE",
        ratio=ratio,
        quantity=quantity,
        open_quantity=quantity if is_open else 0.0,
        avg_px_open=avg_px_open,
        avg_px_close=0.0,
        realized_pnl=-25.0,
        commissions=25.0,
        settlement_charge=0.0,
        is_open=is_open,
    )


def view(*legs: LegView) -> SpreadView:
    return SpreadView(
        spread_id=SPREAD,
        strategy_id=StrategyId("OptionsSpreadStrategy-000"),
        spread_type="bull_put_credit",
        underlying="NIFTY",
        expiry_ns=0,
        legs=legs,
        lots=1,
        lot_size=65,
        net_premium=20.0,
        opened_ns=0,
        closed_ns=None,
        realized_pnl=-50.0,
        commissions=50.0,
        settlement_charges=0.0,
        max_loss=5_200.0,
        max_profit=1_300.0,
        breakevens=(25_080.0,),
        is_open=True,
    )


def test_leg_position_ids_round_trip() -> None:
    assert leg_position_id(SPREAD, 3) == PositionId(f"{SPREAD}-L3")
    assert parse_leg_position_id(leg_position_id(SPREAD, 12)) == (SPREAD, 12)
    assert parse_leg_position_id("NIFTY2610625000PE.NFO-OptionsSpreadStrategy-000") is None


def test_tag_value() -> None:
    tags = [f"spread={SPREAD}", "leg=1", "intent=open"]
    assert tag_value(tags, "spread") == SPREAD
    assert tag_value(tags, "leg") == "1"
    assert tag_value(tags, "reason") is None
    assert tag_value(None, "spread") is None


def test_unrealized_pnl_marks_open_legs_only() -> None:
    spread = view(leg(0, 1, 10.0), leg(1, -1, 30.0), leg(2, 1, 5.0, is_open=False))
    marks = {0: 8.0, 1: 25.0}
    assert spread.units == 65.0
    # Long leg: 65 * (8 - 10) = -130; short leg: -65 * (25 - 30) = +325.
    assert spread.unrealized_pnl(lambda leg: marks.get(leg.index)) == 195.0
    assert spread.unrealized_pnl(lambda leg: None) is None


def test_strategy_state_round_trips() -> None:
    config = OptionsSpreadStrategyConfig(capital_manager=False)
    strategy = OptionsSpreadStrategy(config)
    strategy.entry_manager.record_entry(1_767_600_000_000_000_000)
    strategy.entry_manager.record_exit(1_767_600_600_000_000_000)
    saved = strategy.on_save()
    restored = OptionsSpreadStrategy(config)
    restored.on_load(saved)
    assert restored.entry_manager.to_dict() == strategy.entry_manager.to_dict()
    assert restored.on_save() == saved
