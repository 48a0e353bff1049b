"""SessionTimer in a real BacktestEngine: ticks over a holiday weekend fall only in sessions."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from nautilus_trader.backtest.engine import BacktestEngine, BacktestEngineConfig
from nautilus_trader.common.actor import Actor
from nautilus_trader.common.events import TimeEvent
from nautilus_trader.config import LoggingConfig
from nautilus_trader.model.currencies import INR
from nautilus_trader.model.data import TradeTick
from nautilus_trader.model.enums import AccountType, AggressorSide, OmsType
from nautilus_trader.model.identifiers import TradeId
from nautilus_trader.model.objects import Money, Price, Quantity

from nautilus_options.common.session import SessionTimer
from nautilus_options.data.instruments import NSE, index_instrument
from nautilus_options.domain.nse import IST, session_bounds_ns

FIVE_MINUTES = 300_000_000_000
START = datetime(2026, 1, 23, 15, 0, tzinfo=IST)  # Friday; Monday 26 January is a holiday
END = datetime(2026, 1, 27, 9, 40, tzinfo=IST)


class Ticker(Actor):
    """Records the ticks of a five-minute session timer started with the actor."""

    def __init__(self) -> None:
        super().__init__()
        self.ticks: list[int] = []
        self._timer: SessionTimer | None = None

    def on_start(self) -> None:
        self._timer = SessionTimer(self.clock, "ticker", FIVE_MINUTES, self._on_tick)
        self._timer.start()

    def on_stop(self) -> None:
        if self._timer is not None:
            self._timer.stop()

    def _on_tick(self, event: TimeEvent) -> None:
        self.ticks.append(event.ts_event)


def test_ticks_only_in_sessions_across_a_holiday_weekend() -> None:
    engine = BacktestEngine(BacktestEngineConfig(logging=LoggingConfig(bypass_logging=True)))
    engine.add_venue(
        NSE, OmsType.NETTING, AccountType.CASH, starting_balances=[Money(1, INR)], base_currency=INR
    )
    index = index_instrument("NIFTY")
    engine.add_instrument(index)
    start_ns, end_ns = int(START.timestamp()) * 10**9, int(END.timestamp()) * 10**9
    engine.add_data(
        [
            TradeTick(
                index.id,
                Price(Decimal("25000.00"), 2),
                Quantity.from_int(1),
                AggressorSide.NO_AGGRESSOR,
                TradeId(str(n)),
                ts,
                ts,
            )
            for n, ts in enumerate((start_ns, end_ns))
        ]
    )
    ticker = Ticker()
    engine.add_actor(ticker)
    engine.run(start=START, end=END)
    _, friday_close = session_bounds_ns(date(2026, 1, 23))
    tuesday_open, _ = session_bounds_ns(date(2026, 1, 27))
    friday = list(range(start_ns + FIVE_MINUTES, friday_close + 1, FIVE_MINUTES))
    tuesday = list(range(tuesday_open, end_ns + 1, FIVE_MINUTES))
    assert friday[-1] == friday_close
    assert ticker.ticks == friday + tuesday
    engine.dispose()
