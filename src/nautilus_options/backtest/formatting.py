"""Figures as an Indian trader reads them: rupees in lakh grouping, percentages, IST times.

Pure functions of plain values (no plotting library), shared by the HTML report and anything
else that shows a run's figures.

>>> inr(123456.785)
'₹1,23,456.79'
>>> percent(57.142857)
'57.1 %'
>>> ist_time(pd.Timestamp("2026-01-05 04:00:10", tz="UTC"))
'05 Jan 2026 09:30 IST'
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from datetime import datetime
from functools import partial
from typing import Any

import pandas as pd

from nautilus_options.domain.time import IST

__all__ = [
    "MISSING",
    "group_indian",
    "humanize",
    "inr",
    "ist_day",
    "ist_time",
    "number",
    "percent",
    "summary_figure",
    "summary_rows",
]

#: Shown in place of a figure that does not exist (no trades, no closing time).
MISSING = "—"


def group_indian(digits: str) -> str:
    """Group a string of digits the Indian way: last three, then pairs (lakh, crore).

    >>> group_indian("1234567")
    '12,34,567'
    """
    if len(digits) <= 3:
        return digits
    head, tail = digits[:-3], digits[-3:]
    pairs = [head[max(0, end - 2) : end] for end in range(len(head), 0, -2)]
    return ",".join([*reversed(pairs), tail])


def number(value: float | None, decimals: int = 0) -> str:
    """``value`` with Indian digit grouping and ``decimals`` places; :data:`MISSING` if None.

    >>> number(-1234567.891, 2)
    '-12,34,567.89'
    """
    if value is None or not math.isfinite(value):
        return MISSING
    text = f"{abs(value):.{decimals}f}"
    whole, _, fraction = text.partition(".")
    sign = "-" if value < 0 and float(text) != 0 else ""
    return sign + group_indian(whole) + (f".{fraction}" if fraction else "")


def inr(amount: float | None, decimals: int = 2) -> str:
    """An amount in rupees, ``₹1,23,456.78``; a loss is ``-₹500.00``.

    >>> inr(-500)
    '-₹500.00'
    """
    text = number(amount, decimals)
    if text == MISSING:
        return text
    return f"-₹{text[1:]}" if text.startswith("-") else f"₹{text}"


def percent(value: float | None, decimals: int = 1) -> str:
    """A value already in percent, ``57.1 %`` (pass ``fraction * 100`` for a fraction)."""
    text = number(value, decimals)
    return text if text == MISSING else f"{text} %"


def _in_ist(moment: pd.Timestamp | datetime | str | None) -> pd.Timestamp | None:
    if moment is None:
        return None
    stamp = pd.Timestamp(moment)
    if pd.isna(stamp):
        return None
    if stamp.tzinfo is None:
        raise ValueError(f"{moment!r} has no timezone")
    return stamp.tz_convert(IST)


def ist_time(moment: pd.Timestamp | datetime | str | None, pattern: str = "%d %b %Y %H:%M") -> str:
    """A timezone-aware instant (or ISO text with an offset) as IST wall-clock time.

    ``05 Jan 2026 09:30 IST`` (``pattern`` is a ``strftime`` pattern); :data:`MISSING` for
    None or NaT.

    Raises
    ------
    ValueError
        If ``moment`` has no timezone: a naive time is ambiguous here.
    """
    stamp = _in_ist(moment)
    return MISSING if stamp is None else f"{stamp.strftime(pattern)} IST"


def ist_day(moment: pd.Timestamp | datetime | str | None) -> str:
    """The IST calendar day of an instant, ``13 Jan 2026``; :data:`MISSING` for None or NaT.

    Raises
    ------
    ValueError
        If ``moment`` has no timezone.
    """
    stamp = _in_ist(moment)
    return MISSING if stamp is None else stamp.strftime("%d %b %Y")


def humanize(code: str) -> str:
    """A snake_case code as words for a reader: ``profit_target`` -> ``Profit target``.

    >>> humanize("iron_condor")
    'Iron condor'
    """
    return code.replace("_", " ").strip().capitalize()


# Summary keys (statistics.SUMMARY_KEYS plus the run's own) in reading order.
_SUMMARY_FORMATS: dict[str, tuple[str, Callable[[Any], str]]] = {
    "pnl_total": ("Net P&L (after charges)", inr),
    "return_pct": ("Return on initial capital", partial(percent, decimals=2)),
    "initial_capital": ("Initial capital", inr),
    "ending_capital": ("Ending capital (realized)", inr),
    "open_spreads": ("Spreads open at the end", number),
    "open_pnl": ("Their open P&L (at mids)", inr),
    "trades": ("Closed spreads", number),
    "wins": ("Winners", number),
    "losses": ("Losers", number),
    "win_rate": ("Win rate", lambda rate: percent(None if rate is None else rate * 100.0)),
    "charges_total": ("Charges paid", inr),
    "commissions": ("Brokerage, STT and fees on fills", inr),
    "settlement_charges": ("Charges on settlement at expiry", inr),
    "max_drawdown": ("Max drawdown (marked to market)", inr),
    "max_drawdown_pct": ("Max drawdown, % of the peak", partial(percent, decimals=2)),
    "sharpe": ("Sharpe ratio (daily, annualised)", partial(number, decimals=2)),
    "start": ("Start", ist_time),
    "end": ("End", ist_time),
    "entry_checks": ("Entry checks", number),
    "entries": ("Spreads opened", number),
    "entry_skips": ("Entry checks skipped, by reason", lambda skips: _counts(skips)),
    "no_trades_because": ("No trades because", lambda text: str(text)),
    "elapsed_secs": (
        "Run time (wall clock)",
        lambda secs: f"{number(secs, 1)} s" if secs is not None else MISSING,
    ),
}


def _counts(counts: Mapping[str, int] | None) -> str:
    """``"outside window: 450; cooldown: 12"`` from ``{reason: count}``."""
    if not counts:
        return MISSING
    return "; ".join(f"{humanize(reason)}: {number(count)}" for reason, count in counts.items())


def summary_rows(summary: Mapping[str, object]) -> list[tuple[str, str]]:
    """``(label, formatted value)`` for every entry of a run summary, in reading order.

    Known keys (:data:`~nautilus_options.backtest.statistics.SUMMARY_KEYS`, ``start``,
    ``end``, ``elapsed_secs``) get their label and unit; others are humanized and shown as
    text.

    >>> summary_rows({"win_rate": 0.5714, "pnl_total": -10643.5})
    [('Net P&L (after charges)', '-₹10,643.50'), ('Win rate', '57.1 %')]
    """
    known = [key for key in _SUMMARY_FORMATS if key in summary]
    others = [key for key in summary if key not in _SUMMARY_FORMATS]
    return [summary_figure(key, summary[key]) for key in [*known, *others]]


def summary_figure(key: str, value: object) -> tuple[str, str]:
    """``(label, formatted value)`` of one summary entry (see :func:`summary_rows`).

    >>> summary_figure("max_drawdown", 14722.32)
    ('Max drawdown (marked to market)', '₹14,722.32')
    """
    if key in _SUMMARY_FORMATS:
        label, formatter = _SUMMARY_FORMATS[key]
        return label, formatter(value)
    return humanize(key), MISSING if value is None else str(value)
