"""Kite/NSE order rules: each refusal with its wording."""

from __future__ import annotations

from datetime import date

import pytest

from nautilus_options.domain.nse import OptionSymbol
from nautilus_options.simulator.errors import KiteError
from nautilus_options.simulator.exchange import rules
from nautilus_options.simulator.instruments import option_instrument

NIFTY = option_instrument(
    OptionSymbol("NIFTY", date(2026, 12, 8), __import__("decimal").Decimal(26000), "CE", False),
    40_000,
)


def form(**changes: str) -> dict[str, str]:
    base = {
        "exchange": "NFO",
        "tradingsymbol": NIFTY.tradingsymbol,
        "transaction_type": "BUY",
        "order_type": "LIMIT",
        "quantity": "65",
        "product": "NRML",
        "price": "100",
    }
    return {**base, **changes}


def refused(**changes: str) -> KiteError:
    request = rules.parse_order("regular", form(**changes))
    with pytest.raises(KiteError) as info:
        rules.check_order(request, NIFTY, is_open=True)
    return info.value


def test_valid_order_passes() -> None:
    rules.check_order(rules.parse_order("regular", form()), NIFTY, is_open=True)


def test_lot_multiple() -> None:
    error = refused(quantity="70")
    assert (error.error_type, error.status) == ("InputException", 400)
    assert "multiple of lot size 65" in error.message


def test_tick_size() -> None:
    assert "Tick size for this script is 0.05" in refused(price="100.03").message


def test_freeze_quantity_without_autoslice() -> None:
    error = refused(quantity=str(65 * 28))  # 1820 > 1800
    assert "freeze limit of 1800" in error.message


def test_autoslice_splits_into_freeze_sized_children() -> None:
    assert rules.slice_quantities(65 * 60, NIFTY) == [1755, 1755, 390]
    with pytest.raises(KiteError, match="at most 10"):
        rules.slice_quantities(1755 * 11, NIFTY)


@pytest.mark.parametrize("order_type", ["MARKET", "SL-M"])
def test_market_protection_is_mandatory(order_type: str) -> None:
    error = refused(order_type=order_type, price="0", trigger_price="100", market_protection="0")
    assert error.message == rules.MARKET_PROTECTION_REQUIRED


def test_market_protection_range() -> None:
    assert (
        "market_protection"
        in refused(order_type="MARKET", price="0", market_protection="101").message
    )
    rules.check_market_protection("MARKET", -1)
    rules.check_market_protection("MARKET", 100)


def test_markets_closed() -> None:
    with pytest.raises(KiteError, match="Markets are closed"):
        rules.check_order(rules.parse_order("regular", form()), NIFTY, is_open=False)


def test_tag_longer_than_20_is_refused() -> None:
    with pytest.raises(KiteError, match="tag"):
        rules.parse_order("regular", form(tag="x" * 21))


def test_unknown_instrument() -> None:
    with pytest.raises(KiteError, match="expired or does not exist"):
        rules.check_order(rules.parse_order("regular", form()), None, is_open=True)


@pytest.mark.parametrize(
    ("reference", "low", "high"),
    [(100.0, 60.0, 140.0), (50.0, 30.0, 70.0), (10.0, 0.05, 30.0), (51.0, 30.6, 71.4)],
)
def test_price_bands(reference: float, low: float, high: float) -> None:
    assert rules.price_band(reference, 0.05) == pytest.approx((low, high))


def test_band_breach_wording() -> None:
    above = rules.band_breach(140.05, 100.0, 0.05)
    below = rules.band_breach(59.95, 100.0, 0.05)
    assert above is not None
    assert "upper circuit limit of 140.00" in above
    assert below is not None
    assert "lower circuit limit of 60.00" in below
    assert rules.band_breach(140.0, 100.0, 0.05) is None


def test_protected_price_stays_in_band_and_on_tick() -> None:
    assert rules.protected_price("BUY", 100.0, 2, rules.price_band(100.0, 0.05), 0.05) == 102.0
    assert rules.protected_price("SELL", 100.0, 2, rules.price_band(100.0, 0.05), 0.05) == 98.0
    assert rules.protected_price("BUY", 100.0, 100, rules.price_band(100.0, 0.05), 0.05) == 140.0


def test_modification_cap() -> None:
    with pytest.raises(KiteError, match="25"):
        rules.check_modifiable("OPEN", 25)
    with pytest.raises(KiteError, match="complete"):
        rules.check_modifiable("COMPLETE", 0)
