"""The instruments the simulator lists, and Kite's instruments CSV dump.

Kite's dump (KITE_API.md §3.7) has exactly these 12 columns, in this order::

    instrument_token,exchange_token,tradingsymbol,name,last_price,expiry,strike,
    tick_size,lot_size,instrument_type,segment,exchange

Numeric columns are never empty (the official client crashes on an empty ``strike``), and
``expiry`` is ``YYYY-MM-DD`` or empty. Tokens follow Kite's rule
``instrument_token = exchange_token * 256 + segment_id`` (NFO is 2, indices 9), and the two
indices keep their real tokens: ``NIFTY 50`` 256265 and ``NIFTY BANK`` 260105, quoted as
``NSE:NIFTY 50`` and ``NSE:NIFTY BANK``. Index rows have ``segment=INDICES``,
``instrument_type=EQ``, tick and lot 0.

Options are NFO index options (``segment=NFO-OPT``) named by
:class:`~nautilus_options.domain.nse.OptionSymbol` (weekly ``NIFTY2612024400CE``, monthly
``NIFTY26JAN24400CE``), with lot size and freeze quantity from
:func:`~nautilus_options.domain.nse.contract_spec` of their expiry.

Past the end of the NSE holiday table (:data:`~nautilus_options.domain.nse.CALENDAR_END`)
the simulator lists *provisional* expiries
(:func:`~nautilus_options.domain.nse.provisional_expiries`: every weekday trades, the same
expiry weekday rules), so a live market keeps working after the table; the simulator says
so on start-up (:func:`provisional_days`).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Literal

from nautilus_options.domain.nse import (
    OptionSymbol,
    ProvisionalOptionSymbol,
    contract_spec,
    expiry_ns,
    is_provisional,
    provisional_expiries,
)
from nautilus_options.errors import ConfigError

CSV_COLUMNS = (
    "instrument_token",
    "exchange_token",
    "tradingsymbol",
    "name",
    "last_price",
    "expiry",
    "strike",
    "tick_size",
    "lot_size",
    "instrument_type",
    "segment",
    "exchange",
)

#: Kite segment ids (the low byte of an instrument token).
SEGMENT_NFO = 2
SEGMENT_INDICES = 9

#: The index each underlying settles on: (tradingsymbol on NSE, instrument token).
INDEX_OF: dict[str, tuple[str, int]] = {
    "NIFTY": ("NIFTY 50", 256265),
    "BANKNIFTY": ("NIFTY BANK", 260105),
}

#: First exchange token given to the simulator's option contracts.
FIRST_OPTION_EXCHANGE_TOKEN = 40_000


@dataclass(frozen=True)
class Instrument:
    """One row of the dump, plus the facts the exchange rules need."""

    instrument_token: int
    exchange_token: int
    tradingsymbol: str
    name: str
    expiry: date | None
    strike: float
    tick_size: float
    lot_size: int
    instrument_type: Literal["EQ", "CE", "PE"]
    segment: str
    exchange: str
    underlying: str
    freeze_qty: int = 0

    @property
    def tradable(self) -> bool:
        """Whether orders may be placed on it (indices are data only)."""
        return self.segment != "INDICES"

    @property
    def key(self) -> str:
        """The quote key ``EXCHANGE:TRADINGSYMBOL``."""
        return f"{self.exchange}:{self.tradingsymbol}"


def index_instrument(underlying: str) -> Instrument:
    """The NSE index row of ``underlying`` (``NIFTY 50`` or ``NIFTY BANK``)."""
    symbol, token = INDEX_OF[underlying]
    return Instrument(
        instrument_token=token,
        exchange_token=token >> 8,
        tradingsymbol=symbol,
        name=symbol,
        expiry=None,
        strike=0.0,
        tick_size=0.0,
        lot_size=0,
        instrument_type="EQ",
        segment="INDICES",
        exchange="NSE",
        underlying=underlying,
    )


def option_instrument(symbol: OptionSymbol, exchange_token: int) -> Instrument:
    """The NFO row of an index option, with its token built from ``exchange_token``."""
    spec = contract_spec(symbol.underlying, symbol.expiry)
    return Instrument(
        instrument_token=exchange_token * 256 + SEGMENT_NFO,
        exchange_token=exchange_token,
        tradingsymbol=symbol.tradingsymbol,
        name=symbol.underlying,
        expiry=symbol.expiry,
        strike=float(symbol.strike),
        tick_size=float(spec.tick_size),
        lot_size=spec.lot_size,
        instrument_type=symbol.right,
        segment="NFO-OPT",
        exchange="NFO",
        underlying=symbol.underlying,
        freeze_qty=spec.freeze_qty,
    )


def listed_expiries(
    underlying: str, now_ns: int, today: date, count: int
) -> list[tuple[date, bool]]:
    """The next ``count`` expiries not yet settled at ``now_ns``, as (day, monthly).

    Expiries after the NSE holiday table are provisional (see the module docstring).

    Raises
    ------
    ConfigError
        If no expiry of ``underlying`` lies within 120 days.
    """
    found = [
        (e.day, e.monthly)
        for e in provisional_expiries(underlying, today, today + timedelta(days=120))
        if expiry_ns(e.day) > now_ns
    ]
    if not found:
        raise ConfigError("expiries", f"no {underlying} expiry within 120 days of {today}")
    return found[:count]


def provisional_days(instruments: Iterable[Instrument]) -> list[date]:
    """The listed expiries that are provisional (after the NSE holiday table), sorted."""
    return sorted({i.expiry for i in instruments if i.expiry and is_provisional(i.expiry)})


def option_chain(
    underlying: str,
    spot: float,
    expiry_days: Sequence[tuple[date, bool]],
    strikes_each_side: int,
    first_exchange_token: int,
) -> list[Instrument]:
    """Calls and puts of every expiry at the strikes around ``spot``, tokens in order."""
    rows: list[Instrument] = []
    token = first_exchange_token
    for day, monthly in expiry_days:
        step = contract_spec(underlying, day).strike_step
        atm = round(spot / step) * step
        for k in range(-strikes_each_side, strikes_each_side + 1):
            strike = atm + k * step
            if strike <= 0:
                continue
            for right in ("CE", "PE"):
                symbol = ProvisionalOptionSymbol(underlying, day, Decimal(strike), right, monthly)
                rows.append(option_instrument(symbol, token))
                token += 1
    return rows


class Universe:
    """The listed instruments, looked up by token or by ``EXCHANGE:TRADINGSYMBOL``."""

    def __init__(self, instruments: Iterable[Instrument]) -> None:
        self.instruments = list(instruments)
        self.by_token = {i.instrument_token: i for i in self.instruments}
        self.by_key = {i.key: i for i in self.instruments}

    def find(self, exchange: str, tradingsymbol: str) -> Instrument | None:
        """The instrument, or None when it is not listed."""
        return self.by_key.get(f"{exchange}:{tradingsymbol}")

    def lookup(self, key: str) -> Instrument | None:
        """An instrument by quote key (``NFO:NIFTY...``) or by its token as text."""
        if key.isdigit():
            return self.by_token.get(int(key))
        return self.by_key.get(key)

    def index_of(self, underlying: str) -> Instrument | None:
        """The index row an underlying's options settle on."""
        return self.by_token.get(INDEX_OF[underlying][1]) if underlying in INDEX_OF else None


def _number(value: float) -> str:
    return repr(float(value)) if value else "0"


def csv_dump(
    instruments: Iterable[Instrument], last_prices: dict[int, float], exchange: str | None = None
) -> str:
    """The instruments dump as Kite writes it, for all exchanges or only ``exchange``."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for row in instruments:
        if exchange is not None and row.exchange != exchange:
            continue
        writer.writerow(
            (
                row.instrument_token,
                row.exchange_token,
                row.tradingsymbol,
                row.name,
                _number(last_prices.get(row.instrument_token, 0.0)),
                row.expiry.isoformat() if row.expiry else "",
                _number(row.strike),
                _number(row.tick_size),
                row.lot_size,
                row.instrument_type,
                row.segment,
                row.exchange,
            )
        )
    return out.getvalue()
