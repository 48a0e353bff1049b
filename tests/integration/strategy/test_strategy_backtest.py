"""OptionsSpreadStrategy in a real BacktestEngine over a small generated market."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from itertools import pairwise
from pathlib import Path
from typing import Any, Literal

import pytest
from nautilus_trader.backtest.engine import BacktestEngine, BacktestEngineConfig
from nautilus_trader.common.actor import Actor
from nautilus_trader.config import LoggingConfig, RiskEngineConfig
from nautilus_trader.core.data import Data
from nautilus_trader.model.currencies import INR
from nautilus_trader.model.data import TradeTick
from nautilus_trader.model.enums import AccountType, OmsType, OrderSide
from nautilus_trader.model.events import OrderFilled
from nautilus_trader.model.identifiers import InstrumentId
from nautilus_trader.model.instruments import Instrument, OptionContract
from nautilus_trader.model.objects import Money
from nautilus_trader.persistence.catalog.parquet import ParquetDataCatalog

from nautilus_options import CapitalManager, CapitalManagerConfig
from nautilus_options.backtest.fees import IndianOptionsFeeModel
from nautilus_options.capital.messages import MARGIN_ENDPOINT, MarginRequest, MarginResponse
from nautilus_options.data.instruments import NFO, NSE
from nautilus_options.data.synthetic import SyntheticMarketConfig, generate_market
from nautilus_options.domain.charges import expiry_settlement_charges, order_charges
from nautilus_options.domain.margins import EXPOSURE_RATE
from nautilus_options.domain.nse import IST
from nautilus_options.domain.time import ist_datetime
from nautilus_options.portfolio import SettlementRules, SpreadTracker, SpreadView, tag_value
from nautilus_options.strategy.config import OptionsSpreadStrategyConfig
from nautilus_options.strategy.strategy import OptionsSpreadStrategy

SETTLEMENT = SettlementRules.from_paths()

pytestmark = pytest.mark.slow

INITIAL_CAPITAL = 1_000_000.0
NFO_INDEX = InstrumentId.from_str("NIFTY.NFO")
MARKET = SyntheticMarketConfig(
    start=date(2026, 1, 5), days=4, strikes_each_side=10, expiries=2, bar_minutes=5
)
# The small market lists ten strikes each side: trade the nearest expiry, closer strikes.
NEAREST_EXPIRY: dict[str, Any] = {
    "strike_value": 0.2,
    "min_days_to_expiry": 0,
    "exit_minutes_before_expiry": None,
    "max_quote_age_secs": 360,  # MARKET quotes every 5 minutes
}

INTRADAY: dict[str, Any] = {
    "spread_type": "bull_put_credit",
    "strike_rule": "delta",
    "strike_value": 0.3,
    "wing_width": 100.0,
    "entry_windows": ("09:30-14:00",),
    "max_entries_per_day": 3,
    "reentry_cooldown_minutes": 15.0,
    "profit_target_pct": 20.0,
    "stop_loss_credit_multiple": 1.0,
    "exit_time": "15:00",
}


@dataclass(frozen=True)
class Market:
    instruments: list[Instrument] = field(repr=False)
    data: list[Data] = field(repr=False)


@pytest.fixture(scope="module")
def market(tmp_path_factory: pytest.TempPathFactory) -> Market:
    path = tmp_path_factory.mktemp("strategy-market") / "catalog"
    generate_market(MARKET, Path(path))
    catalog = ParquetDataCatalog(str(path))
    return Market(catalog.instruments(), [*catalog.trade_ticks(), *catalog.quote_ticks()])


@dataclass
class Run:
    engine: BacktestEngine
    manager: CapitalManager | None
    strategy: OptionsSpreadStrategy
    spreads: list[SpreadView]

    def fills(self, spread_id: str) -> list[OrderFilled]:
        """All fills of the spread's leg positions, settlement included, in time order."""
        fills = [
            fill
            for position in self.engine.cache.positions()
            if str(position.id).startswith(f"{spread_id}-L")
            for fill in position.events
        ]
        return sorted(fills, key=lambda fill: fill.ts_event)

    def option(self, fill: OrderFilled) -> OptionContract:
        instrument = self.engine.cache.instrument(fill.instrument_id)
        assert isinstance(instrument, OptionContract)
        return instrument


def add_venues(engine: BacktestEngine) -> None:
    engine.add_venue(
        NFO,
        OmsType.HEDGING,
        AccountType.MARGIN,
        starting_balances=[Money(INITIAL_CAPITAL, INR)],
        base_currency=INR,
        default_leverage=Decimal(1),
        fee_model=IndianOptionsFeeModel(),
    )
    engine.add_venue(
        NSE, OmsType.NETTING, AccountType.CASH, starting_balances=[Money(0, INR)], base_currency=INR
    )


def run_strategy(
    market: Market,
    risk: RiskEngineConfig | None = None,
    with_manager: bool = True,
    max_drawdown_pct: float | None = None,
    **overrides: Any,
) -> Run:
    engine = BacktestEngine(
        BacktestEngineConfig(
            logging=LoggingConfig(log_level="ERROR"), risk_engine=risk or RiskEngineConfig()
        )
    )
    add_venues(engine)
    for instrument in market.instruments:
        engine.add_instrument(instrument)
    engine.add_data(market.data)
    manager = None
    if with_manager:
        manager = CapitalManager(
            CapitalManagerConfig(initial_capital=INITIAL_CAPITAL, max_drawdown_pct=max_drawdown_pct)
        )
        engine.add_actor(manager)
    strategy = OptionsSpreadStrategy(OptionsSpreadStrategyConfig(**{**NEAREST_EXPIRY, **overrides}))
    engine.add_strategy(strategy)
    engine.run()
    return Run(engine, manager, strategy, SpreadTracker(engine.cache).spreads())


def leg_quote_topics(engine: BacktestEngine, strategy: OptionsSpreadStrategy) -> set[str]:
    """Quote topics on which the strategy handles quotes itself (not only caches them)."""
    return {
        subscription.topic
        for subscription in engine.kernel.msgbus.subscriptions("data.quotes.*")
        if subscription.handler == strategy._on_leg_quote
    }


def cash_flow(fill: OrderFilled) -> float:
    sign = 1.0 if fill.order_side == OrderSide.SELL else -1.0
    return sign * fill.last_qty.as_double() * fill.last_px.as_double()


def hand_charges(fills: list[OrderFilled]) -> float:
    """Zerodha charges of the fills: brokerage on each order's first fill, the rest on
    turnover; nothing on expiry settlement."""
    charged: set[str] = set()
    total = 0.0
    for fill in fills:
        if SETTLEMENT.is_settlement(fill):
            continue
        order_id = fill.client_order_id.value
        side: Literal["BUY", "SELL"] = "SELL" if fill.order_side == OrderSide.SELL else "BUY"
        turnover = fill.last_qty.as_double() * fill.last_px.as_double()
        day = ist_datetime(fill.ts_event).date()
        total += order_charges(side, turnover, day, 0 if order_id in charged else 1).total
        charged.add(order_id)
    return total


@pytest.fixture(scope="module")
def held_to_expiry(market: Market) -> Iterator[Run]:
    run = run_strategy(
        market,
        spread_type="iron_butterfly",
        wing_width=100.0,
        entry_windows=("09:30-10:00",),
        exit_time=None,
        hold_to_expiry=True,
        profit_target_pct=None,
        stop_loss_credit_multiple=None,
    )
    yield run
    run.engine.dispose()


@pytest.fixture(scope="module")
def intraday(market: Market) -> Iterator[Run]:
    run = run_strategy(market, **INTRADAY)
    yield run
    run.engine.dispose()


def test_legs_match_the_spread_shape(held_to_expiry: Run) -> None:
    spread = held_to_expiry.spreads[0]
    assert spread.spread_id == "OptionsSpreadStrategy-000-S0001"
    assert spread.spread_type == "iron_butterfly"
    assert [(leg.right, leg.ratio) for leg in spread.legs] == [
        ("PE", 1),
        ("PE", -1),
        ("CE", -1),
        ("CE", 1),
    ]
    strikes = [leg.strike for leg in spread.legs]
    assert strikes[1] == strikes[2]
    assert strikes[1] - strikes[0] == strikes[3] - strikes[2] == 100.0
    assert all(abs(leg.quantity) == spread.lots * spread.lot_size for leg in spread.legs)
    assert spread.lot_size == 65
    assert spread.net_premium > 0
    assert spread.max_loss == pytest.approx((100.0 - spread.net_premium) * spread.units)


def test_credit_vertical_legs_are_a_hedged_out_of_the_money_put(intraday: Run) -> None:
    for spread in intraday.spreads:
        assert spread.spread_type == "bull_put_credit"
        hedge, short = spread.legs
        assert (hedge.right, hedge.ratio, short.right, short.ratio) == ("PE", 1, "PE", -1)
        assert short.strike - hedge.strike == 100.0
        assert hedge.quantity == -short.quantity == spread.units
        assert 0 < spread.net_premium < 100.0
        assert spread.max_loss == pytest.approx((100.0 - spread.net_premium) * spread.units)
        assert spread.breakevens == pytest.approx((short.strike - spread.net_premium,))


def test_hedges_fill_before_shorts_are_sent(held_to_expiry: Run, intraday: Run) -> None:
    for run in (held_to_expiry, intraday):
        for spread in run.spreads:
            orders = [
                order
                for order in run.engine.cache.orders(strategy_id=run.strategy.id)
                if tag_value(order.tags, "spread") == spread.spread_id
                and tag_value(order.tags, "intent") == "open"
            ]
            hedges = [o for o in orders if o.side == OrderSide.BUY]
            shorts = [o for o in orders if o.side == OrderSide.SELL]
            assert hedges
            assert shorts
            last_hedge_fill = max(o.ts_last for o in hedges)
            assert all(o.ts_init >= last_hedge_fill for o in shorts)


def test_expiry_settles_at_intrinsic_with_exercise_stt(market: Market, held_to_expiry: Run) -> None:
    run = held_to_expiry
    spread = run.spreads[0]
    assert not spread.is_open
    assert spread.closed_ns == spread.expiry_ns
    settlement = [fill for fill in run.fills(spread.spread_id) if SETTLEMENT.is_settlement(fill)]
    assert len(settlement) == 4
    spot = max(
        (tick.ts_event, tick.price.as_double())
        for tick in market.data
        if isinstance(tick, TradeTick)
        and tick.instrument_id == NFO_INDEX
        and tick.ts_event <= spread.expiry_ns
    )[1]
    expected_stt = expected_total = 0.0
    for fill in settlement:
        option = run.option(fill)
        strike = option.strike_price.as_double()
        intrinsic = (
            max(spot - strike, 0.0)
            if option.option_kind.name == "CALL"
            else max(strike - spot, 0.0)
        )
        assert fill.last_px.as_double() == pytest.approx(intrinsic, abs=0.01)
        if intrinsic > 0:  # exercised (a long leg) or assigned (a short leg)
            side: Literal["long", "short"] = (
                "long" if fill.order_side == OrderSide.SELL else "short"
            )
            turnover = intrinsic * fill.last_qty.as_double()
            charges = expiry_settlement_charges(side, turnover, date(2026, 1, 6))
            expected_stt += charges.stt
            expected_total += charges.total
    assert spread.settlement_charges == pytest.approx(expected_total)
    assert expected_stt > 0  # the market moves past a wing: the long leg is exercised


def test_spread_pnl_is_fills_minus_charges(held_to_expiry: Run, intraday: Run) -> None:
    for run in (held_to_expiry, intraday):
        closed = [spread for spread in run.spreads if not spread.is_open]
        assert closed
        for spread in closed:
            fills = run.fills(spread.spread_id)
            commissions = sum(fill.commission.as_double() for fill in fills)
            assert commissions == pytest.approx(hand_charges(fills), abs=0.01)
            gross = sum(cash_flow(fill) for fill in fills)
            assert spread.commissions == pytest.approx(commissions)
            assert spread.realized_pnl == pytest.approx(
                gross - commissions - spread.settlement_charges, abs=0.01
            )


def test_capital_compounds_over_closed_spreads(intraday: Run) -> None:
    manager = intraday.manager
    assert manager is not None
    closed = sorted(
        (spread for spread in intraday.spreads if not spread.is_open),
        key=lambda spread: spread.closed_ns or 0,
    )
    assert len(closed) >= 3
    capitals = [round(update.capital, 2) for update in manager.history]
    cumulative = INITIAL_CAPITAL
    for spread in closed:
        cumulative += spread.realized_pnl
        assert round(cumulative, 2) in capitals, spread.spread_id
    final = manager.history[-1]
    assert final.capital == pytest.approx(cumulative, abs=0.01)
    assert final.deployed == pytest.approx(0.0)
    # Compounding: every sizing decision uses the capital of that moment.
    assert all(update.sizing_capital == update.capital for update in manager.history)
    reservations = [u for u in manager.history if u.reason.startswith("reserved")]
    assert len(reservations) == len(intraday.spreads)
    assert len({u.sizing_capital for u in reservations}) == len(reservations)


def test_entries_respect_windows_limits_and_exits(intraday: Run) -> None:
    per_day: dict[date, int] = {}
    for spread in intraday.spreads:
        opened = ist_datetime(spread.opened_ns)
        assert (9, 30) <= (opened.hour, opened.minute) < (14, 5)
        per_day[opened.date()] = per_day.get(opened.date(), 0) + 1
        assert spread.closed_ns is not None
        closed = ist_datetime(spread.closed_ns)
        assert closed.date() == opened.date()
        assert (closed.hour, closed.minute) <= (15, 5)
    assert max(per_day.values()) <= 3
    spreads = intraday.spreads
    for earlier, later in pairwise(spreads):
        assert earlier.closed_ns is not None
        assert later.opened_ns >= earlier.closed_ns  # max one concurrent spread


def test_rejected_short_leg_unwinds_the_hedge(market: Market) -> None:
    # The RiskEngine lets one order through per minute (a broker rate limit): the hedge goes
    # out at 09:30 and fills within seconds, so the short leg sent right after is denied.
    # The strategy must sell the filled hedge (its first close is also throttled and is
    # retried on the next check) and leave nothing open.
    run = run_strategy(
        market,
        risk=RiskEngineConfig(max_order_submit_rate="1/00:01:00"),
        spread_type="bull_put_credit",
        strike_value=0.3,
        wing_width=100.0,
        entry_windows=("09:30-09:35",),
        exit_time="15:00",
    )
    first = run.spreads[0]
    assert [(leg.index, leg.ratio) for leg in first.legs] == [(0, 1)]  # the hedge only
    hedge = first.legs[0]
    assert not hedge.is_open
    assert hedge.avg_px_close > 0
    orders = [
        order
        for order in run.engine.cache.orders(strategy_id=run.strategy.id)
        if tag_value(order.tags, "spread") == first.spread_id
    ]
    short = [order for order in orders if tag_value(order.tags, "leg") == "1"]
    assert [order.status.name for order in short] == ["DENIED"]
    assert short[0].side == OrderSide.SELL
    closes = [order for order in orders if tag_value(order.tags, "intent") == "close"]
    assert {tag_value(order.tags, "reason") for order in closes} == {"unwind"}
    assert all(order.side == OrderSide.SELL for order in closes)
    assert closes[-1].status.name == "FILLED"
    assert run.engine.cache.positions_open() == []
    assert run.strategy.active_spread_ids == []
    assert run.manager is not None
    assert run.manager.history[-1].deployed == pytest.approx(0.0)
    run.engine.dispose()


def test_orders_above_the_freeze_quantity_are_sliced(market: Market) -> None:
    run = run_strategy(
        market,
        with_manager=False,
        capital_manager=False,
        margin_source="off",
        lots=30,
        spread_type="bull_put_credit",
        strike_value=0.3,
        wing_width=100.0,
        entry_windows=("09:30-09:35",),
        max_entries_per_day=1,
        exit_time="15:00",
    )
    spread = run.spreads[0]
    assert spread.lots == 30
    for leg in spread.legs:
        opening = sorted(
            int(order.quantity.as_double())
            for order in run.engine.cache.orders(strategy_id=run.strategy.id)
            if tag_value(order.tags, "spread") == spread.spread_id
            and tag_value(order.tags, "leg") == str(leg.index)
            and tag_value(order.tags, "intent") == "open"
        )
        assert opening == [195, 1755]
        assert abs(leg.quantity) == 1950
    assert run.engine.cache.positions_open() == []
    run.engine.dispose()


def test_unfilled_hedge_times_out_and_leaves_nothing_open(market: Market) -> None:
    # Quotes arrive every five minutes and the hedges work near the mid for longer than the
    # leg timeout: entries are cancelled, and a hedge that did fill is sold again.
    run = run_strategy(
        market,
        spread_type="iron_condor",
        reprice_steps=50,
        reprice_interval_secs=30.0,
        leg_timeout_secs=60.0,
        entry_windows=("09:30-10:00",),
        max_entries_per_day=1,
        reentry_cooldown_minutes=0.0,
    )
    orders = run.engine.cache.orders(strategy_id=run.strategy.id)
    opening = [o for o in orders if tag_value(o.tags, "intent") == "open"]
    closing = [o for o in orders if tag_value(o.tags, "intent") == "close"]
    assert all(order.side == OrderSide.BUY for order in opening)  # never reached the shorts
    assert {order.status.name for order in opening} == {"CANCELED", "FILLED"}
    filled = {order.instrument_id for order in opening if order.status.name == "FILLED"}
    assert {order.instrument_id for order in closing} == filled
    assert all(tag_value(order.tags, "reason") == "unwind" for order in closing)
    assert run.engine.cache.positions_open() == []
    assert run.strategy.active_spread_ids == []
    # A spread whose leg 0 never filled is still found by id.
    assert any(view.legs[0].index != 0 for view in run.spreads)
    tracker = SpreadTracker(run.engine.cache)
    for view in run.spreads:
        single = tracker.spread(view.spread_id)
        assert single is not None
        assert [leg.index for leg in single.legs] == [leg.index for leg in view.legs]
    manager = run.manager
    assert manager is not None
    reserved = [u for u in manager.history if u.reason.startswith("reserved")]
    released = [u for u in manager.history if u.reason.startswith("released")]
    assert len(reserved) == len(released) == 4  # one attempt per trading day
    assert manager.history[-1].deployed == pytest.approx(0.0)
    run.engine.dispose()


def test_halt_stops_new_entries(market: Market) -> None:
    run = run_strategy(market, max_drawdown_pct=0.2, **INTRADAY)
    manager = run.manager
    assert manager is not None
    halt = next(i for i, u in enumerate(manager.history) if u.halted)
    assert not any(u.reason.startswith("reserved") for u in manager.history[halt:])
    assert run.spreads
    assert all(not spread.is_open for spread in run.spreads)
    assert all(spread.opened_ns <= manager.history[halt].ts_event for spread in run.spreads)
    run.engine.dispose()


def test_no_entries_without_a_capital_manager_on_the_bus(market: Market) -> None:
    run = run_strategy(market, with_manager=False, **INTRADAY)
    assert run.engine.cache.orders() == []
    run.engine.dispose()


def test_restart_adopts_the_open_spread(market: Market) -> None:
    # Run the first morning, stop the strategy with a spread open, start a fresh instance
    # with the saved state and run the rest: it must manage the open spread to the end.
    split = int(datetime(2026, 1, 5, 12, 0, tzinfo=IST).timestamp() * 1e9)
    engine = BacktestEngine(BacktestEngineConfig(logging=LoggingConfig(log_level="ERROR")))
    add_venues(engine)
    for instrument in market.instruments:
        engine.add_instrument(instrument)
    manager = CapitalManager(CapitalManagerConfig(initial_capital=INITIAL_CAPITAL))
    engine.add_actor(manager)
    config = OptionsSpreadStrategyConfig(
        **NEAREST_EXPIRY,
        spread_type="iron_condor",
        entry_windows=("09:30-14:00",),
        profit_target_pct=None,
        stop_loss_credit_multiple=None,
        exit_time="15:00",
    )
    first = OptionsSpreadStrategy(config)
    engine.add_strategy(first)
    engine.add_data([d for d in market.data if d.ts_init < split])
    engine.run(streaming=True)
    assert first.active_spread_ids == ["OptionsSpreadStrategy-000-S0001"]
    # Of the chain's quotes, only those of the open spread's legs reach the strategy's code.
    legs = SpreadTracker(engine.cache).spreads()[0].legs
    topics = {f"data.quotes.{leg.instrument_id.venue}.{leg.instrument_id.symbol}" for leg in legs}
    assert leg_quote_topics(engine, first) == topics
    state = first.on_save()
    engine.trader.stop()
    assert leg_quote_topics(engine, first) == set()
    engine.trader.remove_strategy(first.id)

    second = OptionsSpreadStrategy(config)
    second.on_load(state)
    engine.add_strategy(second)
    manager.resume()
    second.clock.set_time(split)
    second.start()
    assert second.id == first.id
    assert second.active_spread_ids == ["OptionsSpreadStrategy-000-S0001"]
    engine.clear_data()
    engine.add_data([d for d in market.data if d.ts_init >= split])
    engine.run(streaming=True)
    engine.end()

    spreads = SpreadTracker(engine.cache).spreads()
    assert spreads[0].spread_id == "OptionsSpreadStrategy-000-S0001"
    assert not spreads[0].is_open
    closes = [
        order
        for order in engine.cache.orders()
        if tag_value(order.tags, "spread") == spreads[0].spread_id
        and tag_value(order.tags, "intent") == "close"
    ]
    assert {tag_value(order.tags, "reason") for order in closes} == {"time_exit"}
    # Numbering continues after the restart: the next entry is on the next day.
    assert [s.spread_id[-5:] for s in spreads[1:]] == [f"S{n:04d}" for n in range(2, 5)]
    assert engine.cache.positions_open() == []
    assert manager.history[-1].deployed == pytest.approx(0.0)
    engine.dispose()


def test_lots_are_capped_by_the_margin_the_account_can_carry(market: Market) -> None:
    # 30 lots of a 100-point bull put spread: NSE's exposure margin alone (2 % of the
    # notional of the short leg, about ₹33,000 a NIFTY lot) caps a ₹10 lakh account below 30.
    run = run_strategy(
        market,
        with_manager=False,
        capital_manager=False,
        lots=30,
        spread_type="bull_put_credit",
        strike_value=0.3,
        wing_width=100.0,
        entry_windows=("09:30-09:35",),
        max_entries_per_day=1,
        exit_time="15:00",
    )
    spread = run.spreads[0]
    (short,) = [leg for leg in spread.legs if leg.ratio < 0]
    # the short put is out of the money, so the index (the exposure's base) is above its strike
    exposure_per_lot = EXPOSURE_RATE * short.strike * spread.lot_size
    assert 1 <= spread.lots < 30
    assert spread.lots * exposure_per_lot <= INITIAL_CAPITAL


class _MarginDesk(Actor):
    """A broker's margin desk on the bus: one lot blocks ₹50,000 of ₹1,75,000 available."""

    def __init__(self, error: str | None = None) -> None:
        super().__init__()
        self.error = error
        self.requests: list[MarginRequest] = []

    def on_start(self) -> None:
        self.msgbus.register(MARGIN_ENDPOINT, self._answer)

    def _answer(self, request: MarginRequest) -> None:
        self.requests.append(request)
        request.callback(
            MarginResponse(request.request_id, 80_000.0, 50_000.0, 175_000.0, self.error)
        )


@pytest.mark.parametrize(("error", "lots"), [(None, 3), ("Kite: too many requests", 0)])
def test_venue_margin_caps_the_lots(market: Market, error: str | None, lots: int) -> None:
    engine = BacktestEngine(BacktestEngineConfig(logging=LoggingConfig(log_level="ERROR")))
    add_venues(engine)
    for instrument in market.instruments:
        engine.add_instrument(instrument)
    engine.add_data(market.data)
    desk = _MarginDesk(error)
    engine.add_actor(desk)
    strategy = OptionsSpreadStrategy(
        OptionsSpreadStrategyConfig(
            **{
                **NEAREST_EXPIRY,
                "capital_manager": False,
                "margin_source": "venue",
                "lots": 10,
                "max_entries_per_day": 1,
            }
        )
    )
    engine.add_strategy(strategy)
    engine.run()
    try:
        spreads = SpreadTracker(engine.cache).spreads()
        assert desk.requests, "the strategy never asked for margin"
        legs = desk.requests[0].legs
        assert {leg.side for leg in legs} == {"BUY", "SELL"}
        assert all(leg.quantity == 65 for leg in legs)  # one lot of every leg
        if lots:
            assert [spread.lots for spread in spreads] == [lots] * len(spreads)
            assert spreads
        else:
            assert spreads == []
            assert strategy.entry_diagnostics.no_margin > 0
    finally:
        engine.dispose()
