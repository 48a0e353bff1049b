"""The opt-in provisional calendar after the NSE holiday table (``domain.nse``)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from nautilus_options.domain.nse import (
    CALENDAR_END,
    OptionSymbol,
    ProvisionalOptionSymbol,
    check_expiry,
    expiries,
    expiry_rule,
    is_provisional,
    is_trading_day,
    provisional_check_expiry,
    provisional_expiries,
    provisional_is_trading_day,
)
from nautilus_options.errors import ConfigError

AFTER = CALENDAR_END + timedelta(days=1)


def test_only_days_after_the_table_are_provisional() -> None:
    assert not is_provisional(CALENDAR_END)
    assert is_provisional(AFTER)


def test_trading_days_follow_the_table_then_every_weekday() -> None:
    for n in range(-10, 30):
        day = CALENDAR_END + timedelta(days=n)
        expected = is_trading_day(day) if n <= 0 else day.weekday() < 5
        assert provisional_is_trading_day(day) is expected


@pytest.mark.parametrize("underlying", ["NIFTY", "BANKNIFTY"])
def test_inside_the_table_it_is_exactly_the_table(underlying: str) -> None:
    start, end = CALENDAR_END - timedelta(days=200), CALENDAR_END
    assert provisional_expiries(underlying, start, end) == expiries(underlying, start, end)


@pytest.mark.parametrize("underlying", ["NIFTY", "BANKNIFTY"])
def test_after_the_table_the_expiry_weekday_rules_still_apply(underlying: str) -> None:
    found = provisional_expiries(underlying, CALENDAR_END - timedelta(days=40), date(2027, 12, 31))
    days = [e.day for e in found]
    assert days == sorted(set(days))
    later = [e for e in found if is_provisional(e.day)]
    assert later
    months = {(e.day.year, e.day.month) for e in later}
    assert len(months) == 12
    for expiry in later:
        rule = expiry_rule(underlying, expiry.day)
        if expiry.monthly:
            assert expiry.day.weekday() == rule.monthly_weekday
            assert (expiry.day + timedelta(days=7)).month != expiry.day.month  # the last one
        else:
            assert expiry.day.weekday() == rule.weekly_weekday
    monthlies = [e for e in later if e.monthly]
    assert len(monthlies) == 12  # one per month
    if expiry_rule(underlying, AFTER).weekly_weekday is None:
        assert all(e.monthly for e in later)
    else:  # a weekly in every week without a monthly expiry
        weeks = {e.day - timedelta(days=e.day.weekday()) for e in later}
        assert len(later) == len(weeks)


def test_a_range_across_the_end_joins_both_parts() -> None:
    found = provisional_expiries("NIFTY", date(2026, 12, 20), date(2027, 2, 10))
    assert [e.day for e in found if not is_provisional(e.day)] == [
        e.day for e in expiries("NIFTY", date(2026, 12, 20), CALENDAR_END)
    ]
    assert date(2027, 1, 26) in {e.day for e in found if e.monthly}


def test_check_expiry_provisionally() -> None:
    assert provisional_check_expiry("NIFTY", date(2027, 1, 12)).monthly is False
    assert provisional_check_expiry("BANKNIFTY", date(2027, 1, 26)).monthly is True
    in_table = date(2026, 12, 29)
    assert provisional_check_expiry("NIFTY", in_table) == check_expiry("NIFTY", in_table)
    with pytest.raises(ConfigError, match="provisional"):
        provisional_check_expiry("BANKNIFTY", date(2027, 1, 12))  # monthly only
    with pytest.raises(ConfigError, match="expiry"):
        provisional_check_expiry("NIFTY", date(2027, 1, 13))  # a Wednesday


def test_only_the_provisional_symbol_accepts_later_expiries() -> None:
    day = date(2027, 1, 26)
    with pytest.raises(ConfigError, match="outside the NSE calendar"):
        OptionSymbol("NIFTY", day, Decimal(25_000), "CE", True)
    with pytest.raises(ConfigError, match="outside the NSE calendar"):
        check_expiry("NIFTY", day)
    symbol = ProvisionalOptionSymbol("NIFTY", day, Decimal(25_000), "CE", True)
    assert symbol.tradingsymbol == "NIFTY27JAN25000CE"
    weekly = ProvisionalOptionSymbol("NIFTY", date(2027, 1, 5), Decimal(25_050), "PE", False)
    assert weekly.tradingsymbol == "NIFTY2710525050PE"
    with pytest.raises(ConfigError, match="monthly"):
        ProvisionalOptionSymbol("NIFTY", day, Decimal(25_000), "CE", False)
    with pytest.raises(ConfigError, match="strike step"):
        ProvisionalOptionSymbol("NIFTY", day, Decimal(25_010), "CE", True)
