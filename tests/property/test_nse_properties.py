"""Invariants of the NSE calendar and symbology over the whole holiday table."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from nautilus_options.domain.nse import (
    CALENDAR_END,
    CALENDAR_START,
    EXPIRY_RULES,
    OptionSymbol,
    expiry_rule,
    is_trading_day,
    parse_tradingsymbol,
    trading_days,
)
from nautilus_options.domain.nse import expiries as list_expiries

underlyings = st.sampled_from(sorted(EXPIRY_RULES))
months = st.dates(CALENDAR_START + timedelta(days=7), CALENDAR_END - timedelta(days=40))


@given(underlyings, months)
def test_expiries_are_trading_days_never_after_the_nominal_weekday(
    underlying: str, start: date
) -> None:
    found = list_expiries(underlying, start, start + timedelta(days=35))
    assert found, "every month has a monthly expiry"
    assert sum(e.monthly for e in found) in (1, 2)
    for expiry in found:
        assert is_trading_day(expiry.day)
        rule = expiry_rule(underlying, expiry.day - timedelta(days=expiry.day.weekday()))
        nominal = max(wd for wd in (rule.monthly_weekday, rule.weekly_weekday) if wd is not None)
        # Holiday adjustment only ever moves an expiry earlier within its week.
        assert expiry.day.weekday() <= nominal
    days = [e.day for e in found]
    assert days == sorted(set(days))


@given(months)
def test_trading_days_are_weekdays_in_range(start: date) -> None:
    days = trading_days(start, start + timedelta(days=20))
    assert all(d.weekday() < 5 and start <= d <= start + timedelta(days=20) for d in days)
    assert len(days) >= 10


@given(underlyings, months, st.integers(1, 2_000), st.sampled_from(["CE", "PE"]))
def test_symbol_round_trip(underlying: str, start: date, steps: int, right: str) -> None:
    step = 50 if underlying == "NIFTY" else 100
    for expiry in list_expiries(underlying, start, start + timedelta(days=31)):
        symbol = OptionSymbol(
            underlying,
            expiry.day,
            Decimal(steps * step),
            right,
            expiry.monthly,  # type: ignore[arg-type]
        )
        assert parse_tradingsymbol(symbol.tradingsymbol) == symbol
