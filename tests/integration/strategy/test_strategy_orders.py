"""Each leg of a spread has at most one working order, at every order event of a real run.

The law is checked from the outside: after every order event the strategy receives, the
cache's orders of the strategy that are not yet in a final state (filled, canceled,
rejected, denied, expired) are counted per spread leg. Orders the strategy just created or
submitted count, as they would at Kite. Runs are real BacktestEngine runs over a small
generated market, with Hypothesis varying the spread shape, re-pricing, timeouts, exits
and order slicing.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from nautilus_trader.backtest.engine import BacktestEngine, BacktestEngineConfig
from nautilus_trader.config import LoggingConfig
from nautilus_trader.model.enums import OrderStatus
from nautilus_trader.model.events import OrderCanceled, OrderEvent
from nautilus_trader.model.identifiers import ClientId, ClientOrderId
from nautilus_trader.model.orders import Order
from test_strategy_backtest import (
    INITIAL_CAPITAL,
    NEAREST_EXPIRY,
    Market,
    add_venues,
    market,  # noqa: F401  (the module-scoped fixture)
)

from nautilus_options import CapitalManager, CapitalManagerConfig
from nautilus_options.portfolio import tag_value
from nautilus_options.strategy.config import OptionsSpreadStrategyConfig
from nautilus_options.strategy.strategy import OptionsSpreadStrategy

pytestmark = pytest.mark.slow

_FINAL = frozenset(
    {
        OrderStatus.FILLED,
        OrderStatus.CANCELED,
        OrderStatus.REJECTED,
        OrderStatus.DENIED,
        OrderStatus.EXPIRED,
    }
)


class CheckedStrategy(OptionsSpreadStrategy):
    """The strategy, watched after each of its order events and at each cancel it sends."""

    def __init__(self, config: OptionsSpreadStrategyConfig) -> None:
        super().__init__(config)
        self.events = 0
        self.violations: list[str] = []
        self.cancel_reasons: dict[ClientOrderId, str] = {}

    def on_order_event(self, event: OrderEvent) -> None:
        self.events += 1
        working = Counter(
            (tag_value(order.tags, "spread"), tag_value(order.tags, "leg"))
            for order in self.cache.orders(strategy_id=self.id)
            if order.status not in _FINAL
        )
        self.violations += [
            f"{type(event).__name__} at {event.ts_event}: {count} working orders on {leg}"
            for leg, count in working.items()
            if count > 1
        ]
        # The matching engine also cancels reduce-only orders of a position that went flat,
        # including the order that just filled it: only an order left CANCELED counts.
        order = self.cache.order(event.client_order_id)
        canceled = order is not None and order.status == OrderStatus.CANCELED
        if (
            isinstance(event, OrderCanceled)
            and canceled
            and event.client_order_id not in self.cancel_reasons
        ):
            self.violations.append(f"{event.client_order_id} canceled without a reason")

    def cancel_order(
        self, order: Order, client_id: ClientId | None = None, params: dict[str, Any] | None = None
    ) -> None:
        spread = self._spread_of(order.client_order_id)
        working = spread.orders.get(order.client_order_id) if spread is not None else None
        reason = working.cancel_reason if working is not None else ""
        if reason:
            self.cancel_reasons[order.client_order_id] = reason
        super().cancel_order(order, client_id, params)


def run_checked(generated: Market, **overrides: Any) -> tuple[CheckedStrategy, Counter[str]]:
    """Run the checked strategy; return it and the count of its orders' final statuses."""
    engine = BacktestEngine(BacktestEngineConfig(logging=LoggingConfig(log_level="ERROR")))
    add_venues(engine)
    for instrument in generated.instruments:
        engine.add_instrument(instrument)
    engine.add_data(generated.data)
    engine.add_actor(CapitalManager(CapitalManagerConfig(initial_capital=INITIAL_CAPITAL)))
    strategy = CheckedStrategy(OptionsSpreadStrategyConfig(**{**NEAREST_EXPIRY, **overrides}))
    engine.add_strategy(strategy)
    try:
        engine.run()
        orders = engine.cache.orders(strategy_id=strategy.id)
        return strategy, Counter(order.status.name for order in orders)
    finally:
        engine.dispose()


def test_urgent_exits_send_one_closing_order_per_leg(market: Market) -> None:  # noqa: F811
    # A tight stop loss exits with marketable orders that fill at once: the case where
    # orders not yet "open" were sent twice and the duplicates rejected as reduce-only.
    strategy, counts = run_checked(
        market,
        spread_type="iron_condor",
        entry_windows=("09:30-14:00",),
        stop_loss_credit_multiple=0.3,
        profit_target_pct=20.0,
        exit_time="15:00",
        max_entries_per_day=3,
        reentry_cooldown_minutes=0.0,
    )
    assert strategy.events > 0
    assert strategy.violations == []
    assert counts["FILLED"] > 0
    assert set(counts) <= {"FILLED", "CANCELED"}


@settings(
    max_examples=5,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    spread_type=st.sampled_from(
        ["iron_condor", "iron_butterfly", "bull_put_credit", "bear_call_credit"]
    ),
    reprice_steps=st.integers(0, 6),
    reprice_interval_secs=st.sampled_from([5.0, 30.0, 120.0]),
    leg_timeout_secs=st.sampled_from([60.0, 300.0, 900.0]),
    stop_loss_credit_multiple=st.sampled_from([0.2, 0.5, 1.0, None]),
    profit_target_pct=st.sampled_from([10.0, 30.0, None]),
    lots=st.sampled_from([1, 30]),
)
@example(
    spread_type="iron_condor",
    reprice_steps=50,
    reprice_interval_secs=30.0,
    leg_timeout_secs=60.0,
    stop_loss_credit_multiple=None,
    profit_target_pct=None,
    lots=1,
)
def test_each_leg_has_at_most_one_working_order(
    market: Market,  # noqa: F811
    spread_type: str,
    reprice_steps: int,
    reprice_interval_secs: float,
    leg_timeout_secs: float,
    stop_loss_credit_multiple: float | None,
    profit_target_pct: float | None,
    lots: int,
) -> None:
    strategy, counts = run_checked(
        market,
        capital_manager=lots == 1,
        lots=lots,
        spread_type=spread_type,
        reprice_steps=reprice_steps,
        reprice_interval_secs=reprice_interval_secs,
        leg_timeout_secs=leg_timeout_secs,
        stop_loss_credit_multiple=stop_loss_credit_multiple,
        profit_target_pct=profit_target_pct,
        entry_windows=("09:30-14:00",),
        exit_time="15:00",
        max_entries_per_day=2,
        reentry_cooldown_minutes=0.0,
    )
    assert strategy.violations == []
    assert "REJECTED" not in counts
