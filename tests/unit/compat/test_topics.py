"""Each topic assumption holds against the installed NautilusTrader."""

from __future__ import annotations

import pytest
from nautilus_trader.backtest.engine import BacktestEngine, BacktestEngineConfig
from nautilus_trader.common.actor import Actor
from nautilus_trader.common.config import LoggingConfig
from nautilus_trader.common.data_topics import TopicCache
from nautilus_trader.model.currencies import USD
from nautilus_trader.model.data import DataType, QuoteTick
from nautilus_trader.model.enums import AccountType, OmsType, OrderSide
from nautilus_trader.model.identifiers import InstrumentId, Venue
from nautilus_trader.model.objects import Money, Price, Quantity
from nautilus_trader.test_kit.providers import TestInstrumentProvider
from nautilus_trader.trading.strategy import Strategy

from nautilus_options.capital.events import CapitalUpdated
from nautilus_options.compat.topics import (
    custom_data_topic,
    fill_events_topic,
    order_events_topic,
    position_events_topic,
    quotes_topic,
    trades_topic,
)

OPTION = InstrumentId.from_str("NIFTY2611325300PE.NFO")


def test_quotes_topic_is_the_data_engines() -> None:
    assert quotes_topic(OPTION) == TopicCache().get_quotes_topic(OPTION)


def test_trades_topic_is_the_data_engines() -> None:
    assert trades_topic(OPTION) == TopicCache().get_trades_topic(OPTION)


def test_event_topics_match_what_the_execution_engine_publishes(engine_run: dict) -> None:
    received = engine_run
    assert received[order_events_topic()], "no order events on the order topic"
    assert received[position_events_topic()], "no position events on the position topic"
    assert received[fill_events_topic()], "no fills on the fill topic"


def test_custom_data_topic_is_where_publish_data_goes(engine_run: dict) -> None:
    (update,) = engine_run[custom_data_topic(CAPITAL)]
    assert isinstance(update, CapitalUpdated)
    assert update.capital == 1.0


CAPITAL = DataType(CapitalUpdated)


class _Publisher(Actor):
    def on_start(self) -> None:
        self.publish_data(CAPITAL, CapitalUpdated(ts_event=0, ts_init=0, capital=1.0))


class _BuyOnce(Strategy):
    def on_start(self) -> None:
        self.subscribe_quote_ticks(AUDUSD.id)

    def on_quote_tick(self, tick: QuoteTick) -> None:
        if not self.cache.orders():
            self.submit_order(
                self.order_factory.market(AUDUSD.id, OrderSide.BUY, Quantity.from_int(1_000))
            )


AUDUSD = TestInstrumentProvider.default_fx_ccy("AUD/USD")


@pytest.fixture(scope="module")
def engine_run() -> dict[str, list[object]]:
    engine = BacktestEngine(BacktestEngineConfig(logging=LoggingConfig(bypass_logging=True)))
    engine.add_venue(
        Venue("SIM"),
        OmsType.NETTING,
        AccountType.MARGIN,
        [Money(1_000_000, USD)],
        base_currency=USD,
    )
    engine.add_instrument(AUDUSD)
    engine.add_data(
        [
            QuoteTick(
                AUDUSD.id,
                Price.from_str("0.70000"),
                Price.from_str("0.70002"),
                Quantity.from_int(1_000_000),
                Quantity.from_int(1_000_000),
                i * 1_000_000_000,
                i * 1_000_000_000,
            )
            for i in range(1, 4)
        ]
    )
    engine.add_strategy(_BuyOnce())
    engine.add_actor(_Publisher())
    topics = (
        order_events_topic(),
        position_events_topic(),
        fill_events_topic(),
        custom_data_topic(CAPITAL),
    )
    received: dict[str, list[object]] = {topic: [] for topic in topics}
    for topic, sink in received.items():
        engine.kernel.msgbus.subscribe(topic, sink.append)
    engine.run()
    engine.dispose()
    return received
