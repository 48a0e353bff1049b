"""Nautilus instruments for NSE indices and their NFO options and futures.

Quantities are in units (``multiplier=1``; ``lot_size`` carries the exchange lot), prices
in INR on the 0.05 tick. Options live on venue ``NFO`` under their Kite tradingsymbol and
name the index as ``underlying``; every dataset therefore also carries the settlement
mirror ``<INDEX>.NFO`` (see :func:`index_instrument`) so that backtest expiry finds the
index price on the option's venue.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from nautilus_trader.model.currencies import INR
from nautilus_trader.model.enums import AssetClass, OptionKind
from nautilus_trader.model.identifiers import InstrumentId, Symbol, Venue
from nautilus_trader.model.instruments import FuturesContract, IndexInstrument, OptionContract
from nautilus_trader.model.objects import Price, Quantity

from nautilus_options.domain.nse import (
    MONTH_NAMES,
    OptionSymbol,
    contract_spec,
    expiry_ns,
    session_bounds_ns,
    validate_underlying,
)

#: The cash-market venue of the indices.
NSE = Venue("NSE")
#: The derivatives venue of options and futures (and of the index settlement mirror).
NFO = Venue("NFO")

PRICE_PRECISION = 2
#: Days before expiry at which a series is treated as listed (``activation_ns``).
WEEKLY_LISTING_DAYS = 28
MONTHLY_LISTING_DAYS = 91


def _derivative(
    tradingsymbol: str, underlying: str, expiry: date, listing_days: int, ts_init: int
) -> dict[str, Any]:
    """Constructor arguments shared by NFO options and futures on ``underlying``."""
    spec = contract_spec(underlying, expiry)
    return {
        "instrument_id": InstrumentId(Symbol(tradingsymbol), NFO),
        "raw_symbol": Symbol(tradingsymbol),
        "asset_class": AssetClass.INDEX,
        "currency": INR,
        "price_precision": PRICE_PRECISION,
        "price_increment": Price(spec.tick_size, PRICE_PRECISION),
        "multiplier": Quantity.from_int(1),
        "lot_size": Quantity.from_int(spec.lot_size),
        "underlying": underlying,
        "activation_ns": session_bounds_ns(expiry - timedelta(days=listing_days))[0],
        "expiration_ns": expiry_ns(expiry),
        "ts_event": ts_init,
        "ts_init": ts_init,
        "exchange": "NFO",
    }


def index_instrument(underlying: str, venue: Venue = NSE) -> IndexInstrument:
    """The index ``underlying`` as an :class:`IndexInstrument` on ``venue``.

    ``NIFTY.NSE`` is the index itself; ``NIFTY.NFO`` is the settlement mirror that backtest
    expiry of ``NIFTY`` options on NFO looks up.

    Raises
    ------
    ConfigError
        If the underlying is unknown.
    """
    validate_underlying(underlying)
    return IndexInstrument(
        instrument_id=InstrumentId(Symbol(underlying), venue),
        raw_symbol=Symbol(underlying),
        currency=INR,
        price_precision=PRICE_PRECISION,
        size_precision=0,
        price_increment=Price(Decimal("0.01"), PRICE_PRECISION),
        size_increment=Quantity.from_int(1),
        ts_event=0,
        ts_init=0,
    )


def option_contract(symbol: OptionSymbol, ts_init: int = 0) -> OptionContract:
    """The NFO option ``symbol`` as an :class:`OptionContract` with id ``<tradingsymbol>.NFO``.

    It expires at 15:30 IST on its expiry day and is active from the session open
    ``WEEKLY_LISTING_DAYS`` (or ``MONTHLY_LISTING_DAYS``) days earlier.
    """
    listing_days = MONTHLY_LISTING_DAYS if symbol.monthly else WEEKLY_LISTING_DAYS
    return OptionContract(
        **_derivative(
            symbol.tradingsymbol, symbol.underlying, symbol.expiry, listing_days, ts_init
        ),
        option_kind=OptionKind.CALL if symbol.right == "CE" else OptionKind.PUT,
        strike_price=Price(symbol.strike, PRICE_PRECISION),
    )


def index_future(underlying: str, expiry: date) -> FuturesContract:
    """The monthly index future expiring on ``expiry`` (id e.g. ``NIFTY26JANFUT.NFO``)."""
    tradingsymbol = f"{underlying}{expiry:%y}{MONTH_NAMES[expiry.month - 1]}FUT"
    return FuturesContract(
        **_derivative(tradingsymbol, underlying, expiry, MONTHLY_LISTING_DAYS, ts_init=0)
    )
