"""NSE calendar, expiry rules, contract facts and Kite option symbology.

Everything here is pure and table-driven: facts that changed over time are rows with an
``effective_from`` date, and the row in force is the latest one on or before the date asked
about. Sources for every row are listed in the market-data guide of the documentation.
"""

from __future__ import annotations

import calendar
import re
from bisect import bisect_right
from dataclasses import dataclass, replace
from datetime import date, time, timedelta
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Literal

from nautilus_options.domain.nse_tables import (
    CALENDAR_END,
    CALENDAR_START,
    CONTRACT_SPECS,
    EXPIRY_RULES,
    FREEZE_LIMITS,
    HOLIDAYS,
    MON,
    THU,
    TUE,
    WED,
    ContractSpec,
    ExpiryRule,
    FreezeLimit,
)
from nautilus_options.domain.time import IST, ist_date, ist_ns
from nautilus_options.errors import ConfigError, DataError

__all__ = [
    "CALENDAR_END",
    "CALENDAR_START",
    "CONTRACT_SPECS",
    "EXPIRY_RULES",
    "FREEZE_LIMITS",
    "HOLIDAYS",
    "IST",
    "MON",
    "MONTH_NAMES",
    "SESSION_CLOSE",
    "SESSION_OPEN",
    "THU",
    "TUE",
    "WED",
    "ContractSpec",
    "Expiry",
    "ExpiryRule",
    "FreezeLimit",
    "OptionSymbol",
    "ProvisionalOptionSymbol",
    "check_expiry",
    "contract_spec",
    "expiries",
    "expiry_ns",
    "expiry_rule",
    "freeze_quantity",
    "is_provisional",
    "is_trading_day",
    "monthly_expiry",
    "next_session",
    "next_trading_day",
    "parse_tradingsymbol",
    "previous_trading_day",
    "provisional_check_expiry",
    "provisional_expiries",
    "provisional_is_trading_day",
    "session_bounds_ns",
    "trading_days",
    "validate_underlying",
]

#: Continuous-session open and close, IST.
SESSION_OPEN = time(9, 15)
SESSION_CLOSE = time(15, 30)


def _in_force[T: (ContractSpec, ExpiryRule, FreezeLimit)](
    rows: tuple[T, ...], on: date, what: str
) -> T:
    index = bisect_right([row.effective_from for row in rows], on) - 1
    if index < 0:
        raise ConfigError(
            what, f"no table entry on or before {on} (first: {rows[0].effective_from})"
        )
    return rows[index]


def validate_underlying(underlying: str) -> str:
    """Return ``underlying`` if the tables know it, else raise :class:`ConfigError`."""
    if underlying not in EXPIRY_RULES or underlying not in CONTRACT_SPECS:
        known = ", ".join(sorted(EXPIRY_RULES))
        raise ConfigError("underlying", f"unknown underlying {underlying!r} (known: {known})")
    return underlying


def _rows[T](table: dict[str, tuple[T, ...]], underlying: str) -> tuple[T, ...]:
    return table[validate_underlying(underlying)]


def contract_spec(underlying: str, on: date) -> ContractSpec:
    """Return the contract facts of the ``underlying`` series expiring on ``on``.

    ``freeze_qty`` is the freeze limit in force on the day ``on`` itself
    (:func:`freeze_quantity`); for an order, ask :func:`freeze_quantity` about the day the
    order is placed.

    Raises
    ------
    ConfigError
        If the underlying is unknown or ``on`` precedes the table.
    """
    row = _in_force(_rows(CONTRACT_SPECS, underlying), on, "on")
    return replace(row, freeze_qty=freeze_quantity(underlying, on))


def freeze_quantity(underlying: str, day: date) -> int:
    """NSE's quantity freeze limit (units per order) of ``underlying`` options on ``day``.

    Orders above it are rejected by the exchange and must be sliced (Kite ``autoslice``).
    """
    return _in_force(_rows(FREEZE_LIMITS, underlying), day, "on").units


def expiry_rule(underlying: str, on: date) -> ExpiryRule:
    """Return the expiry rule of ``underlying`` in force for expiries on ``on``."""
    return _in_force(_rows(EXPIRY_RULES, underlying), on, "on")


def _check_covered(day: date, field: str = "day") -> None:
    if not CALENDAR_START <= day <= CALENDAR_END:
        raise ConfigError(
            field,
            f"{day} is outside the NSE calendar ({CALENDAR_START} to {CALENDAR_END}); "
            "to extend it, add the year's trading holidays to HOLIDAYS and move CALENDAR_END "
            "in nautilus_options.domain.nse_tables",
        )


def is_trading_day(day: date) -> bool:
    """Whether NSE's derivatives segment trades on ``day`` (a weekday that is no holiday)."""
    _check_covered(day)
    return day.weekday() < 5 and day not in HOLIDAYS


def trading_days(start: date, end: date) -> list[date]:
    """All trading days from ``start`` to ``end``, both inclusive."""
    return [
        start + timedelta(days=n)
        for n in range((end - start).days + 1)
        if is_trading_day(start + timedelta(days=n))
    ]


def previous_trading_day(day: date) -> date:
    """The last trading day strictly before ``day``."""
    day -= timedelta(days=1)
    while not is_trading_day(day):
        day -= timedelta(days=1)
    return day


def next_trading_day(day: date) -> date:
    """The first trading day strictly after ``day``."""
    day += timedelta(days=1)
    while not is_trading_day(day):
        day += timedelta(days=1)
    return day


@dataclass(frozen=True)
class Expiry:
    """An expiry day of an underlying's option series (already holiday-adjusted)."""

    underlying: str
    day: date
    monthly: bool


def _adjust(day: date) -> date:
    return day if is_trading_day(day) else previous_trading_day(day)


def _last_weekday(year: int, month: int, weekday: int) -> date:
    last = date(year, month, calendar.monthrange(year, month)[1])
    return last - timedelta(days=(last.weekday() - weekday) % 7)


def monthly_expiry(underlying: str, year: int, month: int) -> date:
    """The (holiday-adjusted) monthly expiry day of ``underlying`` in ``year``-``month``."""
    rule = expiry_rule(underlying, date(year, month, 1))
    return _adjust(_last_weekday(year, month, rule.monthly_weekday))


@lru_cache(maxsize=64)
def _expiries_cached(underlying: str, start: date, end: date) -> tuple[Expiry, ...]:
    days: set[date] = set()
    # Holiday adjustment moves an expiry back within its week and month, so the weeks and
    # months that start on or before ``end`` hold every expiry of the range.
    year, month = start.year, start.month
    while (year, month) <= (end.year, end.month):
        days.add(monthly_expiry(underlying, year, month))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    monthly = set(days)
    monday = start - timedelta(days=start.weekday())
    while monday <= end:
        rule = expiry_rule(underlying, monday)
        # No weekly series expires in the week of a monthly expiry.
        in_week = any(monday <= day < monday + timedelta(days=7) for day in monthly)
        if rule.weekly_weekday is not None and not in_week:
            days.add(_adjust(monday + timedelta(days=rule.weekly_weekday)))
        monday += timedelta(days=7)
    return tuple(
        Expiry(underlying, day, day in monthly) for day in sorted(days) if start <= day <= end
    )


def expiries(underlying: str, start: date, end: date) -> list[Expiry]:
    """Expiries of ``underlying`` whose (holiday-adjusted) day lies in ``[start, end]``.

    Weekly expiries fall on the weekly weekday of the rule in force on the Monday of their
    week; the monthly expiry is the last monthly weekday of the month. An expiry on a
    holiday moves to the previous trading day. The result is sorted and has one entry per
    day; the monthly expiry is flagged ``monthly=True``.
    """
    _rows(EXPIRY_RULES, underlying)
    return list(_expiries_cached(underlying, start, end))


_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


@lru_cache(maxsize=1024)
def check_expiry(underlying: str, day: date) -> Expiry:
    """The expiry of ``underlying`` on ``day``, which must be one of its expiry days.

    Validity comes from the tables: the expiry weekdays in force, the holiday adjustment and
    the weekly/monthly series listed (see :func:`expiries`).

    Raises
    ------
    ConfigError
        Field ``expiry``: ``day`` is outside the calendar (the message says how to extend
        it) or no ``underlying`` series expires on it (the message lists that week's expiries).
    """
    validate_underlying(underlying)
    _check_covered(day, "expiry")
    monday = max(day - timedelta(days=day.weekday()), CALENDAR_START)
    sunday = min(monday + timedelta(days=6), CALENDAR_END)
    week = expiries(underlying, monday, sunday)
    for expiry in week:
        if expiry.day == day:
            return expiry
    listed = ", ".join(f"{e.day} ({_WEEKDAYS[e.day.weekday()]})" for e in week) or "none"
    reason = "" if is_trading_day(day) else ", not a trading day"
    raise ConfigError(
        "expiry",
        f"{day} ({_WEEKDAYS[day.weekday()]}{reason}) is not a {underlying} expiry day "
        f"(expiries that week: {listed})",
    )


def expiry_ns(day: date) -> int:
    """UNIX nanoseconds of 15:30 IST on ``day`` (options expire at the close)."""
    return ist_ns(day, SESSION_CLOSE)


def session_bounds_ns(day: date) -> tuple[int, int]:
    """UNIX nanoseconds of the session open (09:15 IST) and close (15:30 IST) on ``day``."""
    return ist_ns(day, SESSION_OPEN), ist_ns(day, SESSION_CLOSE)


def _in_session_calendar(day: date) -> bool:
    """Whether ``day`` has a session: the holiday table inside its range, weekdays outside."""
    if CALENDAR_START <= day <= CALENDAR_END:
        return is_trading_day(day)
    return day.weekday() < 5


def next_session(now_ns: int) -> tuple[int, int]:
    """The session in progress at ``now_ns`` or else the next one, as UNIX ns (open, close).

    A session runs from 09:15 to 15:30 IST, both included. Days inside the holiday table
    (:data:`CALENDAR_START` to :data:`CALENDAR_END`) follow it; days outside it are taken to
    trade on every weekday, since no holidays are known for them.
    """
    day = ist_date(now_ns)
    while True:
        if _in_session_calendar(day):
            bounds = session_bounds_ns(day)
            if now_ns <= bounds[1]:
                return bounds
        day += timedelta(days=1)


#: Month names of monthly tradingsymbols (``NIFTY26JAN24400CE``), independent of the locale.
MONTH_NAMES = ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC")
_WEEKLY_MONTH_CODES = "123456789OND"
_MONTHLY_RE = re.compile(
    r"^(?P<und>[A-Z]+)(?P<yy>\d{2})(?P<mon>" + "|".join(MONTH_NAMES) + r")(?P<strike>\d+(?:\.\d+)?)"
    r"(?P<right>CE|PE)$"
)
_WEEKLY_RE = re.compile(
    r"^(?P<und>[A-Z]+)(?P<yy>\d{2})(?P<m>[1-9OND])(?P<dd>\d{2})(?P<strike>\d+(?:\.\d+)?)"
    r"(?P<right>CE|PE)$"
)


@dataclass(frozen=True)
class OptionSymbol:
    """An NFO index option identified as Kite does; only contracts NSE lists can be built.

    ``monthly`` selects the symbol format: the monthly (last) expiry of a month is written
    ``NIFTY26JAN24400CE``, any other expiry ``NIFTY2611324400CE`` (YY, month code 1-9/O/N/D, DD).

    Raises
    ------
    ConfigError
        Naming the field: ``right`` not CE/PE; ``strike`` not positive or off the strike step
        (fractional strikes included); ``underlying`` unknown; ``expiry`` not an expiry day
        of the underlying or outside the calendar; ``monthly`` not matching the expiry.
    """

    underlying: str
    expiry: date
    strike: Decimal
    right: Literal["CE", "PE"]
    monthly: bool

    def __post_init__(self) -> None:
        if self.right not in ("CE", "PE"):
            raise ConfigError("right", f"must be 'CE' or 'PE', got {self.right!r}")
        if not self.strike > 0:
            raise ConfigError("strike", f"must be positive, got {self.strike}")
        if not re.fullmatch(r"[A-Z]+", self.underlying):
            raise ConfigError("underlying", f"must be upper-case letters, got {self.underlying!r}")
        expiry = self._checked_expiry()
        if self.monthly != expiry.monthly:
            kind, form = ("the monthly", "monthly") if expiry.monthly else ("a weekly", "weekly")
            raise ConfigError(
                "monthly",
                f"{self.expiry} is {kind} {self.underlying} expiry: use the {form} symbol form",
            )
        step = contract_spec(self.underlying, self.expiry).strike_step
        if self.strike % step:
            raise ConfigError(
                "strike",
                f"{self.strike} is not on the {self.underlying} strike step of {step} points",
            )

    def _checked_expiry(self) -> Expiry:
        """The expiry this symbol names, checked against the NSE calendar."""
        return check_expiry(self.underlying, self.expiry)

    @property
    def tradingsymbol(self) -> str:
        """The Kite tradingsymbol, e.g. ``NIFTY2611324400CE`` or ``NIFTY26JAN24400CE``."""
        strike = format(self.strike.normalize(), "f")
        yy = f"{self.expiry.year % 100:02d}"
        if self.monthly:
            when = f"{yy}{MONTH_NAMES[self.expiry.month - 1]}"
        else:
            when = f"{yy}{_WEEKLY_MONTH_CODES[self.expiry.month - 1]}{self.expiry.day:02d}"
        return f"{self.underlying}{when}{strike}{self.right}"


def parse_tradingsymbol(symbol: str) -> OptionSymbol:
    """Parse a Kite NFO option tradingsymbol (weekly or monthly format).

    The expiry day of a monthly symbol comes from the calendar (:func:`monthly_expiry`). The
    contract must exist: the rules of :class:`OptionSymbol` apply.

    Raises
    ------
    DataError
        If ``symbol`` is in neither format or names a contract NSE does not list.
    """
    try:
        if match := _MONTHLY_RE.match(symbol):
            year = 2000 + int(match["yy"])
            expiry = monthly_expiry(match["und"], year, MONTH_NAMES.index(match["mon"]) + 1)
            monthly = True
        elif match := _WEEKLY_RE.match(symbol):
            month = _WEEKLY_MONTH_CODES.index(match["m"]) + 1
            expiry = date(2000 + int(match["yy"]), month, int(match["dd"]))
            monthly = False
        else:
            raise DataError(f"{_shown(symbol)!r} is not a Kite option tradingsymbol")
        right: Literal["CE", "PE"] = "CE" if match["right"] == "CE" else "PE"
        return OptionSymbol(match["und"], expiry, Decimal(match["strike"]), right, monthly)
    except (ValueError, InvalidOperation) as exc:
        if isinstance(exc, DataError):
            raise
        raise DataError(f"{_shown(symbol)!r} is not a valid option tradingsymbol: {exc}") from exc


def _shown(text: str, limit: int = 60) -> str:
    """``text`` shortened for an error message."""
    return text if len(text) <= limit else text[: limit - 3] + "..."


# ------------------------------------------------------------------ provisional calendar
# Opt-in, for live synthetic markets only (the Kite simulator): days after CALENDAR_END have
# no published holidays, so each weekday is *provisionally* taken as a trading day and the
# expiry rules last in force keep applying. Nothing above uses these: imports, backtests and
# OptionSymbol still refuse days outside the table.


def is_provisional(day: date) -> bool:
    """Whether ``day`` lies after the holiday table, where only provisional dates exist."""
    return day > CALENDAR_END


def provisional_is_trading_day(day: date) -> bool:
    """PROVISIONAL: :func:`is_trading_day` in the table; after it, every weekday."""
    return day.weekday() < 5 if is_provisional(day) else is_trading_day(day)


def _provisional_monthly(underlying: str, year: int, month: int) -> date:
    if not is_provisional(date(year, month, 1)):
        return monthly_expiry(underlying, year, month)
    rule = expiry_rule(underlying, date(year, month, 1))
    return _last_weekday(year, month, rule.monthly_weekday)  # a weekday: no adjustment


def provisional_expiries(underlying: str, start: date, end: date) -> list[Expiry]:
    """PROVISIONAL: :func:`expiries`, continued past :data:`CALENDAR_END`.

    Inside the table the result is exactly :func:`expiries`; after it, monthly expiries are
    the last monthly weekday of the month and weeklies the weekly weekday of each week
    without a monthly expiry, per the rule in force, every weekday being a trading day.
    """
    validate_underlying(underlying)
    found = expiries(underlying, start, min(end, CALENDAR_END)) if start <= CALENDAR_END else []
    first = max(start, CALENDAR_END + timedelta(days=1))
    if first > end:
        return found
    monthly: set[date] = set()
    year, month = (first - timedelta(days=7)).year, (first - timedelta(days=7)).month
    while (year, month) <= (end.year, end.month):
        monthly.add(_provisional_monthly(underlying, year, month))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    days = {day for day in monthly if first <= day <= end}
    monday = first - timedelta(days=first.weekday())
    while monday <= end:
        rule = expiry_rule(underlying, monday)
        in_week = any(monday <= day < monday + timedelta(days=7) for day in monthly)
        weekly = None if rule.weekly_weekday is None else monday + timedelta(rule.weekly_weekday)
        if weekly is not None and not in_week and first <= weekly <= end:
            days.add(weekly)
        monday += timedelta(days=7)
    return found + [Expiry(underlying, day, day in monthly) for day in sorted(days)]


def provisional_check_expiry(underlying: str, day: date) -> Expiry:
    """PROVISIONAL: :func:`check_expiry`, accepting the provisional expiries after the table.

    Raises
    ------
    ConfigError
        Field ``expiry``: ``day`` precedes the calendar or is no (provisional) expiry day.
    """
    if not is_provisional(day):
        return check_expiry(underlying, day)
    monday = day - timedelta(days=day.weekday())
    week = provisional_expiries(underlying, monday, monday + timedelta(days=6))
    for expiry in week:
        if expiry.day == day:
            return expiry
    listed = ", ".join(str(e.day) for e in week) or "none"
    raise ConfigError(
        "expiry",
        f"{day} is not a provisional {underlying} expiry day (expiries that week: {listed})",
    )


@dataclass(frozen=True)
class ProvisionalOptionSymbol(OptionSymbol):
    """PROVISIONAL: an :class:`OptionSymbol` whose expiry may lie after the holiday table.

    For live synthetic markets only; the expiry is checked by
    :func:`provisional_check_expiry`, every other rule of :class:`OptionSymbol` applies.
    """

    def _checked_expiry(self) -> Expiry:
        return provisional_check_expiry(self.underlying, self.expiry)
