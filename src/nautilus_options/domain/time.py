"""Time vocabulary shared by every layer: nanosecond units, IST dates, date bounds.

Nautilus stamps every event in UNIX nanoseconds (UTC); the Indian market thinks in IST
calendar days. This module is the one place that converts between the two.

**Rule for date bounds** (run files, command-line options, :func:`parse_bound`):

* a bare date (``2026-01-05``) is a whole IST trading day: its first nanosecond as a start
  bound, its last nanosecond as an end bound;
* a timestamp with a zone or offset (``2026-01-05T09:15+05:30``, ``...Z``) is that instant;
* a timestamp without a zone (``2026-01-05 09:15``) is **IST** wall-clock time, the time
  printed on every NSE screen;
* an ``int`` is already UNIX nanoseconds.

>>> ist_date(1_767_585_600_000_000_000)  # 2026-01-05 04:00 UTC = 09:30 IST
datetime.date(2026, 1, 5)
>>> parse_bound("2026-01-05 09:15", "start") == parse_bound("2026-01-05T03:45Z", "start")
True
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta, timezone

from nautilus_options.errors import ConfigError

NS_PER_SECOND = 1_000_000_000
NS_PER_MINUTE = 60 * NS_PER_SECOND
NS_PER_HOUR = 60 * NS_PER_MINUTE
NS_PER_DAY = 24 * NS_PER_HOUR
#: A 365-day year, the convention of the time-to-expiry in option pricing.
NS_PER_YEAR = 365 * NS_PER_DAY

#: India Standard Time (UTC+05:30, no daylight saving).
IST = timezone(timedelta(hours=5, minutes=30), "IST")

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def ist_datetime(ts_ns: int) -> datetime:
    """The IST wall-clock datetime of a UNIX-nanosecond timestamp (microsecond precision)."""
    return _EPOCH.astimezone(IST) + timedelta(microseconds=ts_ns // 1_000)


def ist_date(ts_ns: int) -> date:
    """The IST calendar date of a UNIX-nanosecond timestamp."""
    return ist_datetime(ts_ns).date()


def ist_ns(day: date, at: time = time(0)) -> int:
    """UNIX nanoseconds of the IST wall-clock time ``at`` on ``day``."""
    return to_ns(datetime.combine(day, at, IST))


def to_ns(moment: datetime) -> int:
    """UNIX nanoseconds of a timezone-aware datetime (exact, no float rounding).

    Raises
    ------
    ValueError
        If ``moment`` has no timezone.
    """
    if moment.tzinfo is None:
        raise ValueError(f"datetime {moment!r} has no timezone")
    delta = moment - _EPOCH
    return (delta.days * 86_400 + delta.seconds) * NS_PER_SECOND + delta.microseconds * 1_000


def parse_bound(value: date | datetime | str | int, field: str, *, end: bool = False) -> int:
    """UNIX nanoseconds of a start or end bound, by the rule in the module docstring.

    Parameters
    ----------
    value : date, datetime, str or int
        The bound: an ISO date or timestamp string, a ``date``, a ``datetime`` or UNIX ns.
    field : str
        The name reported in errors, e.g. ``"start"`` or ``"--end"``.
    end : bool, default False
        Whether this is an end bound (a bare date then means its last nanosecond).

    Raises
    ------
    ConfigError
        If ``value`` is not an ISO date or timestamp, or lies outside 1970-2262 (the
        range of a signed 64-bit nanosecond timestamp).
    """
    if isinstance(value, bool):
        raise ConfigError(field, f"not a date or timestamp: {value!r}")
    if isinstance(value, int):
        return value
    moment: date | datetime
    if isinstance(value, str):
        text = value.strip()
        try:
            moment = date.fromisoformat(text) if len(text) == 10 else datetime.fromisoformat(text)
        except ValueError:
            raise ConfigError(field, f"not an ISO date or timestamp: {value!r}") from None
    else:
        moment = value
    if isinstance(moment, datetime):
        aware = moment if moment.tzinfo is not None else moment.replace(tzinfo=IST)
        ns = to_ns(aware)
    else:
        ns = ist_ns(moment) + (NS_PER_DAY - 1 if end else 0)
    if not 0 <= ns < 2**63:
        raise ConfigError(field, f"{value!r} is outside 1970-01-01 to 2262-04-11")
    return ns
