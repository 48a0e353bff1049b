"""The option chain as the strategy sees it: listed contracts and quotes read from the cache.

:class:`ChainReader` turns what the cache holds (the venue's option contracts of one
underlying, their latest quotes and the index's last price) into the plain arrays of
:class:`~nautilus_options.strategy.selection.Chain`, picks the spread for an entry, and
reads the touch of a leg for pricing and the marks of a spread's legs for its exits. Mids
follow the one rule of :mod:`nautilus_options.domain.quotes`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from nautilus_trader.cache.base import CacheFacade
from nautilus_trader.model.enums import PriceType
from nautilus_trader.model.identifiers import InstrumentId, Venue
from nautilus_trader.model.instruments import OptionContract

from nautilus_options.domain.nse import parse_tradingsymbol
from nautilus_options.domain.quotes import FloatArray, mid_price
from nautilus_options.domain.spreads import Right, SpreadGeometry
from nautilus_options.domain.time import NS_PER_SECOND
from nautilus_options.portfolio import option_right
from nautilus_options.strategy.config import OptionsSpreadStrategyConfig
from nautilus_options.strategy.diagnostics import SkipReason
from nautilus_options.strategy.selection import (
    Chain,
    ExpiryChoice,
    SpreadSelection,
    choose_expiry,
    select_spread,
)

Series = dict[tuple[float, Right], OptionContract]
"""One expiry's contracts by ``(strike, right)``."""


@dataclass(frozen=True)
class SpreadPick:
    """The spread chosen for an entry and the contract of each of its legs."""

    selection: SpreadSelection
    instruments: tuple[OptionContract, ...]


class ChainReader:
    """Read the configured underlying's option chain from a cache.

    Parameters
    ----------
    cache : CacheFacade
        The strategy's cache.
    config : OptionsSpreadStrategyConfig
        Venue, underlying and the expiry and strike rules.
    index_id : InstrumentId
        The index whose last price is the chain's spot.
    """

    def __init__(
        self, cache: CacheFacade, config: OptionsSpreadStrategyConfig, index_id: InstrumentId
    ) -> None:
        self._cache = cache
        self._cfg = config
        self._venue = Venue(config.venue)
        self._index_id = index_id

    def options(self) -> list[OptionContract]:
        """The venue's option contracts on the configured underlying."""
        return [
            instrument
            for instrument in self._cache.instruments(venue=self._venue)
            if isinstance(instrument, OptionContract)
            and instrument.underlying == self._cfg.underlying
        ]

    def option(self, instrument_id: InstrumentId) -> OptionContract | None:
        """The cached option contract ``instrument_id`` (None if absent or not an option)."""
        instrument = self._cache.instrument(instrument_id)
        return instrument if isinstance(instrument, OptionContract) else None

    def touch(self, instrument_id: InstrumentId) -> tuple[float, float] | None:
        """Latest ``(bid, ask)`` of an instrument; None unless ``0 < bid <= ask``."""
        quote = self._cache.quote_tick(instrument_id)
        if quote is None:
            return None
        bid, ask = quote.bid_price.as_double(), quote.ask_price.as_double()
        return (bid, ask) if 0 < bid <= ask else None

    def close_value(
        self, instruments: tuple[OptionContract, ...], geometry: SpreadGeometry
    ) -> float | None:
        """Value per unit of a spread's legs at their marks; None while a leg has no touch.

        ``mark_side="mid"`` marks a leg at its mid, ``"conservative"`` at the price it can be
        closed at (the bid of a long leg, the ask of a short one).
        """
        value = 0.0
        for instrument, leg in zip(instruments, geometry.legs, strict=True):
            touch = self.touch(instrument.id)
            if touch is None:
                return None
            mark = mid_price(*touch) if self._cfg.mark_side == "mid" else None
            value += leg.ratio * (mark if mark is not None else touch[0 if leg.is_long else 1])
        return value

    def select(self, now_ns: int) -> SpreadPick | SkipReason:
        """The spread to enter now and its legs' contracts, or why nothing qualifies.

        The reason is ``no_expiry``, ``no_index_price``, ``stale_quotes`` (see
        :meth:`stale`) or ``no_strikes``
        (see :data:`~nautilus_options.strategy.diagnostics.SkipReason`).
        """
        options = self.options()
        expiries = {
            option.expiration_ns: parse_tradingsymbol(option.id.symbol.value).monthly
            for option in options
        }
        choice = choose_expiry(
            [ExpiryChoice(ns, monthly) for ns, monthly in expiries.items()],
            now_ns,
            self._cfg.expiry_rule,
            self._cfg.min_days_to_expiry,
        )
        if choice is None:
            return "no_expiry"
        series: Series = {
            (option.strike_price.as_double(), option_right(option)): option
            for option in options
            if option.expiration_ns == choice.expiry_ns
        }
        chain = self.chain(series, choice.expiry_ns)
        if chain is None:
            return "no_index_price"
        if self.stale(now_ns):
            return "stale_quotes"
        selection = select_spread(
            chain,
            self._cfg.spread,
            self._cfg.strike_rule,
            self._cfg.strike_value,
            self._cfg.wing_width,
            now_ns,
            self._cfg.risk_free_rate,
        )
        if selection is None:
            return "no_strikes"
        legs = tuple(series[(leg.strike, leg.right)] for leg in selection.geometry.legs)
        return SpreadPick(selection, legs)

    def stale(self, now_ns: int) -> bool:
        """Whether the feed has stopped: the index's last trade is missing or was received
        more than ``max_quote_age_secs`` before ``now_ns``.

        The index is the feed's pulse: it trades all session long, while a quiet option's
        quote can rightly stay unchanged for minutes (Kite sends a tick only on a change,
        and candle data has no row for a minute without trades).
        """
        index = self._cache.trade_tick(self._index_id)
        oldest = now_ns - round(self._cfg.max_quote_age_secs * NS_PER_SECOND)
        return index is None or index.ts_init < oldest

    def chain(self, series: Series, expiry_ns: int) -> Chain | None:
        """The chain of one expiry's ``series`` (None while the index has no last price)."""
        spot = self._cache.price(self._index_id, PriceType.LAST)
        if spot is None:
            return None
        strikes = np.array(sorted({strike for strike, _ in series}), dtype=np.float64)
        call_bids, call_asks = self._quotes([series.get((strike, "CE")) for strike in strikes])
        put_bids, put_asks = self._quotes([series.get((strike, "PE")) for strike in strikes])
        return Chain(strikes, call_bids, call_asks, put_bids, put_asks, spot.as_double(), expiry_ns)

    def _quotes(self, options: list[OptionContract | None]) -> tuple[FloatArray, FloatArray]:
        """Latest bids and asks of ``options`` (0 where an option or its quote is missing)."""
        bids = np.zeros(len(options))
        asks = np.zeros(len(options))
        for i, option in enumerate(options):
            quote = self._cache.quote_tick(option.id) if option is not None else None
            if quote is not None:
                bids[i] = quote.bid_price.as_double()
                asks[i] = quote.ask_price.as_double()
        return bids, asks
