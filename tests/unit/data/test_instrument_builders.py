"""Instrument builders produce NFO options, futures and index instruments that settle."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from nautilus_trader.model.enums import OptionKind
from nautilus_trader.model.identifiers import InstrumentId

from nautilus_options.data.instruments import (
    NFO,
    NSE,
    index_future,
    index_instrument,
    option_contract,
)
from nautilus_options.domain.nse import OptionSymbol, expiry_ns
from nautilus_options.errors import ConfigError


def test_weekly_option_contract_fields() -> None:
    symbol = OptionSymbol("NIFTY", date(2026, 1, 13), Decimal(24400), "CE", monthly=False)
    option = option_contract(symbol, ts_init=5)
    assert option.id == InstrumentId.from_str("NIFTY2611324400CE.NFO")
    assert option.underlying == "NIFTY"
    assert option.option_kind == OptionKind.CALL
    assert option.strike_price.as_decimal() == Decimal("24400.00")
    assert option.multiplier.as_decimal() == 1
    assert option.lot_size.as_decimal() == 65
    assert option.price_increment.as_decimal() == Decimal("0.05")
    assert option.price_precision == 2
    assert option.expiration_ns == expiry_ns(date(2026, 1, 13))
    assert option.activation_ns < option.expiration_ns
    assert option.ts_init == 5


def test_monthly_put_uses_the_monthly_symbol_and_its_series_lot() -> None:
    symbol = OptionSymbol("NIFTY", date(2025, 12, 30), Decimal(26000), "PE", monthly=True)
    option = option_contract(symbol)
    assert str(option.id) == "NIFTY25DEC26000PE.NFO"
    assert option.option_kind == OptionKind.PUT
    assert option.lot_size.as_decimal() == 75


def test_index_and_settlement_mirror() -> None:
    assert str(index_instrument("NIFTY").id) == "NIFTY.NSE"
    mirror = index_instrument("NIFTY", NFO)
    assert str(mirror.id) == "NIFTY.NFO"
    assert index_instrument("BANKNIFTY", NSE).price_precision == 2
    with pytest.raises(ConfigError, match="underlying"):
        index_instrument("SENSEX")


def test_index_future() -> None:
    future = index_future("NIFTY", date(2026, 1, 27))
    assert str(future.id) == "NIFTY26JANFUT.NFO"
    assert future.lot_size.as_decimal() == 65
    assert future.expiration_ns == expiry_ns(date(2026, 1, 27))
    assert future.underlying == "NIFTY"
