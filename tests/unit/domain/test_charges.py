"""Zerodha option charges against hand-computed contract-note figures."""

from __future__ import annotations

from datetime import date

import pytest

from nautilus_options.domain.charges import (
    SCHEDULES,
    Charges,
    exercise_stt,
    expiry_settlement_charges,
    order_charges,
    schedule_on,
)


def test_sell_one_nifty_lot_on_13_jan_2026() -> None:
    # 65 x 120.50 = 7,832.50 of premium, schedule of 1 Oct 2024.
    charges = order_charges("SELL", 65 * 120.50, date(2026, 1, 13))
    assert charges == Charges(
        brokerage=20.00,  # flat per executed order
        stt=7.83,  # 0.1% x 7,832.50 = 7.8325
        exchange_txn=2.74,  # 0.03503% x 7,832.50 = 2.7437...
        sebi=0.01,  # 10 / 1e7 x 7,832.50 = 0.0078
        stamp=0.00,  # buy side only
        gst=4.10,  # 18% x (20 + 2.74 + 0.01) = 4.095, half-up
    )
    assert charges.total == 34.68


def test_buy_one_nifty_lot_on_13_jan_2026() -> None:
    charges = order_charges("BUY", 65 * 120.50, date(2026, 1, 13))
    assert charges == Charges(
        brokerage=20.00,
        stt=0.00,  # sell side only
        exchange_txn=2.74,
        sebi=0.01,
        stamp=0.23,  # 0.003% x 7,832.50 = 0.2350
        gst=4.10,
    )
    assert charges.total == 27.08


def test_sell_after_the_finance_act_2026_stt_increase() -> None:
    charges = order_charges("SELL", 65 * 120.50, date(2026, 4, 7))
    assert charges.stt == 11.75  # 0.15% x 7,832.50 = 11.74875
    assert charges.exchange_txn == 2.78  # 0.03553% x 7,832.50 = 2.7829
    assert charges.gst == 4.10  # 18% x 22.79 = 4.1022
    assert charges.total == 38.64


def test_sell_before_the_october_2024_revision() -> None:
    charges = order_charges("SELL", 65 * 120.50, date(2024, 9, 30))
    assert charges.stt == 4.90  # 0.0625% x 7,832.50 = 4.8953
    assert charges.exchange_txn == 3.88  # 0.0495% x 7,832.50 = 3.8771
    assert charges.gst == 4.30  # 18% x 23.89 = 4.3002
    assert charges.total == 33.09


def test_later_fills_of_an_order_pay_no_brokerage() -> None:
    # Three fills of 65 at 120.50 in one order: brokerage on the first only.
    first = order_charges("SELL", 7832.50, date(2026, 1, 13))
    rest = order_charges("SELL", 7832.50, date(2026, 1, 13), brokerage_orders=0)
    assert rest.brokerage == 0.0
    assert rest.gst == 0.50  # 18% x (2.74 + 0.01) = 0.495, half-up
    total = first + rest + rest
    assert total.brokerage == 20.0
    assert total.stt == pytest.approx(3 * 7.83)
    assert total.total == 56.84  # 34.68 + 2 x (7.83 + 2.74 + 0.01 + 0.50)


def test_exercise_stt_on_intrinsic_value() -> None:
    # 65 units of a 24,000 CE settled with NIFTY at 24,150: intrinsic 150 x 65 = 9,750.
    assert exercise_stt(65 * 150.0, date(2026, 1, 13)) == 12.19  # 0.125% = 12.1875
    assert exercise_stt(65 * 150.0, date(2026, 4, 7)) == 14.63  # 0.15% = 14.625
    assert exercise_stt(0.0, date(2026, 1, 13)) == 0.0


def test_expiry_settlement_charges_both_sides_brokerage_holder_stt() -> None:
    long = expiry_settlement_charges("long", 65 * 150.0, date(2026, 1, 13))
    short = expiry_settlement_charges("short", 65 * 150.0, date(2026, 1, 13))
    assert (long.brokerage, long.gst, long.stt, long.total) == (20.0, 3.6, 12.19, 35.79)
    assert (short.brokerage, short.gst, short.stt, short.total) == (20.0, 3.6, 0.0, 23.6)
    assert expiry_settlement_charges("short", 0.0, date(2026, 4, 7), orders=3).total == 70.8


def test_float_turnover_is_taken_to_the_paisa() -> None:
    # 65 x 120.55 is 7835.749999999999 in binary floating point; the rupee amount is 7,835.75.
    assert order_charges("SELL", 65 * 120.55, date(2026, 1, 13)).stt == 7.84  # 7.83575


def test_schedule_rows_are_sorted_and_selected_by_trade_date() -> None:
    starts = [row.effective_from for row in SCHEDULES]
    assert starts == sorted(starts)
    assert len(set(starts)) == len(starts)
    assert schedule_on(date(2024, 10, 1)).effective_from == date(2024, 10, 1)
    assert schedule_on(date(2026, 3, 31)).effective_from == date(2026, 3, 1)
    assert schedule_on(date(2030, 1, 1)) is SCHEDULES[-1]
    assert all(row.source for row in SCHEDULES)


@pytest.mark.parametrize(
    ("call", "field"),
    [
        (lambda: schedule_on(date(2020, 1, 1)), "day"),
        (lambda: order_charges("HOLD", 100.0, date(2026, 1, 13)), "side"),  # type: ignore[arg-type]
        (lambda: order_charges("BUY", -1.0, date(2026, 1, 13)), "premium_turnover"),
        (lambda: order_charges("BUY", float("nan"), date(2026, 1, 13)), "premium_turnover"),
        (lambda: order_charges("BUY", 1.0, date(2026, 1, 13), -1), "brokerage_orders"),
        (lambda: exercise_stt(-5.0, date(2026, 1, 13)), "intrinsic_turnover"),
        (lambda: expiry_settlement_charges("flat", 1.0, date(2026, 1, 13)), "position"),  # type: ignore[arg-type]
        (lambda: expiry_settlement_charges("long", 1.0, date(2026, 1, 13), 0), "orders"),
    ],
)
def test_bad_arguments_are_named(call: object, field: str) -> None:
    with pytest.raises(ValueError, match=f"^{field}: "):
        call()  # type: ignore[operator]
