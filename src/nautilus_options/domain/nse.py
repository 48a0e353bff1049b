"""NSE calendar, expiry rules, contract facts and Kite option symbology.

Everything here is pure and table-driven: facts that changed over time are rows with an
``effective_from`` date, and the row in force is the latest one on or before the date asked
about. Sources for every row are listed in the market-data guide of the documentation.
"""

from __future__ import annotations

import calendar
import re
from bisect import bisect_right
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Literal

from nautilus_options.domain.time import IST, ist_date
from nautilus_options.errors import ConfigError, DataError

#: Continuous-session open and close, IST.
SESSION_OPEN = time(9, 15)
SESSION_CLOSE = time(15, 30)

#: First and last day covered by :data:`HOLIDAYS`; the calendar refuses days outside.
CALENDAR_START = date(2024, 1, 1)
CALENDAR_END = date(2026, 12, 31)

#: Weekday trading holidays of the NSE equity-derivatives segment (weekend holidays omitted).
HOLIDAYS: frozenset[date] = frozenset(
    {
        # 2024
        date(2024, 1, 22),  # special holiday (Ayodhya Pran Pratishtha)
        date(2024, 1, 26),  # Republic Day
        date(2024, 3, 8),  # Mahashivratri
        date(2024, 3, 25),  # Holi
        date(2024, 3, 29),  # Good Friday
        date(2024, 4, 11),  # Id-Ul-Fitr (Ramadan Eid)
        date(2024, 4, 17),  # Shri Ram Navami
        date(2024, 5, 1),  # Maharashtra Day
        date(2024, 5, 20),  # general election in Mumbai
        date(2024, 6, 17),  # Bakri Id
        date(2024, 7, 17),  # Moharram
        date(2024, 8, 15),  # Independence Day
        date(2024, 10, 2),  # Mahatma Gandhi Jayanti
        date(2024, 11, 1),  # Diwali Laxmi Pujan
        date(2024, 11, 15),  # Gurunanak Jayanti
        date(2024, 11, 20),  # Maharashtra assembly election
        date(2024, 12, 25),  # Christmas
        # 2025
        date(2025, 2, 26),  # Mahashivratri
        date(2025, 3, 14),  # Holi
        date(2025, 3, 31),  # Id-Ul-Fitr (Ramadan Eid)
        date(2025, 4, 10),  # Shri Mahavir Jayanti
        date(2025, 4, 14),  # Dr. Baba Saheb Ambedkar Jayanti
        date(2025, 4, 18),  # Good Friday
        date(2025, 5, 1),  # Maharashtra Day
        date(2025, 8, 15),  # Independence Day
        date(2025, 8, 27),  # Ganesh Chaturthi
        date(2025, 10, 2),  # Mahatma Gandhi Jayanti / Dussehra
        date(2025, 10, 21),  # Diwali Laxmi Pujan
        date(2025, 10, 22),  # Diwali Balipratipada
        date(2025, 11, 5),  # Prakash Gurpurb Sri Guru Nanak Dev
        date(2025, 12, 25),  # Christmas
        # 2026
        date(2026, 1, 15),  # municipal corporation elections in Maharashtra
        date(2026, 1, 26),  # Republic Day
        date(2026, 3, 3),  # Holi
        date(2026, 3, 26),  # Shri Ram Navami
        date(2026, 3, 31),  # Shri Mahavir Jayanti
        date(2026, 4, 3),  # Good Friday
        date(2026, 4, 14),  # Dr. Baba Saheb Ambedkar Jayanti
        date(2026, 5, 1),  # Maharashtra Day
        date(2026, 5, 28),  # Bakri Id
        date(2026, 6, 26),  # Muharram
        date(2026, 9, 14),  # Ganesh Chaturthi
        date(2026, 10, 2),  # Mahatma Gandhi Jayanti
        date(2026, 10, 20),  # Dussehra
        date(2026, 11, 10),  # Diwali Balipratipada
        date(2026, 11, 24),  # Prakash Gurpurb Sri Guru Nanak Dev
        date(2026, 12, 25),  # Christmas
    }
)

MON, TUE, WED, THU = 0, 1, 2, 3


@dataclass(frozen=True)
class ContractSpec:
    """Contract facts of an index-option series, in force from ``effective_from``.

    ``effective_from`` refers to the contract's expiry: a row applies to every series that
    expires on or after that date (lot sizes change per series, not per trading day).
    """

    underlying: str
    effective_from: date
    lot_size: int
    strike_step: int
    tick_size: Decimal
    freeze_qty: int
    weekly: bool


_TICK = Decimal("0.05")

CONTRACT_SPECS: dict[str, tuple[ContractSpec, ...]] = {
    "NIFTY": (
        ContractSpec("NIFTY", date(2024, 1, 1), 50, 50, _TICK, 1800, weekly=True),
        ContractSpec("NIFTY", date(2024, 4, 26), 25, 50, _TICK, 1800, weekly=True),
        ContractSpec("NIFTY", date(2024, 11, 20), 75, 50, _TICK, 1800, weekly=True),
        ContractSpec("NIFTY", date(2026, 1, 1), 65, 50, _TICK, 1800, weekly=True),
    ),
    "BANKNIFTY": (
        ContractSpec("BANKNIFTY", date(2024, 1, 1), 15, 100, _TICK, 600, weekly=True),
        ContractSpec("BANKNIFTY", date(2024, 11, 14), 15, 100, _TICK, 600, weekly=False),
        ContractSpec("BANKNIFTY", date(2024, 11, 20), 30, 100, _TICK, 600, weekly=False),
        ContractSpec("BANKNIFTY", date(2025, 6, 27), 35, 100, _TICK, 600, weekly=False),
        ContractSpec("BANKNIFTY", date(2026, 1, 1), 30, 100, _TICK, 600, weekly=False),
    ),
}


@dataclass(frozen=True)
class ExpiryRule:
    """Expiry weekdays in force for series expiring on or after ``effective_from``.

    ``weekly_weekday`` is ``None`` when the underlying has no weekly series; the monthly
    expiry is the last ``monthly_weekday`` of the month.
    """

    effective_from: date
    weekly_weekday: int | None
    monthly_weekday: int


EXPIRY_RULES: dict[str, tuple[ExpiryRule, ...]] = {
    "NIFTY": (
        ExpiryRule(date(2024, 1, 1), THU, THU),
        ExpiryRule(date(2025, 9, 1), TUE, TUE),
    ),
    "BANKNIFTY": (
        ExpiryRule(date(2024, 1, 1), WED, THU),
        ExpiryRule(date(2024, 3, 1), WED, WED),
        ExpiryRule(date(2024, 11, 14), None, WED),
        ExpiryRule(date(2025, 1, 1), None, THU),
        ExpiryRule(date(2025, 9, 1), None, TUE),
    ),
}


def _in_force[T: (ContractSpec, ExpiryRule)](rows: tuple[T, ...], on: date, what: str) -> T:
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

    Raises
    ------
    ConfigError
        If the underlying is unknown or ``on`` precedes the table.
    """
    return _in_force(_rows(CONTRACT_SPECS, underlying), on, "on")


def expiry_rule(underlying: str, on: date) -> ExpiryRule:
    """Return the expiry rule of ``underlying`` in force for expiries on ``on``."""
    return _in_force(_rows(EXPIRY_RULES, underlying), on, "on")


def _check_covered(day: date) -> None:
    if not CALENDAR_START <= day <= CALENDAR_END:
        raise ConfigError(
            "day", f"{day} is outside the holiday table ({CALENDAR_START} to {CALENDAR_END})"
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


def _ist_ns(day: date, at: time) -> int:
    moment = datetime.combine(day, at, tzinfo=IST).astimezone(UTC)
    seconds = int((moment - datetime(1970, 1, 1, tzinfo=UTC)).total_seconds())
    return seconds * 1_000_000_000


def expiry_ns(day: date) -> int:
    """UNIX nanoseconds of 15:30 IST on ``day`` (options expire at the close)."""
    return _ist_ns(day, SESSION_CLOSE)


def session_bounds_ns(day: date) -> tuple[int, int]:
    """UNIX nanoseconds of the session open (09:15 IST) and close (15:30 IST) on ``day``."""
    return _ist_ns(day, SESSION_OPEN), _ist_ns(day, SESSION_CLOSE)


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
    """An NFO index option identified as Kite does.

    ``monthly`` selects the symbol format: the monthly (last) expiry of a month is written
    ``NIFTY26JAN24400CE``, any other expiry ``NIFTY2611324400CE`` (YY, month code 1-9/O/N/D, DD).
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

    The expiry day of a monthly symbol comes from the calendar (:func:`monthly_expiry`).

    Raises
    ------
    DataError
        If ``symbol`` is in neither format or names an impossible date.
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
            raise DataError(f"{symbol!r} is not a Kite option tradingsymbol")
        right: Literal["CE", "PE"] = "CE" if match["right"] == "CE" else "PE"
        return OptionSymbol(match["und"], expiry, Decimal(match["strike"]), right, monthly)
    except (ValueError, InvalidOperation) as exc:
        if isinstance(exc, DataError):
            raise
        raise DataError(f"{symbol!r} is not a valid option tradingsymbol: {exc}") from exc
