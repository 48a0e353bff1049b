"""Invariants of the NSE calendar and symbology over the whole holiday table."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from itertools import pairwise

from hypothesis import given
from hypothesis import strategies as st

from nautilus_options.domain.nse import (
    CALENDAR_END,
    CALENDAR_START,
    EXPIRY_RULES,
    HOLIDAYS,
    OptionSymbol,
    contract_spec,
    expiry_rule,
    is_trading_day,
    next_trading_day,
    parse_tradingsymbol,
    previous_trading_day,
    trading_days,
)
from nautilus_options.domain.nse import expiries as list_expiries
from nautilus_options.errors import ConfigError

underlyings = st.sampled_from(sorted(EXPIRY_RULES))
months = st.dates(CALENDAR_START + timedelta(days=7), CALENDAR_END - timedelta(days=50))


@given(underlyings, months)
def test_expiry_is_the_last_trading_day_on_or_before_its_nominal_day(
    underlying: str, start: date
) -> None:
    found = list_expiries(underlying, start, start + timedelta(days=45))
    # Monthlies are 27 to 37 days apart (24 Dec 2024 to 30 Jan 2025 for BANKNIFTY).
    assert sum(e.monthly for e in found) in (1, 2)
    for expiry in found:
        monday = expiry.day - timedelta(days=expiry.day.weekday())
        rule = expiry_rule(underlying, monday)
        weekday = rule.monthly_weekday if expiry.monthly else rule.weekly_weekday
        assert weekday is not None, "a weekly expiry needs a weekly rule"
        nominal = monday + timedelta(days=weekday)
        assert is_trading_day(expiry.day)
        assert expiry.day <= nominal
        if expiry.day != nominal:  # moved back from a holiday to the previous trading day
            assert not is_trading_day(nominal)
            assert previous_trading_day(nominal) == expiry.day
    days = [e.day for e in found]
    assert days == sorted(set(days))


@given(months, st.integers(0, 30))
def test_trading_days_are_the_weekdays_that_are_no_holiday(start: date, span: int) -> None:
    end = start + timedelta(days=span)
    days = trading_days(start, end)
    assert all(start <= d <= end and d.weekday() < 5 and d not in HOLIDAYS for d in days)
    weekdays = [start + timedelta(days=n) for n in range(span + 1)]
    skipped = [d for d in weekdays if d.weekday() < 5 and d not in days]
    assert all(d in HOLIDAYS for d in skipped)
    for earlier, later in pairwise(days):
        assert next_trading_day(earlier) == later
        assert previous_trading_day(later) == earlier


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


@given(
    underlyings,
    st.dates(CALENDAR_START, CALENDAR_END),
    st.decimals(1, 80_000, places=2),
    st.booleans(),
)
def test_option_symbol_exists_exactly_for_listed_contracts(
    underlying: str, day: date, strike: Decimal, monthly: bool
) -> None:
    """A symbol can be built iff the calendar lists the expiry (with that form) and the
    strike lies on the step; then its tradingsymbol parses back to it."""
    listed = {e.day: e.monthly for e in list_expiries(underlying, day, day)}
    on_step = day in listed and strike % contract_spec(underlying, day).strike_step == 0
    exists = listed.get(day) == monthly and on_step
    try:
        symbol = OptionSymbol(underlying, day, strike, "CE", monthly)
    except ConfigError:
        assert not exists
    else:
        assert exists
        assert parse_tradingsymbol(symbol.tradingsymbol) == symbol
