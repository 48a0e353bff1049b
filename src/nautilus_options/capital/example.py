"""A small reference strategy that sizes every trade through the capital manager.

It shows the bus protocol of :mod:`nautilus_options.capital.messages` end to end: ask for lots
with a :class:`~nautilus_options.capital.messages.SizingRequest`, open only what was granted,
release the reservation when the position is closed, and stop opening once the manager
reports a halt. It buys at the ask, holds for ``hold_quotes`` quotes, sells at market, waits
``wait_quotes`` quotes and starts again; a long position's max loss is its premium, so one lot
blocks ``ask * lot_size``.
"""

from __future__ import annotations

from nautilus_trader.config import StrategyConfig
from nautilus_trader.model.data import QuoteTick
from nautilus_trader.model.enums import OrderSide
from nautilus_trader.model.events import PositionClosed
from nautilus_trader.model.identifiers import InstrumentId
from nautilus_trader.model.instruments import Instrument
from nautilus_trader.trading.strategy import Strategy

from nautilus_options.capital.messages import (
    RELEASE_ENDPOINT,
    SIZING_ENDPOINT,
    CapitalRelease,
    SizingRequest,
    SizingResponse,
)
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
        self._trades = 0
        self._open_request: str | None = None
        self._quotes_in_state = 0
        self._response: SizingResponse | None = None
        self.halted = False
        self.responses: list[SizingResponse] = []

    def on_start(self) -> None:
        """Subscribe to the instrument's quotes."""
        self.subscribe_quote_ticks(self._instrument_id)

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
