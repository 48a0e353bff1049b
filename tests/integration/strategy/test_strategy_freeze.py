"""Orders are sliced at the freeze limit in force on the day they are placed.

BANKNIFTY's freeze limit was 600 units from 1 Jul 2025 and 900 again from 1 Sep 2025
(``domain.nse``). A September-expiry spread opened on 26 Aug 2025 must go out in slices of
at most 600, although its expiry day's limit is 900.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from nautilus_trader.backtest.engine import BacktestEngine, BacktestEngineConfig
from nautilus_trader.config import LoggingConfig
from nautilus_trader.persistence.catalog.parquet import ParquetDataCatalog
from test_strategy_backtest import add_venues

from nautilus_options.data.synthetic import SyntheticMarketConfig, generate_market
from nautilus_options.domain.nse import freeze_quantity
from nautilus_options.domain.time import ist_date
from nautilus_options.strategy.config import OptionsSpreadStrategyConfig
from nautilus_options.strategy.strategy import OptionsSpreadStrategy

pytestmark = pytest.mark.slow

ORDER_DAY = date(2025, 8, 26)
EXPIRY = date(2025, 9, 30)


def test_slices_follow_the_limit_of_the_order_day(tmp_path: Path) -> None:
    assert freeze_quantity("BANKNIFTY", ORDER_DAY) == 600
    assert freeze_quantity("BANKNIFTY", EXPIRY) == 900
    path = tmp_path / "catalog"
    generate_market(
        SyntheticMarketConfig(
            underlying="BANKNIFTY", start=ORDER_DAY, days=1, strikes_each_side=12, expiries=2
        ),
        path,
    )
    catalog = ParquetDataCatalog(str(path))
    engine = BacktestEngine(BacktestEngineConfig(logging=LoggingConfig(log_level="ERROR")))
    add_venues(engine)
    for instrument in catalog.instruments():
        engine.add_instrument(instrument)
    engine.add_data([*catalog.trade_ticks(), *catalog.quote_ticks()])
    strategy = OptionsSpreadStrategy(
        OptionsSpreadStrategyConfig(
            underlying="BANKNIFTY",
            spread_type="bull_put_credit",
            expiry_rule="monthly",
            min_days_to_expiry=20,
            strike_value=0.45,
            capital_manager=False,
            margin_source="off",
            lots=24,  # 24 x 35 = 840 units: one order under a 900 limit, two under 600
            exit_minutes_before_expiry=None,
            profit_target_pct=None,
            stop_loss_credit_multiple=None,
        )
    )
    engine.add_strategy(strategy)
    try:
        engine.run()
        orders = engine.cache.orders(strategy_id=strategy.id)
        assert orders, f"not opened: {strategy.entry_diagnostics.describe()}"
        assert {ist_date(order.ts_init) for order in orders} == {ORDER_DAY}
        assert max(order.quantity.as_double() for order in orders) <= 600
        assert sum(o.filled_qty.as_double() for o in orders if o.side.name == "BUY") == 840
    finally:
        engine.dispose()
