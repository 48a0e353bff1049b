"""A run that trades nothing says why: the strategy's EntryDiagnostics over the message bus."""

from __future__ import annotations

from typing import Any

import pytest
from nautilus_trader.backtest.engine import BacktestEngine, BacktestEngineConfig
from nautilus_trader.common.actor import Actor
from nautilus_trader.config import LoggingConfig
from nautilus_trader.model.data import DataType
from test_strategy_backtest import (
    INITIAL_CAPITAL,
    MARKET,
    NEAREST_EXPIRY,
    Market,
    add_venues,
    market,  # noqa: F401  (the module-scoped fixture)
)

from nautilus_options import CapitalManager, CapitalManagerConfig
from nautilus_options.compat.topics import custom_data_topic
from nautilus_options.strategy.config import OptionsSpreadStrategyConfig
from nautilus_options.strategy.diagnostics import EntryDiagnostics
from nautilus_options.strategy.strategy import OptionsSpreadStrategy

pytestmark = pytest.mark.slow


class Listener(Actor):
    """Keeps every EntryDiagnostics published while it runs (as a recorder would)."""

    def __init__(self) -> None:
        super().__init__()
        self.received: list[EntryDiagnostics] = []

    def on_start(self) -> None:
        self.msgbus.subscribe(custom_data_topic(DataType(EntryDiagnostics)), self.received.append)

    def on_stop(self) -> None:
        self.msgbus.unsubscribe(custom_data_topic(DataType(EntryDiagnostics)), self.received.append)


def run(
    generated: Market, risk_per_trade_pct: float = 2.0, **overrides: Any
) -> tuple[OptionsSpreadStrategy, Listener]:
    engine = BacktestEngine(BacktestEngineConfig(logging=LoggingConfig(log_level="ERROR")))
    add_venues(engine)
    for instrument in generated.instruments:
        engine.add_instrument(instrument)
    engine.add_data(generated.data)
    listener = Listener()
    engine.add_actor(listener)
    engine.add_actor(
        CapitalManager(
            CapitalManagerConfig(
                initial_capital=INITIAL_CAPITAL, risk_per_trade_pct=risk_per_trade_pct
            )
        )
    )
    strategy = OptionsSpreadStrategy(OptionsSpreadStrategyConfig(**{**NEAREST_EXPIRY, **overrides}))
    engine.add_strategy(strategy)
    try:
        engine.run()
        return strategy, listener
    finally:
        engine.dispose()


def test_no_expiry_far_enough_is_counted_and_published(market: Market) -> None:  # noqa: F811
    strategy, listener = run(market, min_days_to_expiry=60)
    final = strategy.entry_diagnostics
    assert final.entries == 0
    assert final.no_expiry > 0
    assert final.checks == sum(final.skips().values())
    assert "no expiry met the days-to-expiry rule" in final.describe()
    # Published on the first no_expiry and after each session day's last check, not per check.
    assert listener.received
    last = listener.received[-1]
    assert last.strategy_id == strategy.id.value
    assert last.no_expiry == final.no_expiry
    assert last.checks == final.checks
    assert len(listener.received) <= 3 * MARKET.days


def test_sizing_that_grants_no_lots_is_counted(market: Market) -> None:  # noqa: F811
    # 0.1 % of 10 lakh is 1,000: no spread's lot fits.
    strategy, listener = run(market, risk_per_trade_pct=0.1)
    final = strategy.entry_diagnostics
    assert final.entries == 0
    assert final.zero_lots > 0
    assert next(iter(final.skips())) in ("zero_lots", "outside_window")
    assert listener.received[-1].zero_lots == final.zero_lots


def test_a_trading_run_counts_its_entries(market: Market) -> None:  # noqa: F811
    strategy, _ = run(market, max_entries_per_day=2, reentry_cooldown_minutes=0.0)
    final = strategy.entry_diagnostics
    assert final.entries > 0
    assert final.checks == final.entries + sum(final.skips().values())
