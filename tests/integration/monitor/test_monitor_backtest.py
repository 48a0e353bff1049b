"""SpreadMonitor in a real BacktestEngine: interval and fill snapshots, greeks, P&L."""

from __future__ import annotations

import itertools
import json
import math
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from nautilus_trader.backtest.engine import BacktestEngine, BacktestEngineConfig
from nautilus_trader.config import LoggingConfig, StrategyConfig
from nautilus_trader.core.data import Data
from nautilus_trader.model.currencies import INR
from nautilus_trader.model.data import DataType, QuoteTick, TradeTick
from nautilus_trader.model.enums import AccountType, AggressorSide, OmsType, OrderSide
from nautilus_trader.model.identifiers import InstrumentId, PositionId, TradeId
from nautilus_trader.model.objects import Money, Price, Quantity
from nautilus_trader.trading.strategy import Strategy

from nautilus_options import SpreadMonitor, SpreadMonitorConfig, SpreadSnapshot
from nautilus_options.data.instruments import NFO, NSE, index_instrument, option_contract
from nautilus_options.domain.nse import IST, OptionSymbol, expiry_ns
from nautilus_options.domain.pricing import black76_price

pytestmark = pytest.mark.slow

EXPIRY = date(2026, 1, 13)
SPOT = 24_500.0
VOL = 0.14
RATE = 0.065
LOT = 65
SHORT_STRIKE, LONG_STRIKE = 24_300, 24_100
OPEN_AT = datetime(2026, 1, 8, 9, 15, tzinfo=IST)
ENTER_AFTER = timedelta(minutes=5)
EXIT_AFTER = timedelta(minutes=35)
RUN_FOR = timedelta(minutes=50)
QUOTE_EVERY = timedelta(seconds=10)
INTERVAL_SECS = 60


def _option(strike: int, right: str) -> InstrumentId:
    symbol = OptionSymbol("NIFTY", EXPIRY, Decimal(strike), right, monthly=False)  # type: ignore[arg-type]
    return option_contract(symbol).id


SHORT_PUT = _option(SHORT_STRIKE, "PE")
LONG_PUT = _option(LONG_STRIKE, "PE")


class PutSpreadConfig(StrategyConfig, frozen=True):
    spread_id: str = "PutSpread-000-S0001"


class PutSpread(Strategy):
    """Sells one lot of a 24300/24100 put spread after 5 minutes and closes it after 35."""

    def __init__(self, config: PutSpreadConfig) -> None:
        super().__init__(config)
        self.spread_id = config.spread_id
        self.entered = False
        self.exited = False

    def on_start(self) -> None:
        self.subscribe_quote_ticks(SHORT_PUT)

    def on_quote_tick(self, tick: QuoteTick) -> None:
        elapsed = tick.ts_event - int(OPEN_AT.timestamp() * 1e9)
        if not self.entered and elapsed >= ENTER_AFTER.total_seconds() * 1e9:
            self.entered = True
            self._legs(close=False)
        elif not self.exited and elapsed >= EXIT_AFTER.total_seconds() * 1e9:
            self.exited = True
            self._legs(close=True)

    def _legs(self, close: bool) -> None:
        for index, (instrument_id, side) in enumerate(
            ((LONG_PUT, OrderSide.BUY), (SHORT_PUT, OrderSide.SELL))
        ):
            if close:
                side = OrderSide.SELL if side == OrderSide.BUY else OrderSide.BUY
            order = self.order_factory.market(instrument_id, side, Quantity.from_int(LOT))
            self.submit_order(order, position_id=PositionId(f"{self.spread_id}-L{index}"))


def _market() -> tuple[list[object], list[object]]:
    index = index_instrument("NIFTY", NSE)
    mirror = index_instrument("NIFTY", NFO)
    options = [
        option_contract(OptionSymbol("NIFTY", EXPIRY, Decimal(k), r, monthly=False))
        for k in (LONG_STRIKE, SHORT_STRIKE)
        for r in ("CE", "PE")
    ]
    data: list[object] = []
    start = int(OPEN_AT.timestamp() * 1e9)
    steps = int(RUN_FOR / QUOTE_EVERY)
    for step in range(steps):
        ts = start + step * int(QUOTE_EVERY.total_seconds() * 1e9)
        spot = SPOT + 20.0 * math.sin(step / 40)
        for instrument in (index, mirror):
            data.append(
                TradeTick(
                    instrument.id,
                    Price(spot, 2),
                    Quantity.from_int(1),
                    AggressorSide.NO_AGGRESSOR,
                    TradeId(f"T{step}"),
                    ts,
                    ts,
                )
            )
        t = (expiry_ns(EXPIRY) - ts) / (365 * 86_400e9)
        forward = spot * math.exp(RATE * t)
        for option in options:
            fair = black76_price(
                forward,
                option.strike_price.as_double(),
                t,
                VOL,
                RATE,
                option.option_kind.name == "CALL",
            )
            mid = max(round(fair / 0.05) * 0.05, 0.5)
            data.append(
                QuoteTick(
                    option.id,
                    Price(mid - 0.25, 2),
                    Price(mid + 0.25, 2),
                    Quantity.from_int(10_000),
                    Quantity.from_int(10_000),
                    ts,
                    ts,
                )
            )
    return [index, mirror, *options], data


def _run_engine(
    config: SpreadMonitorConfig,
    data_for: timedelta = RUN_FOR,
    gap: tuple[timedelta, timedelta] | None = None,
) -> tuple[BacktestEngine, SpreadMonitor, list[SpreadSnapshot]]:
    engine = BacktestEngine(BacktestEngineConfig(logging=LoggingConfig(log_level="ERROR")))
    engine.add_venue(
        NFO,
        OmsType.HEDGING,
        AccountType.MARGIN,
        starting_balances=[Money(1_000_000, INR)],
        base_currency=INR,
        default_leverage=Decimal(1),
    )
    engine.add_venue(
        NSE, OmsType.NETTING, AccountType.CASH, starting_balances=[Money(1, INR)], base_currency=INR
    )
    instruments, data = _market()
    for instrument in instruments:
        engine.add_instrument(instrument)
    until_ns = (OPEN_AT + data_for).timestamp() * 1e9
    gap_ns = [(OPEN_AT + t).timestamp() * 1e9 for t in gap or (timedelta(0), timedelta(0))]
    engine.add_data(
        [
            d
            for d in data
            if isinstance(d, Data)
            and d.ts_init < until_ns
            and not gap_ns[0] <= d.ts_init < gap_ns[1]
        ]
    )
    monitor = SpreadMonitor(config)
    engine.add_actor(monitor)
    engine.add_strategy(PutSpread(PutSpreadConfig()))
    published: list[SpreadSnapshot] = []
    engine.kernel.msgbus.subscribe(f"data.{DataType(SpreadSnapshot).topic}", published.append)
    engine.run(end=OPEN_AT + RUN_FOR)
    return engine, monitor, published


@pytest.fixture(scope="module")
def run() -> Iterator[tuple[SpreadMonitor, list[SpreadSnapshot]]]:
    engine, monitor, published = _run_engine(SpreadMonitorConfig(interval_secs=INTERVAL_SECS))
    yield monitor, published
    engine.dispose()


def test_snapshots_are_published_on_the_bus_and_kept(
    run: tuple[SpreadMonitor, list[SpreadSnapshot]],
) -> None:
    monitor, published = run
    kept = monitor.snapshots
    assert len(published) == len(kept) > 0
    assert [s.ts_event for s in published] == [s.ts_event for s in kept]


def test_one_snapshot_per_fill_and_per_interval_while_open(
    run: tuple[SpreadMonitor, list[SpreadSnapshot]],
) -> None:
    _, snapshots = run
    fills = [s for s in snapshots if s.reason == "fill"]
    assert len(fills) == 4  # two legs opened, two legs closed
    entry_ns = fills[0].ts_event
    exit_ns = fills[-1].ts_event
    assert fills[-1].is_open is False
    assert all(s.is_open for s in fills[:-1])
    intervals = [s for s in snapshots if s.reason == "interval"]
    gaps = {b.ts_event - a.ts_event for a, b in itertools.pairwise(intervals)}
    assert gaps == {INTERVAL_SECS * 1_000_000_000}
    # The timer runs while the spread is open: from one interval after the entry fill
    # until the exit.
    assert intervals[0].ts_event == entry_ns + INTERVAL_SECS * 1_000_000_000
    assert 0 <= exit_ns - intervals[-1].ts_event <= INTERVAL_SECS * 1_000_000_000


def test_short_put_spread_greeks_have_the_expected_signs(
    run: tuple[SpreadMonitor, list[SpreadSnapshot]],
) -> None:
    _, snapshots = run
    held = [s for s in snapshots if s.reason == "interval"]
    for snapshot in held:
        assert snapshot.net_delta > 0  # short put spread profits when NIFTY rises
        assert snapshot.theta > 0  # and from time decay
        assert snapshot.vega < 0  # and loses when vol rises
        assert snapshot.gamma < 0
        forward = SPOT * math.exp(RATE * snapshot.time_to_expiry)  # from put-call parity
        assert snapshot.underlying == pytest.approx(forward, abs=25)
        legs = snapshot.leg_list()
        assert [leg["open_quantity"] for leg in legs] == [LOT, -LOT]
        assert [leg["quantity"] for leg in legs] == [LOT, -LOT]
        assert all(leg["iv"] == pytest.approx(VOL, abs=0.01) for leg in legs)


def test_risk_figures_follow_the_spread_geometry(
    run: tuple[SpreadMonitor, list[SpreadSnapshot]],
) -> None:
    _, snapshots = run
    snapshot = next(s for s in snapshots if s.reason == "interval")
    legs = snapshot.leg_list()
    credit = legs[1]["avg_px_open"] - legs[0]["avg_px_open"]
    assert credit > 0
    assert snapshot.max_loss == pytest.approx((SHORT_STRIKE - LONG_STRIKE - credit) * LOT)
    assert snapshot.breakeven_list() == pytest.approx([SHORT_STRIKE - credit])
    assert snapshot.mark == pytest.approx(LOT * (legs[0]["mid"] - legs[1]["mid"]))
    assert snapshot.unrealized_pnl == pytest.approx(snapshot.mark + credit * LOT)
    days = snapshot.time_to_expiry * 365
    assert 5.2 < days < 5.3  # Thursday 09:2x IST to Tuesday 15:30 IST


def test_closed_spread_reports_realized_pnl_and_no_open_risk(
    run: tuple[SpreadMonitor, list[SpreadSnapshot]],
) -> None:
    _, snapshots = run
    final = snapshots[-1]
    assert final.reason == "fill"
    assert not final.is_open
    assert final.net_delta == 0.0
    assert final.mark == 0.0
    assert final.unrealized_pnl == 0.0
    legs = json.loads(final.legs)
    assert [leg["open_quantity"] for leg in legs] == [0.0, 0.0]
    assert [leg["quantity"] for leg in legs] == [LOT, -LOT]  # as opened, like LegView
    expected = sum(leg["quantity"] * (leg["avg_px_close"] - leg["avg_px_open"]) for leg in legs)
    assert final.realized_pnl == pytest.approx(expected)


@pytest.mark.parametrize("skip_unchanged", [True, False])
def test_interval_snapshots_pause_while_prices_stand_still(skip_unchanged: bool) -> None:
    # Market data stops after 20 minutes with the spread still open (no quote to exit on).
    quiet_ns = int((OPEN_AT + timedelta(minutes=20)).timestamp() * 1e9)
    engine, _, published = _run_engine(
        SpreadMonitorConfig(interval_secs=INTERVAL_SECS, skip_unchanged=skip_unchanged),
        data_for=timedelta(minutes=20),
    )
    interval_ns = INTERVAL_SECS * 1_000_000_000
    late = [s for s in published if s.reason == "interval" and s.ts_event > quiet_ns + interval_ns]
    if skip_unchanged:
        assert late == []  # the snapshot just after the last quote, then nothing
    else:
        assert len(late) >= 25  # every minute to the end of the run
    engine.dispose()


def test_interval_snapshots_resume_on_schedule_after_a_quiet_spell() -> None:
    # No market data from minute 12 to 25: no interval snapshots in between, then they go on
    # at the times of the timer started with the entry fill.
    engine, _, published = _run_engine(
        SpreadMonitorConfig(interval_secs=INTERVAL_SECS),
        gap=(timedelta(minutes=12), timedelta(minutes=25)),
    )
    entry_ns = next(s.ts_event for s in published if s.reason == "fill")
    intervals = [s.ts_event for s in published if s.reason == "interval"]
    interval_ns = INTERVAL_SECS * 1_000_000_000
    assert all((ts - entry_ns) % interval_ns == 0 for ts in intervals)
    resumed_ns = (OPEN_AT + timedelta(minutes=25)).timestamp() * 1e9
    quiet = [ts for ts in intervals if resumed_ns - 12 * interval_ns < ts < resumed_ns]
    assert quiet == []
    assert any(ts >= resumed_ns for ts in intervals)
    engine.dispose()


def test_fill_snapshots_can_be_switched_off() -> None:
    engine, monitor, published = _run_engine(
        SpreadMonitorConfig(interval_secs=INTERVAL_SECS, publish_on_fills=False)
    )
    assert published
    assert {s.reason for s in published} == {"interval"}
    assert len(monitor.snapshots) == len(published)
    engine.dispose()


def test_other_strategies_spreads_are_ignored_and_kept_snapshots_bounded() -> None:
    engine, _, ignored = _run_engine(SpreadMonitorConfig(strategy_id="Other-001"))
    assert ignored == []
    engine.dispose()
    engine, monitor, published = _run_engine(
        SpreadMonitorConfig(strategy_id="PutSpread-000", max_snapshots=3)
    )
    assert len(published) > 3
    assert [s.ts_event for s in monitor.snapshots] == [s.ts_event for s in published[-3:]]
    engine.dispose()
