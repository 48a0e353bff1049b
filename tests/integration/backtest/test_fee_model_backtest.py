"""Zerodha charges and exercise STT in real backtests (BacktestEngine and BacktestNode).

Every expected figure is computed by hand from the 1 Oct 2024 schedule (STT 0.1% on sells,
NSE 0.03503%, SEBI Rs 10/crore, stamp 0.003% on buys, GST 18%, each rounded to the paisa).
"""

from __future__ import annotations

from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path

import pytest
from nautilus_trader.backtest.config import FeeModelFactory
from nautilus_trader.backtest.engine import BacktestEngine, BacktestEngineConfig
from nautilus_trader.backtest.node import BacktestNode
from nautilus_trader.config import (
    BacktestDataConfig,
    BacktestRunConfig,
    ImportableStrategyConfig,
    LoggingConfig,
    StrategyConfig,
)
from nautilus_trader.model.currencies import INR
from nautilus_trader.model.data import QuoteTick, TradeTick
from nautilus_trader.model.enums import AccountType, AggressorSide, OmsType, OrderSide
from nautilus_trader.model.events import OrderFilled
from nautilus_trader.model.identifiers import InstrumentId, TradeId, new_generic_spread_id
from nautilus_trader.model.instruments import OptionContract
from nautilus_trader.model.objects import Money, Price, Quantity
from nautilus_trader.persistence.catalog import ParquetDataCatalog
from nautilus_trader.trading.strategy import Strategy

from nautilus_options.backtest.fees import IndianOptionsFeeModel, importable_fee_model_config
from nautilus_options.data.instruments import NFO, index_instrument, option_contract
from nautilus_options.domain.nse import IST, OptionSymbol
from nautilus_options.environments.venues import nse_venue_configs
from nautilus_options.portfolio import SettlementRules

SETTLEMENT = SettlementRules.from_paths()

pytestmark = pytest.mark.slow

TRADE_DAY = date(2026, 1, 13)
EXPIRY = date(2026, 1, 20)
NIFTY_AT_EXPIRY = 24150.0
CE_24000 = option_contract(OptionSymbol("NIFTY", EXPIRY, Decimal(24000), "CE", monthly=False))
CE_24100 = option_contract(OptionSymbol("NIFTY", EXPIRY, Decimal(24100), "CE", monthly=False))
PE_23900 = option_contract(OptionSymbol("NIFTY", EXPIRY, Decimal(23900), "PE", monthly=False))
NIFTY_MIRROR = index_instrument("NIFTY", NFO)
#: Runs continue past the last data point so timers and the 15:30 IST expiry fire.
RUN_END = datetime.combine(EXPIRY, time(16, 0), tzinfo=IST)


def ist_ns(day: date, hour: int, minute: int, second: int = 0) -> int:
    return int(datetime.combine(day, time(hour, minute, second), tzinfo=IST).timestamp()) * 10**9


class PlannedOrdersConfig(StrategyConfig, frozen=True):
    """Market orders ``(ts_ns, instrument_id, side, quantity)`` to submit at given times."""

    plan: list[tuple[int, str, str, int]]


class PlannedOrders(Strategy):
    """Submits the planned market orders and records every fill it receives."""

    def __init__(self, config: PlannedOrdersConfig) -> None:
        super().__init__(config)
        self.plan = config.plan
        self.fills: list[OrderFilled] = []

    def on_start(self) -> None:
        for i, (ts, instrument_id, side, quantity) in enumerate(self.plan):
            self.clock.set_time_alert_ns(
                f"order-{i}",
                ts,
                lambda _, iid=instrument_id, s=side, q=quantity: self._submit(iid, s, q),
            )

    def _submit(self, instrument_id: str, side: str, quantity: int) -> None:
        order = self.order_factory.market(
            InstrumentId.from_str(instrument_id), OrderSide[side], Quantity.from_int(quantity)
        )
        self.submit_order(order)

    def on_order_filled(self, event: OrderFilled) -> None:
        self.fills.append(event)


def quote(option: OptionContract, ts: int, bid: float, ask: float, size: int = 65) -> QuoteTick:
    return QuoteTick(
        option.id,
        Price(bid, 2),
        Price(ask, 2),
        Quantity.from_int(size),
        Quantity.from_int(size),
        ts,
        ts,
    )


def index_trade(ts: int, price: float) -> TradeTick:
    return TradeTick(
        NIFTY_MIRROR.id,
        Price(price, 2),
        Quantity.from_int(1),
        AggressorSide.NO_AGGRESSOR,
        TradeId(f"NIFTY-{ts}"),
        ts,
        ts,
    )


# Quotes for the 24000 CE on 13 Jan 2026: the third has only 65 units on the offer, so a
# 195-unit market buy fills 65 at 119.50 and the remaining 130 one tick worse, at 119.55.
FEE_QUOTES = [
    quote(CE_24000, ist_ns(TRADE_DAY, 10, 0), 120.00, 120.50),
    quote(CE_24000, ist_ns(TRADE_DAY, 10, 5), 119.00, 119.50),
]
FEE_PLAN = [
    (ist_ns(TRADE_DAY, 10, 1), str(CE_24000.id), "BUY", 65),
    (ist_ns(TRADE_DAY, 10, 2), str(CE_24000.id), "SELL", 65),
    (ist_ns(TRADE_DAY, 10, 6), str(CE_24000.id), "BUY", 195),
]
# (side, quantity, price, commission) of each fill, by hand:
EXPECTED_FEE_FILLS = [
    # 7,832.50: txn 2.74, SEBI 0.01, stamp 0.23, GST 18% x 22.75 = 4.10 -> 20 + 7.08
    (OrderSide.BUY, 65, 120.50, 27.08),
    # 7,800.00: STT 7.80, txn 2.73, SEBI 0.01, GST 18% x 22.74 = 4.09 -> 20 + 14.63
    (OrderSide.SELL, 65, 120.00, 34.63),
    # 7,767.50: txn 2.72, SEBI 0.01, stamp 0.23, GST 18% x 22.73 = 4.09 -> 20 + 7.05
    (OrderSide.BUY, 65, 119.50, 27.05),
    # 15,541.50, same order so no brokerage: txn 5.44, SEBI 0.02, stamp 0.47,
    # GST 18% x 5.46 = 0.98 -> 6.91
    (OrderSide.BUY, 130, 119.55, 6.91),
]


class SpreadBuyer(Strategy):
    """Buys 65 units of a generic-id spread at market on its first aggregated quote."""

    def __init__(self, spread_id: InstrumentId) -> None:
        super().__init__(StrategyConfig())
        self.spread_id = spread_id
        self.fills: list[OrderFilled] = []

    def on_start(self) -> None:
        self.request_instrument(self.spread_id)
        self.subscribe_quote_ticks(
            self.spread_id,
            aggregate_spread_quotes=True,
            params={"update_interval_seconds": None},
        )

    def on_quote_tick(self, tick: QuoteTick) -> None:
        if tick.instrument_id == self.spread_id and not self.fills:
            order = self.order_factory.market(self.spread_id, OrderSide.BUY, Quantity.from_int(65))
            self.submit_order(order)

    def on_order_filled(self, event: OrderFilled) -> None:
        self.fills.append(event)


def run_engine(
    data: list[QuoteTick | TradeTick],
    plan: list[tuple[int, str, str, int]],
    strategy: Strategy | None = None,
) -> list[OrderFilled]:
    engine = BacktestEngine(BacktestEngineConfig(logging=LoggingConfig(log_level="ERROR")))
    engine.add_venue(
        venue=NFO,
        oms_type=OmsType.HEDGING,
        account_type=AccountType.MARGIN,
        starting_balances=[Money(10_000_000, INR)],
        base_currency=INR,
        default_leverage=Decimal(1),
        fee_model=IndianOptionsFeeModel(),
    )
    for instrument in (NIFTY_MIRROR, CE_24000, CE_24100, PE_23900):
        engine.add_instrument(instrument)
    engine.add_data(data)
    strategy = strategy or PlannedOrders(PlannedOrdersConfig(plan=plan))
    engine.add_strategy(strategy)
    engine.run(end=RUN_END)
    fills: list[OrderFilled] = list(strategy.fills)
    engine.dispose()
    return fills


def summary(fills: list[OrderFilled]) -> list[tuple[OrderSide, int, float, float]]:
    return [
        (f.order_side, int(f.last_qty.as_double()), f.last_px.as_double(), f.commission.as_double())
        for f in fills
    ]


def test_engine_fills_carry_zerodha_charges_with_brokerage_once_per_order() -> None:
    fills = run_engine([*FEE_QUOTES, index_trade(ist_ns(TRADE_DAY, 10, 0), 24100.0)], FEE_PLAN)
    trades = [f for f in fills if not SETTLEMENT.is_settlement(f)]
    assert summary(trades) == EXPECTED_FEE_FILLS
    assert {f.commission.currency for f in fills} == {INR}
    # The two fills of the partially filled order share its client order id.
    assert fills[2].client_order_id == fills[3].client_order_id


def test_spread_order_is_charged_per_leg_with_each_legs_side() -> None:
    spread_id = new_generic_spread_id([(CE_24000.id, 1), (CE_24100.id, -1)])
    data = [
        quote(option, ist_ns(TRADE_DAY, 10, minute), bid, ask, size=1000)
        for minute in (0, 1)
        for option, bid, ask in ((CE_24000, 120.00, 120.50), (CE_24100, 70.00, 70.50))
    ]
    fills = run_engine(data, [], SpreadBuyer(spread_id))
    trades = {
        (f.instrument_id, f.order_side, f.last_px.as_double()): f.commission.as_double()
        for f in fills
        if not SETTLEMENT.is_settlement(f)
    }
    assert trades == {
        # the combo fill itself is free: the legs carry the charges
        (spread_id, OrderSide.BUY, 50.50): 0.0,
        # BUY 65 x 120.75 = 7,848.75: txn 2.75, SEBI 0.01, stamp 0.24, GST 4.10
        (CE_24000.id, OrderSide.BUY, 120.75): 27.10,
        # SELL 65 x 70.25 = 4,566.25: STT 4.57, txn 1.60, SEBI 0.00, GST 3.89
        (CE_24100.id, OrderSide.SELL, 70.25): 30.06,
    }


def test_expiry_settlement_fills_are_detected_and_charged_exercise_stt() -> None:
    opened = ist_ns(TRADE_DAY, 10, 1)
    data = [
        quote(CE_24000, ist_ns(TRADE_DAY, 10, 0), 150.00, 150.50, size=1000),
        quote(CE_24100, ist_ns(TRADE_DAY, 10, 0), 90.00, 90.50, size=1000),
        quote(PE_23900, ist_ns(TRADE_DAY, 10, 0), 40.00, 40.50, size=1000),
        index_trade(ist_ns(TRADE_DAY, 10, 0), 24100.0),
        index_trade(ist_ns(EXPIRY, 15, 29), NIFTY_AT_EXPIRY),
    ]
    plan = [
        (opened, str(CE_24000.id), "BUY", 130),  # long ITM call: intrinsic 150
        (opened, str(CE_24100.id), "SELL", 130),  # short ITM call: intrinsic 50
        (opened, str(PE_23900.id), "BUY", 65),  # long OTM put: expires worthless
    ]
    fills = run_engine(data, plan)
    trades, settlements = fills[:3], fills[3:]
    assert not any(SETTLEMENT.is_settlement(f) for f in trades)
    assert all(SETTLEMENT.is_settlement(f) for f in settlements)
    instruments = {i.id: i for i in (CE_24000, CE_24100, PE_23900)}
    settled = {
        f.instrument_id: (
            f.client_order_id.value.split("-")[2],
            f.order_side,
            f.last_px.as_double(),
            f.commission.as_double(),
            SETTLEMENT.charge(instruments[f.instrument_id], f),
        )
        for f in settlements
    }
    assert settled == {
        # STT 0.125% x 150 x 130 = 24.375 -> 24.38 on the holder of the long call, and
        # brokerage on the exercised contract: 20 + 18% GST = 23.60
        CE_24000.id: ("CASH", OrderSide.SELL, 150.0, 0.0, 47.98),
        # the writer of an assigned call pays no exercise STT, but the brokerage
        CE_24100.id: ("CASH", OrderSide.BUY, 50.0, 0.0, 23.6),
        PE_23900.id: ("OTM", OrderSide.SELL, 0.0, 0.0, 0.0),
    }
    assert all(f.ts_event == ist_ns(EXPIRY, 15, 30) for f in settlements)
    assert SETTLEMENT.charge(CE_24000, trades[0]) == 0.0


def test_fee_model_is_created_from_its_importable_config() -> None:
    model = FeeModelFactory.create(importable_fee_model_config())
    assert isinstance(model, IndianOptionsFeeModel)


def test_backtest_node_venue_uses_the_fee_model_by_path(tmp_path: Path) -> None:
    catalog = ParquetDataCatalog(tmp_path)
    catalog.write_data([NIFTY_MIRROR, CE_24000])
    catalog.write_data(FEE_QUOTES)
    catalog.write_data([index_trade(ist_ns(TRADE_DAY, 10, 0), 24100.0)])
    run = BacktestRunConfig(
        engine=BacktestEngineConfig(
            logging=LoggingConfig(log_level="ERROR"),
            strategies=[
                ImportableStrategyConfig(
                    strategy_path=f"{__name__}:PlannedOrders",
                    config_path=f"{__name__}:PlannedOrdersConfig",
                    config={"plan": FEE_PLAN},
                )
            ],
        ),
        venues=nse_venue_configs(10_000_000),
        data=[
            BacktestDataConfig(
                catalog_path=str(tmp_path), data_cls=QuoteTick, instrument_id=CE_24000.id
            ),
            BacktestDataConfig(
                catalog_path=str(tmp_path), data_cls=TradeTick, instrument_id=NIFTY_MIRROR.id
            ),
        ],
        end=RUN_END.isoformat(),
        dispose_on_completion=False,
    )
    node = BacktestNode(configs=[run])
    node.run()
    engine = node.get_engine(run.id)
    assert engine is not None
    fills = [
        event
        for order in engine.cache.orders()
        for event in order.events
        if isinstance(event, OrderFilled)
    ]
    trades = sorted(
        (f for f in fills if not SETTLEMENT.is_settlement(f)),
        key=lambda f: (f.ts_event, f.client_order_id.value, f.last_qty.as_double()),
    )
    assert summary(trades) == EXPECTED_FEE_FILLS
    node.dispose()
