"""Kite's instruments dump (CSV, KITE_API.md §3.7) filtered and built into Nautilus instruments.

The dump has the 12-column header ``instrument_token, exchange_token, tradingsymbol, name,
last_price, expiry, strike, tick_size, lot_size, instrument_type, segment, exchange`` and
about 90,000 NFO rows, so rows are filtered on their text columns before anything is built.

Instruments come from the backtest's builders (:mod:`nautilus_options.data.instruments`), so
live, paper and backtest share ids and fields: an option is ``<tradingsymbol>.NFO``; an
index (dump row ``NIFTY 50`` in segment ``INDICES``) is ``NIFTY.NSE`` plus its settlement
mirror ``NIFTY.NFO``. A row the builders refuse (a contract the NSE tables do not list) or
whose lot or tick size disagrees with the tables is reported, not built: the tables need a
new row (``domain.nse_tables``) before such a contract can trade.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Literal

from nautilus_trader.model.identifiers import InstrumentId
from nautilus_trader.model.instruments import Instrument

from nautilus_options.adapters.zerodha.constants import INDEX_NAMES
from nautilus_options.data.instruments import NFO, NSE, index_instrument, option_contract
from nautilus_options.domain.nse import OptionSymbol, contract_spec, parse_tradingsymbol
from nautilus_options.errors import DataError

HEADER = [
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
]


@dataclass(frozen=True)
class InstrumentRow:
    """One row of the dump, typed."""

    instrument_token: int
    tradingsymbol: str
    name: str
    last_price: float
    expiry: date | None
    strike: float
    tick_size: float
    lot_size: int
    instrument_type: str
    segment: str
    exchange: str


def parse_instruments_csv(
    text: str, underlyings: Iterable[str] | None = None
) -> list[InstrumentRow]:
    """Typed rows of the dump: index rows and NFO option rows (of ``underlyings`` if given).

    Raises
    ------
    DataError
        If the header is not Kite's, or a kept row has a malformed field (naming the line).
    """
    reader = csv.reader(io.StringIO(text.strip()))
    header = next(reader, None)
    if header != HEADER:
        raise DataError(f"instruments dump: unexpected header {header!r}, expected Kite's")
    wanted = None if underlyings is None else frozenset(underlyings)
    rows = []
    for line, fields in enumerate(reader, start=2):
        if len(fields) != len(HEADER):
            raise DataError(f"instruments dump line {line}: {len(fields)} fields, expected 12")
        segment, kind, name = fields[10], fields[9], fields[3]
        if segment == "INDICES":
            keep = fields[2] in INDEX_NAMES
        else:
            option = segment == "NFO-OPT" and kind in ("CE", "PE")
            keep = option and (wanted is None or name in wanted)
        if not keep:
            continue
        try:
            rows.append(
                InstrumentRow(
                    instrument_token=int(fields[0]),
                    tradingsymbol=fields[2],
                    name=name,
                    last_price=float(fields[4]),
                    expiry=date.fromisoformat(fields[5]) if fields[5] else None,
                    strike=float(fields[6]),
                    tick_size=float(fields[7]),
                    lot_size=int(fields[8]),
                    instrument_type=kind,
                    segment=segment,
                    exchange=fields[11],
                )
            )
        except ValueError as exc:
            raise DataError(f"instruments dump line {line}: {exc}") from exc
    return rows


@dataclass(frozen=True)
class InstrumentSelection:
    """Which options to build from the dump.

    Parameters
    ----------
    underlyings : sequence of str
        Index names of the options (``NIFTY``, ``BANKNIFTY``).
    expiries : int, optional
        Keep the nearest N expiries on or after the trading day (None: all).
    expiry_kind : {"any", "monthly"}
        Count every expiry, or only monthly ones.
    strikes_each_side : int, optional
        Keep strikes within N strike steps of the index's last price in the dump (None: all).
    """

    underlyings: Sequence[str] = ("NIFTY", "BANKNIFTY")
    expiries: int | None = 2
    expiry_kind: Literal["any", "monthly"] = "any"
    strikes_each_side: int | None = 20


@dataclass
class BuiltInstruments:
    """Instruments built from the dump and the token maps between Kite and Nautilus."""

    instruments: list[Instrument] = field(default_factory=list)
    ids_by_token: dict[int, tuple[InstrumentId, ...]] = field(default_factory=dict)
    token_by_id: dict[InstrumentId, int] = field(default_factory=dict)
    skipped: list[str] = field(default_factory=list)

    def _add(self, token: int, instrument: Instrument) -> None:
        self.instruments.append(instrument)
        self.ids_by_token[token] = (*self.ids_by_token.get(token, ()), instrument.id)
        self.token_by_id[instrument.id] = token


def _option(row: InstrumentRow) -> OptionSymbol | str:
    """The parsed symbol of ``row``, or why it cannot be built."""
    try:
        symbol = parse_tradingsymbol(row.tradingsymbol)
    except DataError as exc:
        return str(exc)
    spec = contract_spec(symbol.underlying, symbol.expiry)
    if row.lot_size != spec.lot_size or Decimal(str(row.tick_size)) != Decimal(str(spec.tick_size)):
        return (
            f"{row.tradingsymbol}: dump lot {row.lot_size} tick {row.tick_size} differ from "
            f"the NSE tables' lot {spec.lot_size} tick {spec.tick_size}"
        )
    return symbol


def build_instruments(
    rows: Sequence[InstrumentRow], selection: InstrumentSelection, today: date, ts_init: int = 0
) -> BuiltInstruments:
    """Build the selected options and their indices (see the module docstring)."""
    built = BuiltInstruments()
    spots: dict[str, float] = {}
    for row in rows:
        underlying = INDEX_NAMES.get(row.tradingsymbol) if row.segment == "INDICES" else None
        if underlying is not None and underlying in selection.underlyings:
            spots[underlying] = row.last_price
            for venue in (NSE, NFO):
                built._add(row.instrument_token, index_instrument(underlying, venue))
    options: dict[str, list[tuple[InstrumentRow, OptionSymbol]]] = {}
    for row in rows:
        if row.segment != "NFO-OPT" or row.name not in selection.underlyings:
            continue
        if row.expiry is None or row.expiry < today:
            continue
        parsed = _option(row)
        if isinstance(parsed, str):
            built.skipped.append(parsed)
            continue
        options.setdefault(row.name, []).append((row, parsed))
    for underlying, chain in options.items():
        kept = {s.expiry for _, s in chain if selection.expiry_kind == "any" or s.monthly}
        nearest = sorted(kept)[: selection.expiries] if selection.expiries else sorted(kept)
        spot = spots.get(underlying)
        for row, symbol in chain:
            if symbol.expiry not in nearest:
                continue
            if selection.strikes_each_side is not None and spot:
                step = contract_spec(underlying, symbol.expiry).strike_step
                if abs(float(symbol.strike) - spot) > (selection.strikes_each_side + 0.5) * step:
                    continue
            built._add(row.instrument_token, option_contract(symbol, ts_init))
    return built
