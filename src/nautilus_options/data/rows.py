"""Per-row validation of an input table: instrument resolution and value checks.

:class:`Rows` holds a file's table, its :class:`~nautilus_options.data.checks.RowChecks`
and the instrument of every row; its methods check one column at a time with vectorised
numpy code and flag bad rows (or raise at the first one) through the row checks.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from nautilus_trader.model.instruments import Instrument
from nautilus_trader.model.objects import PRICE_MAX, QUANTITY_MAX

from nautilus_options.data.checks import RowChecks, dates, numbers, strings
from nautilus_options.data.instruments import NFO, NSE, index_instrument, option_contract
from nautilus_options.data.schemas import KITE_INDEX_NAMES
from nautilus_options.domain.nse import (
    CONTRACT_SPECS,
    OptionSymbol,
    monthly_expiry,
    parse_tradingsymbol,
    validate_underlying,
)
from nautilus_options.domain.time import NS_PER_SECOND
from nautilus_options.errors import ConfigError


@dataclass(frozen=True)
class Ref:
    """What the rows of one symbol refer to: an option, or an index and its NFO mirror."""

    instruments: tuple[Instrument, ...]
    is_index: bool


@dataclass
class Rows:
    """A file's table with its row checks and resolved instruments."""

    table: pa.Table
    checks: RowChecks
    codes: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    refs: list[Ref] = field(default_factory=list)

    def attribute(self, getter: Callable[[Instrument], int]) -> np.ndarray:
        """Per-row value of an attribute of the row's (first) instrument; 0 for bad rows."""
        table = np.array([getter(ref.instruments[0]) for ref in self.refs] + [0], dtype=np.int64)
        return table[self.codes]

    def index_mask(self) -> np.ndarray:
        """Good rows of an index (rather than an option)."""
        flags = np.array([ref.is_index for ref in self.refs] + [False], dtype=bool)
        return flags[self.codes] & ~self.checks.bad

    def resolve(
        self,
        keys: pa.ChunkedArray,
        build: Callable[[str], Ref],
        column: str,
        fields: dict[str, str] | None = None,
    ) -> None:
        """Give every row the code of its instrument; flag rows whose key does not resolve.

        A key that names no listed contract is flagged against ``column``, or against
        ``fields[error.field]`` when the builder's :class:`ConfigError` names a field.
        """
        encoded = pc.dictionary_encode(keys.combine_chunks())
        labels = encoded.dictionary.to_pylist()
        indices = np.asarray(encoded.indices.fill_null(-1).to_numpy(zero_copy_only=False))
        self.checks.flag(indices < 0, "missing value", column)
        codes = np.full(len(labels), -1, dtype=np.int64)
        known: dict[str, int] = {}
        for position, label in enumerate(labels):
            try:
                ref = build(label)
            except (ValueError, ArithmeticError) as exc:  # DataError, ConfigError, bad numbers
                field = getattr(exc, "field", None)
                message = str(exc).removeprefix(f"{field}: ")
                shown = label.replace("|", " ").strip() if fields else label
                shown = shown if len(shown) <= 60 else shown[:57] + "..."
                self.checks.flag(
                    indices == position,
                    f"unknown instrument {shown!r}: {message}",
                    (fields or {}).get(field or "", column),
                )
                continue
            # Labels naming the same instrument ("NIFTY" and "NIFTY 50") share one code.
            code = known.setdefault(ref.instruments[0].id.value, len(self.refs))
            if code == len(self.refs):
                self.refs.append(ref)
            codes[position] = code
        # Rows without an instrument point at the sentinel slot past the last ref.
        self.codes = np.where(indices < 0, len(self.refs), codes[indices])
        self.codes[self.codes < 0] = len(self.refs)

    def resolve_columns(
        self,
        underlying: pa.ChunkedArray,
        expiry: np.ndarray,
        strike: np.ndarray,
        right: pa.ChunkedArray,
        names: tuple[str, str, str, str] = ("underlying", "expiry", "strike", "right"),
    ) -> None:
        """Resolve instruments from underlying/expiry/strike/right columns.

        ``names`` are the file's names of those columns; an error is reported against the
        column it is about (a bad right against the right column, and so on).
        """
        parts = [
            underlying,
            pa.array(expiry, from_pandas=True).cast(pa.string()),
            pa.array(strike, from_pandas=True).cast(pa.string()),
            right,
        ]
        keys = pc.binary_join_element_wise(
            *[pc.fill_null(part, "") for part in parts], "|", null_handling="replace"
        )
        keys = pc.if_else(pc.is_null(underlying), pa.scalar(None, pa.string()), keys)
        fields = dict(zip(("underlying", "expiry", "strike", "right"), names, strict=True))
        fields.update(day=names[1], monthly=names[1])
        self.resolve(keys, _columns_ref, names[0], fields)

    def identify(self, identity: tuple[str, ...]) -> None:
        """Resolve instruments from the ``symbol`` column or the instrument columns."""
        if identity == ("symbol",):
            self.resolve(strings(self.table, "symbol", self.checks), symbol_ref, "symbol")
            return
        strike, _ = numbers(self.table, "strike", self.checks)
        self.resolve_columns(
            strings(self.table, "underlying", self.checks),
            dates(self.table, "expiry", self.checks),
            strike,
            strings(self.table, "right", self.checks),
        )

    def required(self, name: str, where: np.ndarray | None = None) -> np.ndarray:
        """Numbers of column ``name``; empty cells (``where`` given: of those rows) are bad."""
        values, nulls = numbers(self.table, name, self.checks)
        self.checks.flag(nulls if where is None else nulls & where, "missing value", name)
        return values

    def units(
        self, values: np.ndarray, precision: np.ndarray, name: str, where: np.ndarray
    ) -> np.ndarray:
        """Return ``values`` as integers of ``10**-precision``; flag values with more decimals."""
        scaled = np.where(where & np.isfinite(values), values, 0.0) * np.power(10.0, precision)
        units = np.rint(scaled)
        self.checks.flag(
            where & (np.abs(scaled - units) > 1e-6), "more decimals than the price precision", name
        )
        return units.astype(np.int64)

    def prices(self, values: np.ndarray, name: str, where: np.ndarray) -> np.ndarray:
        """Check prices (>= 0, on the instrument's precision and tick) and return their units."""
        self.checks.flag(where & (values < 0), "negative price", name)
        self.checks.flag(
            where & (values > PRICE_MAX), f"price above Nautilus' {PRICE_MAX:,.0f}", name
        )
        units = self.units(values, self.attribute(lambda i: i.price_precision), name, where)
        tick = self.attribute(
            lambda i: int(i.price_increment.as_decimal().scaleb(i.price_precision))
        )
        self.checks.flag(
            where & (units % np.maximum(tick, 1) != 0), "not a multiple of the tick", name
        )
        return units

    def sizes(
        self, name: str, default: int, where: np.ndarray, nullable: bool = False
    ) -> np.ndarray:
        """Check whole non-negative counts of an optional column and return them.

        A missing column gives ``default`` everywhere; empty cells are refused unless
        ``nullable`` (then they read as ``default``).
        """
        if name not in self.table.column_names:
            return np.full(self.table.num_rows, default, dtype=np.int64)
        values, nulls = numbers(self.table, name, self.checks)
        if not nullable:
            self.checks.flag(where & nulls, "missing value", name)
        values = np.where(nulls, default, values)
        self.checks.flag(where & (values < 0), "negative value", name)
        self.checks.flag(where & (values > QUANTITY_MAX), "above Nautilus' quantity limit", name)
        self.checks.flag(where & (values != np.floor(values)), "not a whole number of units", name)
        return np.where(where, values, 0).astype(np.int64)

    def after_expiry(self, ts: np.ndarray, column: str, what: str = "dated") -> None:
        """Flag option rows whose time ``ts`` is after the option's expiry (15:30 IST)."""
        never = np.iinfo(np.int64).max
        expiry = self.attribute(lambda i: int(getattr(i, "expiration_ns", never)))
        known = self.codes < len(self.refs)
        self.checks.flag(
            known & (ts > expiry),
            f"{what} after the option's expiry (15:30 IST on its expiry day)",
            column,
        )

    def order(self, ts: np.ndarray, column: str, spacing_ns: int = 0) -> np.ndarray:
        """Flag duplicate or decreasing timestamps per instrument; return good rows grouped.

        With ``spacing_ns`` (the bar length), rows closer than that to the instrument's
        previous row are flagged as overlapping bars.
        """
        good = np.flatnonzero(~self.checks.bad)
        order = good[np.argsort(self.codes[good], kind="stable")]
        codes = self.codes[order]
        times = ts[order]
        # Latest earlier time of the same instrument (exact int64; ``seen`` masks group starts).
        running = pd.Series(times).groupby(codes).cummax().to_numpy(dtype=np.int64)
        previous = np.roll(running, 1)
        seen = np.concatenate(([False], codes[1:] == codes[:-1]))
        self.checks.flag(seen & (times == previous), "duplicate timestamp", column, rows=order)
        self.checks.flag(seen & (times < previous), "timestamps not increasing", column, rows=order)
        if spacing_ns:
            self.checks.flag(
                seen & (times - previous < spacing_ns),
                f"bar opens less than {spacing_ns // NS_PER_SECOND} s after the previous one: "
                "overlapping bars (does the interval match the data?)",
                column,
                rows=order,
            )
        return order[~self.checks.bad[order]]


def index_ref(underlying: str) -> Ref:
    """The index ``underlying`` and its NFO settlement mirror."""
    validate_underlying(underlying)
    return Ref((index_instrument(underlying, NSE), index_instrument(underlying, NFO)), True)


def symbol_ref(text: str) -> Ref:
    """An index (by name or Kite name) or a Kite option tradingsymbol."""
    name = KITE_INDEX_NAMES.get(text, text)
    if name in CONTRACT_SPECS:
        return index_ref(name)
    return _option_ref(parse_tradingsymbol(text))


def _option_ref(option: OptionSymbol) -> Ref:
    validate_underlying(option.underlying)
    return Ref((option_contract(option),), False)


def _columns_ref(key: str) -> Ref:
    und, expiry, strike, right = key.split("|")
    if not (expiry or strike or right):
        return index_ref(und)
    for name, value in (("expiry", expiry), ("strike", strike), ("right", right)):
        if not value:
            raise ConfigError(
                name, "option rows need expiry, strike and right; index rows none of them"
            )
    if right not in ("CE", "PE"):
        raise ConfigError("right", f"right must be CE or PE, got {right!r}")
    validate_underlying(und)
    day = date.fromisoformat(expiry)
    monthly = day == monthly_expiry(und, day.year, day.month)
    return _option_ref(OptionSymbol(und, day, Decimal(strike), right, monthly))  # type: ignore[arg-type]
