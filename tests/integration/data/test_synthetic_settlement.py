"""A generated catalog drives a BacktestEngine in which a long option settles at expiry."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from nautilus_trader.backtest.engine import BacktestEngine, BacktestEngineConfig
from nautilus_trader.config import LoggingConfig, StrategyConfig
from nautilus_trader.model.currencies import INR
from nautilus_trader.model.data import QuoteTick, TradeTick
from nautilus_trader.model.enums import AccountType, OmsType, OrderSide
from nautilus_trader.model.events import OrderFilled
from nautilus_trader.model.identifiers import InstrumentId
from nautilus_trader.model.objects import Money, Quantity
from nautilus_trader.persistence.catalog.parquet import ParquetDataCatalog
from nautilus_trader.trading.strategy import Strategy

from nautilus_options.data.instruments import NFO, NSE
from nautilus_options.data.synthetic import SyntheticMarketConfig, generate_market
from nautilus_options.domain.nse import expiry_ns

pytestmark = pytest.mark.slow

EXPIRY = date(2026, 1, 6)


class BuyOnceConfig(StrategyConfig, frozen=True):
    instrument_id: InstrumentId
    quantity: int


class BuyOnce(Strategy):
    """Buys ``quantity`` at market on the first quote and holds through expiry."""

    def __init__(self, config: BuyOnceConfig) -> None:
        super().__init__(config)
        self.fills: list[OrderFilled] = []
        self.entry_ask: float | None = None

    def on_start(self) -> None:
        self.subscribe_quote_ticks(self.config.instrument_id)

    def on_quote_tick(self, tick: QuoteTick) -> None:
        if self.entry_ask is None:
            self.entry_ask = tick.ask_price.as_double()
            order = self.order_factory.market(
                self.config.instrument_id, OrderSide.BUY, Quantity.from_int(self.config.quantity)
            )
            self.submit_order(order)

    def on_order_filled(self, event: OrderFilled) -> None:
        self.fills.append(event)


@pytest.fixture(scope="module")
def catalog(tmp_path_factory: pytest.TempPathFactory) -> ParquetDataCatalog:
    config = SyntheticMarketConfig(start=date(2026, 1, 5), days=2, strikes_each_side=2, expiries=1)
    path = tmp_path_factory.mktemp("synthetic") / "catalog"
    summary = generate_market(config, path)
    assert summary.expiries == (EXPIRY,)
    return ParquetDataCatalog(str(path))


def test_catalog_reads_back_instruments_quotes_and_trades(catalog: ParquetDataCatalog) -> None:
    ids = {str(instrument.id) for instrument in catalog.instruments()}
    assert {"NIFTY.NSE", "NIFTY.NFO"} <= ids
    options = sorted(i for i in ids if i.endswith("CE.NFO") or i.endswith("PE.NFO"))
    assert options
    assert all(o.startswith("NIFTY26106") for o in options)
    quotes = catalog.quote_ticks(instrument_ids=[options[0]])
    assert quotes
    assert max(q.ts_init for q in quotes) < expiry_ns(EXPIRY)
    nse = catalog.trade_ticks(instrument_ids=["NIFTY.NSE"])
    nfo = catalog.trade_ticks(instrument_ids=["NIFTY.NFO"])
    assert [t.price.as_double() for t in nse] == [t.price.as_double() for t in nfo]
    assert [t.ts_init for t in nse] == [t.ts_init for t in nfo]


# With the default seed the index closes about 400 points below the open: the put settles in
# the money (cash at intrinsic value), the calls expire worthless.
@pytest.mark.parametrize(("offset", "right"), [(-50, "CE"), (50, "PE"), (100, "CE")])
def test_long_option_settles_at_intrinsic_value_of_the_index_close(
    catalog: ParquetDataCatalog, offset: int, right: str
) -> None:
    instruments = catalog.instruments()
    index_close = catalog.trade_ticks(instrument_ids=["NIFTY.NFO"])[-1]
    assert index_close.ts_init == expiry_ns(EXPIRY)
    opening = catalog.trade_ticks(instrument_ids=["NIFTY.NSE"])[0].price.as_double()
    strike = round(opening / 50) * 50 + offset
    option_id = InstrumentId.from_str(f"NIFTY26106{strike}{right}.NFO")

    engine = BacktestEngine(BacktestEngineConfig(logging=LoggingConfig(log_level="ERROR")))
    for venue in (NFO, NSE):
        engine.add_venue(
            venue=venue,
            oms_type=OmsType.HEDGING,
            account_type=AccountType.MARGIN,
            starting_balances=[Money(10_000_000, INR)],
            base_currency=INR,
            default_leverage=Decimal(1),
        )
    for instrument in instruments:
        engine.add_instrument(instrument)
    engine.add_data(catalog.quote_ticks(instrument_ids=[str(option_id)]))
    trades: list[TradeTick] = catalog.trade_ticks(instrument_ids=["NIFTY.NSE", "NIFTY.NFO"])
    engine.add_data(trades)
    strategy = BuyOnce(BuyOnceConfig(instrument_id=option_id, quantity=65))
    engine.add_strategy(strategy)
    engine.run()

    entry, settlement = strategy.fills
    assert entry.last_px.as_double() == strategy.entry_ask
    assert settlement.ts_event == expiry_ns(EXPIRY)
    sign = 1.0 if right == "CE" else -1.0
    intrinsic = max(sign * (index_close.price.as_double() - strike), 0.0)
    assert (intrinsic > 0.0) == (right == "PE")  # both outcomes are covered
    assert settlement.last_px.as_double() == pytest.approx(intrinsic, abs=1e-9)
    positions = engine.cache.positions(instrument_id=option_id)
    assert len(positions) == 1
    assert positions[0].is_closed
    expected = 65 * (intrinsic - entry.last_px.as_double())
    assert positions[0].realized_pnl.as_double() == pytest.approx(expected, abs=1e-6)
    assert entry.commission.as_double() == 0.0
    engine.dispose()
