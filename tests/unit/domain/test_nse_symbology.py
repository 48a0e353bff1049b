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


def test_fractional_strike_round_trips() -> None:
    symbol = parse_tradingsymbol("NIFTY2611324412.5PE")
    assert symbol.strike == Decimal("24412.5")
    assert symbol.tradingsymbol == "NIFTY2611324412.5PE"


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
