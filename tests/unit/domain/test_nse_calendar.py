"""NSE calendar, expiry rules and contract facts on known dates."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from nautilus_options.domain.nse import (
    Expiry,
    check_expiry,
    contract_spec,
    expiries,
    expiry_ns,
    freeze_quantity,
    is_trading_day,
    monthly_expiry,
    next_trading_day,
    previous_trading_day,
    session_bounds_ns,
    trading_days,
)
from nautilus_options.errors import ConfigError


@pytest.mark.parametrize(
    "day", [date(2024, 1, 22), date(2025, 10, 21), date(2026, 1, 26), date(2026, 3, 3)]
)
def test_published_holidays_are_not_trading_days(day: date) -> None:
    assert day.weekday() < 5
    assert not is_trading_day(day)


def test_weekends_are_closed_and_ordinary_weekdays_open() -> None:
    assert not is_trading_day(date(2026, 1, 10))
    assert is_trading_day(date(2026, 1, 5))


def test_trading_days_skip_weekends_and_holidays() -> None:
    days = trading_days(date(2026, 1, 23), date(2026, 1, 28))
    assert days == [date(2026, 1, 23), date(2026, 1, 27), date(2026, 1, 28)]


def test_neighbouring_trading_days() -> None:
    assert previous_trading_day(date(2026, 1, 27)) == date(2026, 1, 23)
    assert next_trading_day(date(2026, 1, 23)) == date(2026, 1, 27)


def test_calendar_refuses_days_outside_it_and_says_how_to_extend_it() -> None:
    with pytest.raises(ConfigError, match="outside the NSE calendar") as caught:
        is_trading_day(date(2027, 1, 4))
    assert "add the year's trading holidays to HOLIDAYS and move CALENDAR_END" in str(caught.value)


def test_nifty_weekly_expiries_move_from_thursday_to_tuesday_in_september_2025() -> None:
    days = [e.day for e in expiries("NIFTY", date(2025, 8, 18), date(2025, 9, 10))]
    assert days == [date(2025, 8, 21), date(2025, 8, 28), date(2025, 9, 2), date(2025, 9, 9)]


def test_nifty_january_2026_series() -> None:
    assert expiries("NIFTY", date(2026, 1, 1), date(2026, 1, 31)) == [
        Expiry("NIFTY", date(2026, 1, 6), monthly=False),
        Expiry("NIFTY", date(2026, 1, 13), monthly=False),
        Expiry("NIFTY", date(2026, 1, 20), monthly=False),
        Expiry("NIFTY", date(2026, 1, 27), monthly=True),
    ]


@pytest.mark.parametrize(
    ("nominal", "expected"),
    [
        (date(2024, 4, 11), date(2024, 4, 10)),  # Id-Ul-Fitr, Thursday weekly
        (date(2024, 8, 15), date(2024, 8, 14)),  # Independence Day
        (date(2025, 10, 21), date(2025, 10, 20)),  # Diwali, Tuesday weekly
        (date(2026, 3, 3), date(2026, 3, 2)),  # Holi
    ],
)
def test_expiry_on_a_holiday_moves_to_the_previous_trading_day(
    nominal: date, expected: date
) -> None:
    days = [e.day for e in expiries("NIFTY", nominal.replace(day=1), nominal)]
    assert expected in days
    assert nominal not in days


def test_monthly_expiry_is_the_last_expiry_weekday_holiday_adjusted() -> None:
    assert monthly_expiry("NIFTY", 2025, 3) == date(2025, 3, 27)
    assert monthly_expiry("NIFTY", 2026, 3) == date(2026, 3, 30)  # 31 March is a holiday
    assert monthly_expiry("BANKNIFTY", 2026, 2) == date(2026, 2, 24)


def test_banknifty_weeklies_end_in_november_2024() -> None:
    found = expiries("BANKNIFTY", date(2024, 11, 1), date(2024, 12, 31))
    assert [e.day for e in found] == [
        date(2024, 11, 6),
        date(2024, 11, 13),
        date(2024, 11, 27),  # last Wednesday (March 2024 to December 2024)
        date(2024, 12, 24),  # 25 December is a holiday
    ]
    assert [e.monthly for e in found] == [False, False, True, True]


def test_banknifty_monthly_weekday_history() -> None:
    assert monthly_expiry("BANKNIFTY", 2024, 2) == date(2024, 2, 29)
    assert monthly_expiry("BANKNIFTY", 2024, 3) == date(2024, 3, 27)
    assert monthly_expiry("BANKNIFTY", 2025, 1) == date(2025, 1, 30)
    assert monthly_expiry("BANKNIFTY", 2025, 9) == date(2025, 9, 30)


def test_no_weekly_in_the_week_of_a_banknifty_monthly_expiry() -> None:
    days = [e.day for e in expiries("BANKNIFTY", date(2024, 1, 22), date(2024, 1, 26))]
    assert days == [date(2024, 1, 25)]


def test_lot_size_switches_with_the_january_2026_series() -> None:
    assert contract_spec("NIFTY", date(2024, 4, 25)).lot_size == 50
    assert contract_spec("NIFTY", date(2024, 5, 2)).lot_size == 25
    assert contract_spec("NIFTY", date(2025, 12, 30)).lot_size == 75
    assert contract_spec("NIFTY", date(2026, 1, 6)).lot_size == 65
    assert contract_spec("BANKNIFTY", date(2025, 12, 30)).lot_size == 35
    assert contract_spec("BANKNIFTY", date(2026, 1, 27)).lot_size == 30


def test_contract_facts_of_nifty() -> None:
    spec = contract_spec("NIFTY", date(2026, 1, 13))
    assert (spec.strike_step, spec.tick_size, spec.freeze_qty, spec.weekly) == (
        50,
        Decimal("0.05"),
        1800,
        True,
    )
    assert not contract_spec("BANKNIFTY", date(2026, 1, 27)).weekly


def test_unknown_underlying_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="FINNIFTY"):
        contract_spec("FINNIFTY", date(2026, 1, 6))
    with pytest.raises(ConfigError, match="underlying"):
        expiries("SENSEX", date(2026, 1, 1), date(2026, 1, 31))


def test_expiry_and_session_times_in_utc() -> None:
    assert expiry_ns(date(2026, 1, 13)) == int(
        datetime(2026, 1, 13, 10, 0, tzinfo=UTC).timestamp() * 1e9
    )
    open_ns, close_ns = session_bounds_ns(date(2026, 1, 13))
    assert close_ns - open_ns == (6 * 60 + 15) * 60 * 1_000_000_000
    assert open_ns == int(datetime(2026, 1, 13, 3, 45, tzinfo=UTC).timestamp() * 1e9)


@pytest.mark.parametrize(
    ("day", "units"),
    [
        (date(2024, 8, 1), 900),  # NSE circular, revision of 1 Aug 2024
        (date(2025, 3, 3), 900),  # revision of 3 Mar 2025
        (date(2025, 6, 30), 900),
        (date(2025, 7, 1), 600),  # circular of 30 Jun 2025
        (date(2025, 8, 29), 600),
        (date(2025, 9, 1), 900),  # circular of 29 Aug 2025
        (date(2025, 11, 2), 900),
        (date(2025, 11, 3), 600),  # circular of 31 Oct 2025
        (date(2026, 1, 27), 600),
    ],
)
def test_banknifty_freeze_limit_follows_nse_revisions_by_trading_day(day: date, units: int) -> None:
    assert freeze_quantity("BANKNIFTY", day) == units
    assert contract_spec("BANKNIFTY", day).freeze_qty == units


def test_nifty_freeze_limit_stayed_1800() -> None:
    assert {freeze_quantity("NIFTY", date(y, 6, 3)) for y in (2024, 2025, 2026)} == {1800}


@pytest.mark.parametrize(
    ("underlying", "day", "monthly"),
    [
        ("NIFTY", date(2025, 8, 21), False),  # Thursday weekly before September 2025
        ("NIFTY", date(2025, 8, 28), True),  # last Thursday monthly
        ("NIFTY", date(2025, 9, 2), False),  # Tuesday weekly from September 2025
        ("NIFTY", date(2026, 3, 2), False),  # Tuesday 3 March 2026 is Holi: moves to Monday
        ("BANKNIFTY", date(2024, 11, 13), False),  # the last BANKNIFTY weekly
        ("BANKNIFTY", date(2026, 1, 27), True),
    ],
)
def test_check_expiry_accepts_listed_expiries(underlying: str, day: date, monthly: bool) -> None:
    assert check_expiry(underlying, day) == Expiry(underlying, day, monthly)


@pytest.mark.parametrize(
    ("underlying", "day", "message"),
    [
        ("NIFTY", date(2026, 1, 14), "2026-01-14 (Wednesday) is not a NIFTY expiry day"),
        ("NIFTY", date(2026, 1, 17), "(Saturday, not a trading day)"),
        ("NIFTY", date(2026, 3, 3), "expiries that week: 2026-03-02 (Monday)"),
        ("NIFTY", date(2025, 9, 4), "Thursday"),  # weekly moved to Tuesday
        ("BANKNIFTY", date(2026, 1, 20), "not a BANKNIFTY expiry day"),  # monthly only
        ("NIFTY", date(2099, 1, 27), "outside the NSE calendar"),
    ],
)
def test_check_expiry_refuses_days_without_a_series(
    underlying: str, day: date, message: str
) -> None:
    with pytest.raises(ConfigError, match="expiry") as caught:
        check_expiry(underlying, day)
    assert message in str(caught.value)
