"""Kite tradingsymbols of NFO index options."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from nautilus_options.domain.nse import OptionSymbol, parse_tradingsymbol
from nautilus_options.errors import ConfigError, DataError


def test_weekly_symbol_format() -> None:
    symbol = OptionSymbol("NIFTY", date(2026, 1, 13), Decimal(24400), "CE", monthly=False)
    assert symbol.tradingsymbol == "NIFTY2611324400CE"


def test_weekly_month_codes_for_october_to_december() -> None:
    symbol = OptionSymbol("NIFTY", date(2025, 11, 4), Decimal(25500), "PE", monthly=False)
    assert symbol.tradingsymbol == "NIFTY25N0425500PE"
    assert parse_tradingsymbol("NIFTY25O2025000CE").expiry == date(2025, 10, 20)


def test_monthly_symbol_format_and_parse_uses_the_calendar() -> None:
    symbol = OptionSymbol("NIFTY", date(2026, 1, 27), Decimal(24400), "CE", monthly=True)
    assert symbol.tradingsymbol == "NIFTY26JAN24400CE"
    assert parse_tradingsymbol("NIFTY26JAN24400CE") == symbol
    assert parse_tradingsymbol("BANKNIFTY26MAR52000PE").expiry == date(2026, 3, 30)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("NIFTY2611326013CE", "26013 is not on the NIFTY strike step of 50"),
        ("NIFTY2611326000.5CE", "26000.5 is not on the NIFTY strike step"),
        ("BANKNIFTY26JAN58050CE", "strike step of 100"),
        ("NIFTY2611426000CE", "2026-01-14 (Wednesday) is not a NIFTY expiry day"),
        ("NIFTY2611726000CE", "Saturday"),
        ("NIFTY2630326000CE", "2026-03-03 (Tuesday, not a trading day)"),  # Holi
        ("NIFTY2612726000CE", "monthly NIFTY expiry: use the monthly symbol form"),
        ("BANKNIFTY2612058000CE", "not a BANKNIFTY expiry day"),  # no weeklies since Nov 2024
        ("NIFTY99JAN26000CE", "outside the NSE calendar"),
        ("NIFTY9911226000CE", "to extend it"),
    ],
)
def test_symbols_of_contracts_nse_does_not_list_are_refused(text: str, message: str) -> None:
    with pytest.raises(DataError, match=text) as caught:
        parse_tradingsymbol(text)
    assert message in str(caught.value)


def test_weekly_on_the_day_before_a_holiday_is_accepted() -> None:
    assert parse_tradingsymbol("NIFTY2630226000CE").expiry == date(2026, 3, 2)


def test_option_symbol_refuses_the_weekly_form_on_a_monthly_expiry() -> None:
    with pytest.raises(ConfigError, match="monthly: 2026-01-27 is the monthly NIFTY expiry"):
        OptionSymbol("NIFTY", date(2026, 1, 27), Decimal(24400), "CE", monthly=False)
    with pytest.raises(ConfigError, match="monthly: 2026-01-13 is a weekly NIFTY expiry"):
        OptionSymbol("NIFTY", date(2026, 1, 13), Decimal(24400), "CE", monthly=True)


def test_option_symbol_refuses_off_step_and_non_expiry_contracts() -> None:
    with pytest.raises(ConfigError, match=r"strike: 24412\.5 is not on the NIFTY strike step"):
        OptionSymbol("NIFTY", date(2026, 1, 13), Decimal("24412.5"), "CE", monthly=False)
    with pytest.raises(ConfigError, match="expiry: 2026-01-15"):
        OptionSymbol("NIFTY", date(2026, 1, 15), Decimal(24400), "CE", monthly=False)


@pytest.mark.parametrize(
    "text", ["NIFTY26JAN24400XX", "NIFTY26ABC24400CE", "nifty26JAN24400CE", "NIFTY2613224400CE"]
)
def test_bad_symbols_are_data_errors_naming_the_symbol(text: str) -> None:
    with pytest.raises(DataError, match=text):
        parse_tradingsymbol(text)


def test_option_symbol_validates_its_fields() -> None:
    with pytest.raises(ConfigError, match="right"):
        OptionSymbol("NIFTY", date(2026, 1, 13), Decimal(1), "XX", monthly=False)  # type: ignore[arg-type]
    with pytest.raises(ConfigError, match="strike"):
        OptionSymbol("NIFTY", date(2026, 1, 13), Decimal(0), "CE", monthly=False)
