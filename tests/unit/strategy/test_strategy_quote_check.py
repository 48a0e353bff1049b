"""The exit check scheduled by leg quotes survives a live clock that keeps a fired alert's name."""

from __future__ import annotations

from nautilus_trader.backtest.engine import BacktestEngine, BacktestEngineConfig
from nautilus_trader.config import LoggingConfig

from nautilus_options.strategy.config import OptionsSpreadStrategyConfig
from nautilus_options.strategy.strategy import OptionsSpreadStrategy


def test_a_quote_after_the_check_ran_schedules_the_next_while_the_old_name_lingers() -> None:
    engine = BacktestEngine(BacktestEngineConfig(logging=LoggingConfig(bypass_logging=True)))
    strategy = OptionsSpreadStrategy(OptionsSpreadStrategyConfig(capital_manager=False))
    engine.add_strategy(strategy)
    try:
        strategy._on_leg_quote(None)  # type: ignore[arg-type]
        strategy._on_leg_quote(None)  # type: ignore[arg-type]  # shares the pending check
        [first] = strategy.clock.timer_names
        # A live clock runs the handler before it drops the alert's name (its timers run on
        # another thread): the name is still registered when the next quote arrives.
        strategy._on_quote_check(None)
        assert strategy.clock.timer_names == [first]
        strategy._on_leg_quote(None)  # type: ignore[arg-type]
        assert len(strategy.clock.timer_names) == 2
        assert first in strategy.clock.timer_names
    finally:
        engine.dispose()
