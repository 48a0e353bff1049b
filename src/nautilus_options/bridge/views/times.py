"""UNIX nanoseconds to aware UTC datetimes."""

from __future__ import annotations

from datetime import UTC, datetime


def utc(ns: int) -> datetime:
    """The UTC time of ``ns`` UNIX nanoseconds.

    >>> utc(0).isoformat()
    '1970-01-01T00:00:00+00:00'
    """
    return datetime.fromtimestamp(ns / 1e9, UTC)


def utc_or_none(ns: int | None) -> datetime | None:
    """:func:`utc` of ``ns``; None for None or 0."""
    return utc(ns) if ns else None
