"""Exercise STT on a cash-settled NIFTY option held to expiry is charged to capital."""

from __future__ import annotations

import pytest
from nautilus_trader.model.currencies import INR
from nautilus_trader.model.data import QuoteTick, TradeTick
from nautilus_trader.model.enums import AggressorSide
from nautilus_trader.model.identifiers import TradeId
from nautilus_trader.model.objects import Money, Price, Quantity
from sized_round_trip import (
    SizedRoundTripConfig,
    SizedRoundTripStrategy,
    demo_engine,
)

from nautilus_options import CapitalManager, CapitalManagerConfig
from nautilus_options.data.instruments import NFO, index_instrument, option_contract
from nautilus_options.domain.nse import parse_tradingsymbol

pytestmark = pytest.mark.slow

MINUTE = 60_000_000_000
OPEN_NS = 1_768_275_900_000_000_000  # 2026-01-13 09:15 IST, expiry day of NIFTY2611324400CE


def _index_tick(instrument_id: object, price: str, ts: int, n: int) -> TradeTick:
    return TradeTick(
        instrument_id,
        Price.from_str(price),
        Quantity.from_int(1),
        AggressorSide.NO_AGGRESSOR,
        TradeId(f"IDX-{n}"),
        ts,
        ts,
    )


def test_long_itm_call_held_to_expiry_pays_exercise_stt_and_brokerage() -> None:
    option = option_contract(parse_tradingsymbol("NIFTY2611324400CE"))
    mirror = index_instrument("NIFTY", NFO)
    assert option.expiration_ns == OPEN_NS + 375 * MINUTE  # 15:30 IST
    size = Quantity.from_int(10_000)
    quotes = [
        QuoteTick(
            option.id,
            Price.from_str("120.00"),
            Price.from_str("120.50"),
            size,
            size,
            OPEN_NS + m * MINUTE,
            OPEN_NS + m * MINUTE,
        )
        for m in range(3)
    ]
    index = [
        _index_tick(mirror.id, "24480.00", OPEN_NS, 0),
        _index_tick(mirror.id, "24550.00", OPEN_NS + 374 * MINUTE, 1),  # 15:29 IST: 150 ITM
        _index_tick(mirror.id, "24550.00", OPEN_NS + 376 * MINUTE, 2),  # after expiry
    ]
    engine = demo_engine(
        venue=NFO,
        starting_balance=10_000_000,
        instruments=[option, mirror],
        data=[*quotes, *index],
    )
    manager = CapitalManager(
        CapitalManagerConfig(
            initial_capital=1_000_000, risk_per_trade_pct=2, max_deployment_pct=50
        ),
    )
    engine.add_actor(manager)
    engine.add_strategy(
        SizedRoundTripStrategy(
            SizedRoundTripConfig(instrument_id=option.id.value, hold_quotes=100, wait_quotes=0),
        ),
    )

    engine.run()

    # 2% of 10 lakh = 20,000 at 120.50 x 65 = 7,832.50 a lot -> 2 lots = 130 units.
    # Open: -20 commission. Expiry: cash settlement at intrinsic 150.00, no commission, so
    # Nautilus books 130 x (150 - 120.50) - 20 = 3,815 for the position (+3,835 on close).
    # Settlement charges, booked when the settlement fill arrives, just before the position
    # closes: exercise STT 0.125% of 130 x 150 = 24.375 -> 24.38, plus brokerage on the
    # exercised contract, 20 + 18% GST = 23.60: 47.98 in all.
    trade = "SizedRoundTripStrategy-000-T0001"
    rows = [(u.capital, u.exercise_charges, u.reason.split(":")[0]) for u in manager.history]
    assert rows == [
        (1_000_000.0, 0.0, "start"),
        (1_000_000.0, 0.0, f"reserved 15665.00 for {trade} (2 lots, limited by risk)"),
        (999_980.0, 0.0, "opened NFO-1-001"),
        (999_932.02, 47.98, "settlement charges NIFTY2611324400CE.NFO"),
        (1_003_767.02, 47.98, "closed NFO-1-001"),
        (1_003_767.02, 47.98, f"released 15665.00 from {trade}"),
    ]
    (position,) = engine.cache.positions()
    assert position.realized_pnl == Money(3_815, INR)
    engine.dispose()
