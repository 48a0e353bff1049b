"""Recognising the backtest venue's expiry fills, and the charges a settlement owes."""

from __future__ import annotations

from datetime import date, datetime, time
from decimal import Decimal

import pytest
from nautilus_trader.core.uuid import UUID4
from nautilus_trader.model.currencies import INR
from nautilus_trader.model.enums import LiquiditySide, OrderSide, OrderType
from nautilus_trader.model.events import OrderFilled
from nautilus_trader.model.identifiers import (
    AccountId,
    ClientOrderId,
    InstrumentId,
    PositionId,
    StrategyId,
    TradeId,
    TraderId,
    VenueOrderId,
)
from nautilus_trader.model.objects import Money, Price, Quantity

from nautilus_options.backtest.settlement import recognize_simulated_exchange
from nautilus_options.data.instruments import option_contract
from nautilus_options.domain.nse import IST, OptionSymbol
from nautilus_options.portfolio.settlement import SettlementKind, SettlementRules

RULES = SettlementRules.from_paths()
CASH, OTM, CLOSED = (
    SettlementKind.CASH_EXERCISE,
    SettlementKind.EXPIRED,
    SettlementKind.CLOSED_AT_EXPIRY,
)

EXPIRY = date(2026, 1, 20)
CALL = option_contract(OptionSymbol("NIFTY", EXPIRY, Decimal(24000), "CE", monthly=False))
EXPIRY_NS = int(datetime.combine(EXPIRY, time(15, 30), tzinfo=IST).timestamp()) * 10**9


def fill(
    client_order_id: str,
    side: OrderSide = OrderSide.SELL,
    price: float = 150.0,
    quantity: int = 65,
    trade_id: str | None = None,
    instrument_id: InstrumentId = CALL.id,
) -> OrderFilled:
    return OrderFilled(
        trader_id=TraderId("TESTER-001"),
        strategy_id=StrategyId("S-001"),
        instrument_id=instrument_id,
        client_order_id=ClientOrderId(client_order_id),
        venue_order_id=VenueOrderId(client_order_id),
        account_id=AccountId("NFO-001"),
        trade_id=TradeId(trade_id or client_order_id[:36]),
        position_id=PositionId("P-1"),
        order_side=side,
        order_type=OrderType.MARKET,
        last_qty=Quantity.from_int(quantity),
        last_px=Price(price, 2),
        currency=INR,
        commission=Money(0, INR),
        liquidity_side=LiquiditySide.TAKER,
        event_id=UUID4(),
        ts_event=EXPIRY_NS,
        ts_init=EXPIRY_NS,
    )


@pytest.mark.parametrize(
    ("client_order_id", "kind"),
    [
        ("NFO-LEG-CASH-4be8adbc", CASH),
        ("NFO-LEG-OTM-eed8975f", OTM),
        ("NFO-LEG-EX-0a1b2c3d-CLOSE", CLOSED),
        ("EXPIRATION-LEG-0f8e2a3c-5b6d-4e7f-8a9b-0c1d2e3f4a5b", CLOSED),
        # a strategy order and a spread-leg fill are ordinary trades
        ("O-20260113-043100-001-000-1", None),
        ("O-20260113-043100-001-000-1-LEG-NIFTY2612024000CE", None),
        # another venue's prefix or a malformed suffix is not the venue's expiry
        ("NSE-LEG-CASH-4be8adbc", None),
        ("NFO-LEG-CASH-4be8adbc-x", None),
    ],
)
def test_settlement_fills_are_recognised_by_their_ids(
    client_order_id: str, kind: SettlementKind | None
) -> None:
    assert recognize_simulated_exchange(fill(client_order_id)) is kind
    assert RULES.kind(fill(client_order_id)) is kind


def test_a_trade_id_differing_from_the_order_id_is_not_a_settlement() -> None:
    assert recognize_simulated_exchange(fill("NFO-LEG-CASH-4be8adbc", trade_id="T-1")) is None


def test_the_holder_pays_exercise_stt_and_both_sides_pay_brokerage() -> None:
    # long: STT 0.125% x 150 x 65 = 12.1875 -> 12.19; brokerage 20 + GST 3.60
    assert RULES.charge(CALL, fill("NFO-LEG-CASH-4be8adbc", OrderSide.SELL)) == 35.79
    # short (assigned): brokerage 20 + GST 3.60, no STT
    assert RULES.charge(CALL, fill("NFO-LEG-CASH-4be8adbc", OrderSide.BUY)) == 23.60
    assert RULES.charge(CALL, fill("NFO-LEG-OTM-4be8adbc", OrderSide.SELL, 0.0)) == 0.0
    assert RULES.charge(CALL, fill("O-1", OrderSide.SELL)) == 0.0


def test_brokerage_is_per_freeze_quantity_slice() -> None:
    # 28 lots = 1,820 units > NIFTY's 1,800 freeze: two exchange orders, 2 x (20 + 3.60)
    assert RULES.charge(CALL, fill("NFO-LEG-CASH-4be8adbc", OrderSide.BUY, quantity=1820)) == 47.2


def test_settlement_charge_rejects_a_fill_of_another_instrument() -> None:
    other = InstrumentId.from_str("NIFTY2612024100CE.NFO")
    with pytest.raises(ValueError, match="fill"):
        RULES.charge(CALL, fill("NFO-LEG-CASH-4be8adbc", instrument_id=other))


def test_a_venue_supplies_its_own_recognizer() -> None:
    def kite_style(f: OrderFilled) -> SettlementKind | None:
        return CASH if f.trade_id.value.startswith("EXERCISE-") else None

    rules = SettlementRules([kite_style])
    assert rules.kind(fill("O-9", trade_id="EXERCISE-1")) is CASH
    assert rules.kind(fill("NFO-LEG-CASH-4be8adbc")) is None
    assert rules.charge(CALL, fill("O-9", OrderSide.SELL, trade_id="EXERCISE-1")) == 35.79


def test_an_unknown_recognizer_path_is_an_error() -> None:
    with pytest.raises((ImportError, AttributeError, ValueError, TypeError)):
        SettlementRules.from_paths(["nautilus_options.domain.time:NS_PER_DAY"])
