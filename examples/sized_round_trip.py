"""A small reference strategy that sizes every trade through the capital manager.

An example, not part of the package: ``examples/capital_manager_demo.py`` runs it, and the
tests import it with ``examples/`` on ``sys.path`` (``sized_round_trip:SizedRoundTripStrategy``
as an import path).

It shows the bus protocol of :mod:`nautilus_options.capital.messages` end to end: ask for lots
with a :class:`~nautilus_options.capital.messages.SizingRequest`, open only what was granted,
release the reservation when the position is closed (or the entry order is denied or
rejected), and stop opening once the manager reports a halt. It buys at the ask, holds for
``hold_quotes`` quotes, sells at market, waits ``wait_quotes`` quotes and starts again; a long
position's max loss is its premium, so one lot blocks ``ask * lot_size``.

:func:`demo_instrument` and :func:`demo_quotes` give a tiny deterministic market for it (an
INR equity with a lot of 10 and the twelve one-minute quotes of :data:`DEMO_QUOTES`), and
:func:`demo_engine` a ``BacktestEngine`` over it; the demo script and the tests use them.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from nautilus_trader.backtest.engine import BacktestEngine, BacktestEngineConfig
from nautilus_trader.backtest.models import FixedFeeModel
from nautilus_trader.config import LoggingConfig, StrategyConfig
from nautilus_trader.core.data import Data
from nautilus_trader.model.currencies import INR
from nautilus_trader.model.data import QuoteTick
from nautilus_trader.model.enums import AccountType, OmsType, OrderSide
from nautilus_trader.model.events import OrderDenied, OrderRejected, PositionClosed
from nautilus_trader.model.identifiers import InstrumentId, Symbol, Venue
from nautilus_trader.model.instruments import Equity, Instrument
from nautilus_trader.model.objects import Money, Price, Quantity
from nautilus_trader.trading.strategy import Strategy

from nautilus_options.capital.messages import (
    RELEASE_ENDPOINT,
    SIZING_ENDPOINT,
    CapitalRelease,
    SizingRequest,
    SizingResponse,
)
from nautilus_options.data.instruments import NSE
from nautilus_options.errors import ConfigError


class SizedRoundTripConfig(StrategyConfig, kw_only=True, frozen=True):
    """Configuration of :class:`SizedRoundTripStrategy`.

    Parameters
    ----------
    instrument_id : str
        Instrument to trade, e.g. ``"RELIANCE.NSE"``. Its ``lot_size`` is the units per lot.
    hold_quotes : int, default 2
        Quotes to hold a position before closing it (``>= 1``).
    wait_quotes : int, default 1
        Quotes to stay flat after a close before the next entry (``>= 0``).
    max_lots : int, optional
        The strategy's own cap on lots per trade.
    """

    instrument_id: str
    hold_quotes: int = 2
    wait_quotes: int = 1
    max_lots: int | None = None

    def __post_init__(self) -> None:
        if self.hold_quotes < 1:
            raise ConfigError("hold_quotes", f"must be >= 1, was {self.hold_quotes}")
        if self.wait_quotes < 0:
            raise ConfigError("wait_quotes", f"must be >= 0, was {self.wait_quotes}")
        if self.max_lots is not None and self.max_lots < 1:
            raise ConfigError("max_lots", f"must be >= 1 or null, was {self.max_lots}")


class SizedRoundTripStrategy(Strategy):
    """Repeated long round trips, each sized by the capital manager over the message bus.

    Parameters
    ----------
    config : SizedRoundTripConfig
        The configuration.
    """

    def __init__(self, config: SizedRoundTripConfig) -> None:
        super().__init__(config)
        self._instrument_id = InstrumentId.from_str(config.instrument_id)
        self._hold_quotes = config.hold_quotes
        self._wait_quotes = config.wait_quotes
        self._max_lots = config.max_lots
        self._response: SizingResponse | None = None
        self.on_reset()

    def on_reset(self) -> None:
        """Forget trades, responses and the halt."""
        self._trades = 0
        self._open_request: str | None = None
        self._quotes_in_state = 0
        self.halted = False
        self.responses: list[SizingResponse] = []

    def on_start(self) -> None:
        """Subscribe to the instrument's quotes."""
        self.subscribe_quote_ticks(self._instrument_id)

    def on_stop(self) -> None:
        """Stop the quote subscription."""
        self.unsubscribe_quote_ticks(self._instrument_id)

    def on_quote_tick(self, tick: QuoteTick) -> None:
        """Close a position held long enough, or open a new one when flat and rested."""
        self._quotes_in_state += 1
        if self._open_request is not None:
            if self._quotes_in_state >= self._hold_quotes:
                self.close_all_positions(self._instrument_id)
        elif not self.halted and self._quotes_in_state > self._wait_quotes:
            self._enter(tick)

    def on_position_closed(self, event: PositionClosed) -> None:
        """Release the trade's reservation."""
        if self._open_request is not None:
            self.msgbus.send(RELEASE_ENDPOINT, CapitalRelease(request_id=self._open_request))
            self._open_request = None
            self._quotes_in_state = 0

    def on_order_denied(self, event: OrderDenied) -> None:
        """Give the reservation back when the entry order is denied before reaching the venue."""
        self._abandon_entry(f"denied: {event.reason}")

    def on_order_rejected(self, event: OrderRejected) -> None:
        """Give the reservation back when the venue rejects the entry order."""
        self._abandon_entry(f"rejected: {event.reason}")

    def _abandon_entry(self, why: str) -> None:
        if self._open_request is None or not self.portfolio.is_flat(self._instrument_id):
            return
        self.log.warning(f"entry {self._open_request} not opened ({why}); releasing its capital")
        self.msgbus.send(RELEASE_ENDPOINT, CapitalRelease(request_id=self._open_request))
        self._open_request = None
        self._quotes_in_state = 0

    def _enter(self, tick: QuoteTick) -> None:
        instrument: Instrument | None = self.cache.instrument(self._instrument_id)
        if instrument is None:
            self.log.error(f"no instrument {self._instrument_id} in the cache")
            return
        units_per_lot = int(instrument.lot_size) if instrument.lot_size is not None else 1
        self._trades += 1
        request_id = f"{self.id.value}-T{self._trades:04d}"
        self._response = None
        self.msgbus.send(
            SIZING_ENDPOINT,
            SizingRequest(
                request_id=request_id,
                strategy_id=self.id.value,
                capital_per_lot=tick.ask_price.as_double() * units_per_lot,
                max_lots=self._max_lots,
                callback=self._on_sizing,
            ),
        )
        response = self._response
        if response is None:
            self.log.error(f"no CapitalManager answered on {SIZING_ENDPOINT!r}; not trading")
            return
        if response.halted:
            self.halted = True
            self.log.warning(f"capital manager halted, no new trades: {response.reason}")
            return
        if response.lots == 0:
            self.log.info(f"skipping trade {request_id}: {response.reason}")
            return
        self._open_request = request_id
        self._quotes_in_state = 0
        self.submit_order(
            self.order_factory.market(
                self._instrument_id,
                OrderSide.BUY,
                instrument.make_qty(response.lots * units_per_lot),
            ),
        )

    def _on_sizing(self, response: SizingResponse) -> None:
        self._response = response
        self.responses.append(response)


DEMO_INSTRUMENT_ID = "RELIANCE.NSE"
"""Instrument id of :func:`demo_instrument`."""

DEMO_COMMISSION = Money(20, INR)
"""Fixed commission per order charged by :func:`demo_engine`'s venue."""

DEMO_START_NS = 1_767_584_700_000_000_000
"""Time of the first demo quote: 2026-01-05 09:15 IST (03:45 UTC)."""

DEMO_QUOTES: tuple[tuple[str, str], ...] = (
    ("99.90", "99.95"),
    ("99.90", "99.95"),
    ("101.00", "101.05"),
    ("102.00", "102.05"),
    ("100.30", "100.35"),
    ("100.30", "100.35"),
    ("98.00", "98.05"),
    ("95.00", "95.05"),
    ("95.00", "95.05"),
    ("95.00", "95.05"),
    ("95.50", "95.55"),
    ("96.00", "96.05"),
)
"""``(bid, ask)`` of the demo quotes, one a minute. With ``hold_quotes=2, wait_quotes=1`` the
strategy buys at the ask of quotes 2, 6 and 10 and sells at the bid of quotes 4, 8 and 12."""


def demo_instrument() -> Equity:
    """Return the demo instrument: an INR equity on venue NSE with 10 units per lot."""
    return Equity(
        instrument_id=InstrumentId.from_str(DEMO_INSTRUMENT_ID),
        raw_symbol=Symbol("RELIANCE"),
        currency=INR,
        price_precision=2,
        price_increment=Price.from_str("0.05"),
        lot_size=Quantity.from_int(10),
        ts_event=0,
        ts_init=0,
    )


def demo_quotes(instrument: Instrument) -> list[QuoteTick]:
    """Return :data:`DEMO_QUOTES` as quote ticks of ``instrument``, one a minute."""
    size = Quantity.from_int(10_000)
    return [
        QuoteTick(
            instrument_id=instrument.id,
            bid_price=Price.from_str(bid),
            ask_price=Price.from_str(ask),
            bid_size=size,
            ask_size=size,
            ts_event=DEMO_START_NS + minute * 60_000_000_000,
            ts_init=DEMO_START_NS + minute * 60_000_000_000,
        )
        for minute, (bid, ask) in enumerate(DEMO_QUOTES)
    ]


def demo_engine(
    *,
    venue: Venue = NSE,
    oms_type: OmsType = OmsType.HEDGING,
    starting_balance: int = 1_000_000,
    instruments: Sequence[Instrument] | None = None,
    data: Sequence[Data] | None = None,
) -> BacktestEngine:
    """Return a ``BacktestEngine`` with one INR margin venue loaded with a market.

    The venue charges :data:`DEMO_COMMISSION` per order and trades at leverage 1; the engine
    logs errors only. Add the actors and strategies, then ``run()``.

    Parameters
    ----------
    venue : Venue, default NSE
        The venue of the instruments.
    oms_type : OmsType, default HEDGING
        The venue's order management system.
    starting_balance : int, default 1_000_000
        The account's starting balance in INR.
    instruments, data : sequence, optional
        The market; by default :func:`demo_instrument` and its :func:`demo_quotes`.
    """
    engine = BacktestEngine(BacktestEngineConfig(logging=LoggingConfig(log_level="ERROR")))
    engine.add_venue(
        venue,
        oms_type,
        AccountType.MARGIN,
        starting_balances=[Money(starting_balance, INR)],
        base_currency=INR,
        default_leverage=Decimal(1),
        fee_model=FixedFeeModel(DEMO_COMMISSION),
    )
    if instruments is None:
        instrument = demo_instrument()
        instruments, data = [instrument], demo_quotes(instrument)
    for instrument in instruments:
        engine.add_instrument(instrument)
    engine.add_data(list(data or ()))
    return engine
