"""The dated fact tables of the NSE index-option market (data only, no logic).

Each row holds a fact in force from its ``effective_from`` date;
:mod:`nautilus_options.domain.nse` looks rows up. Sources for every row are listed in the
market-data guide of the documentation.

**Extending the calendar.** The calendar covers :data:`CALENDAR_START` to
:data:`CALENDAR_END`. To trade or import a later year, add that year's weekday trading
holidays (NSE's circular "Trading holidays for the calendar year") to :data:`HOLIDAYS`, move
:data:`CALENDAR_END` to the year's last day, and add rows to the other tables if lot sizes,
expiry weekdays or freeze limits changed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

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

    ``freeze_qty`` is not part of a row (freeze limits change per trading day, see
    :data:`FREEZE_LIMITS`): :func:`~nautilus_options.domain.nse.contract_spec` fills it in
    with the limit in force on the day asked about.
    """

    underlying: str
    effective_from: date
    lot_size: int
    strike_step: int
    tick_size: Decimal
    weekly: bool
    freeze_qty: int = 0


_TICK = Decimal("0.05")

CONTRACT_SPECS: dict[str, tuple[ContractSpec, ...]] = {
    "NIFTY": (
        ContractSpec("NIFTY", date(2024, 1, 1), 50, 50, _TICK, weekly=True),
        ContractSpec("NIFTY", date(2024, 4, 26), 25, 50, _TICK, weekly=True),
        ContractSpec("NIFTY", date(2024, 11, 20), 75, 50, _TICK, weekly=True),
        ContractSpec("NIFTY", date(2026, 1, 1), 65, 50, _TICK, weekly=True),
    ),
    "BANKNIFTY": (
        ContractSpec("BANKNIFTY", date(2024, 1, 1), 15, 100, _TICK, weekly=True),
        ContractSpec("BANKNIFTY", date(2024, 11, 14), 15, 100, _TICK, weekly=False),
        ContractSpec("BANKNIFTY", date(2024, 11, 20), 30, 100, _TICK, weekly=False),
        ContractSpec("BANKNIFTY", date(2025, 6, 27), 35, 100, _TICK, weekly=False),
        ContractSpec("BANKNIFTY", date(2026, 1, 1), 30, 100, _TICK, weekly=False),
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


@dataclass(frozen=True)
class FreezeLimit:
    """NSE's quantity freeze limit (units per order) in force from ``effective_from``.

    Unlike :class:`ContractSpec`, ``effective_from`` is a **trading day**: a revision applies
    to every order placed on or after it, whatever the contract's expiry.
    """

    effective_from: date
    units: int


FREEZE_LIMITS: dict[str, tuple[FreezeLimit, ...]] = {
    "NIFTY": (FreezeLimit(date(2024, 1, 1), 1800),),
    "BANKNIFTY": (
        FreezeLimit(date(2024, 1, 1), 900),
        FreezeLimit(date(2025, 7, 1), 600),
        FreezeLimit(date(2025, 9, 1), 900),
        FreezeLimit(date(2025, 11, 3), 600),
    ),
}
