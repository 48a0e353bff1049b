"""Capital follows Nautilus' realized P&L through partial closes and a flip on a netting venue."""

from __future__ import annotations

import pytest
from nautilus_trader.config import StrategyConfig
from nautilus_trader.model.currencies import INR
from nautilus_trader.model.data import QuoteTick
from nautilus_trader.model.enums import OmsType, OrderSide
from nautilus_trader.model.identifiers import InstrumentId, Venue
from nautilus_trader.model.objects import Money, Quantity
from nautilus_trader.trading.strategy import Strategy
from sized_round_trip import DEMO_INSTRUMENT_ID, demo_engine

from nautilus_options import CapitalManager, CapitalManagerConfig

pytestmark = pytest.mark.slow


class ScriptConfig(StrategyConfig, kw_only=True, frozen=True):
    """Market orders to send: quote number -> (side, units)."""

    script: dict[int, tuple[str, int]]


class ScriptedOrders(Strategy):
    """Sends the scripted market orders on the given quotes."""

    def __init__(self, config: ScriptConfig) -> None:
        super().__init__(config)
        self._script = config.script
        self._instrument_id = InstrumentId.from_str(DEMO_INSTRUMENT_ID)
        self._quotes = 0

    def on_start(self) -> None:
        self.subscribe_quote_ticks(self._instrument_id)

    def on_quote_tick(self, tick: QuoteTick) -> None:
        self._quotes += 1
        if self._quotes in self._script:
            side, units = self._script[self._quotes]
            self.submit_order(
                self.order_factory.market(
                    self._instrument_id, OrderSide[side], Quantity.from_int(units)
                ),
            )


def test_partial_close_and_flip_on_netting_venue() -> None:
    engine = demo_engine(oms_type=OmsType.NETTING)
    manager = CapitalManager(CapitalManagerConfig(initial_capital=100_000))
    engine.add_actor(manager)
    script = {1: ("BUY", 100), 3: ("SELL", 40), 4: ("SELL", 100), 6: ("BUY", 40)}
    engine.add_strategy(ScriptedOrders(ScriptConfig(script=script)))

    engine.run()

    # Buy 100 at 99.95 (fee 20): realized -20.
    # Sell 40 at 101.00: +40 x 1.05 - 20 = +22 -> cumulative 2.
    # Sell 100 at 102.00 flips: Nautilus closes the 60 long (+60 x 2.05 = 123, with 60% of the
    # 20 commission = 12) -> cumulative 2 + 111 = 113, and opens a 40 short under the same id
    # carrying the other 8 of commission -> realized -8.
    # Buy 40 at 100.35: +40 x 1.65 - 20 = +46 -> cumulative 38.
    assert [(u.capital, u.realized_pnl, u.reason) for u in manager.history] == [
        (100_000.0, 0.0, "start"),
        (99_980.0, -20.0, "opened RELIANCE.NSE-ScriptedOrders-000: -20.00"),
        (100_002.0, 2.0, "changed RELIANCE.NSE-ScriptedOrders-000: +22.00"),
        (100_113.0, 113.0, "closed RELIANCE.NSE-ScriptedOrders-000: +111.00"),
        (100_105.0, 105.0, "opened RELIANCE.NSE-ScriptedOrders-000: -8.00"),
        (100_151.0, 151.0, "closed RELIANCE.NSE-ScriptedOrders-000: +46.00"),
    ]
    assert manager.history[-1].commissions == 80.0
    positions = engine.trader.generate_positions_report()
    assert sorted(positions["realized_pnl"].astype(str)) == ["113.00 INR", "38.00 INR"]
    account = engine.cache.account_for_venue(Venue("NSE"))
    assert account.balance_total(INR) == Money(1_000_151, INR)
    engine.dispose()
