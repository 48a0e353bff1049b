"""Hand-computed capital histories of the capital demo market (shared by integration tests).

Setup: initial capital 100,000 INR, risk 20% per trade, deployment 50%, a lot of 10 units,
a fixed commission of 20 INR per order, ``SizedRoundTripStrategy(hold_quotes=2, wait_quotes=1)``
over ``DEMO_QUOTES`` (buys at the ask of quotes 2, 6 and 10, sells at the bid of 4, 8 and 12).

Nautilus books a position's realized P&L net of the commissions of all its fills: the opening
fill shows ``-20``, the closing one ``qty * (exit - entry) - 40``. The manager applies the change
on every position event, so capital drops by 20 on the open and moves by ``realized + 20`` on the
close.

Rows: (capital, sizing_capital, deployed, peak, halted, realized_pnl, commissions, reason prefix).
"""

from __future__ import annotations

Row = tuple[float, float, float, float, bool, float, float, str]

T1 = "reserved 19990.00 for SizedRoundTripStrategy-000-T0001"

# Compounding on, no drawdown limit.
# T1: ask 99.95 -> 999.50 a lot; 20% of 100,000 = 20,000 -> 20 lots (deployment allows 50).
#     Close at 102.00: 200 * 2.05 - 40 = 370 -> capital 100,370.
# T2: ask 100.35 -> 1,003.50 a lot; 20% of 100,370 = 20,074 -> 20 lots.
#     Close at 95.00: 200 * -5.35 - 40 = -1,110 -> capital 99,260.
# T3: ask 95.05 -> 950.50 a lot; 20% of 99,260 = 19,852 -> 20 lots.
#     Close at 96.00: 200 * 0.95 - 40 = 150 -> capital 99,410.
COMPOUNDING: list[Row] = [
    (100_000.0, 100_000.0, 0.0, 100_000.0, False, 0.0, 0.0, "start"),
    (100_000.0, 100_000.0, 19_990.0, 100_000.0, False, 0.0, 0.0, T1),
    (99_980.0, 99_980.0, 19_990.0, 100_000.0, False, -20.0, 20.0, "opened "),
    (100_370.0, 100_370.0, 19_990.0, 100_370.0, False, 370.0, 40.0, "closed "),
    (100_370.0, 100_370.0, 0.0, 100_370.0, False, 370.0, 40.0, "released 19990.00"),
    (100_370.0, 100_370.0, 20_070.0, 100_370.0, False, 370.0, 40.0, "reserved 20070.00"),
    (100_350.0, 100_350.0, 20_070.0, 100_370.0, False, 350.0, 60.0, "opened "),
    (99_260.0, 99_260.0, 20_070.0, 100_370.0, False, -740.0, 80.0, "closed "),
    (99_260.0, 99_260.0, 0.0, 100_370.0, False, -740.0, 80.0, "released 20070.00"),
    (99_260.0, 99_260.0, 19_010.0, 100_370.0, False, -740.0, 80.0, "reserved 19010.00"),
    (99_240.0, 99_240.0, 19_010.0, 100_370.0, False, -760.0, 100.0, "opened "),
    (99_410.0, 99_410.0, 19_010.0, 100_370.0, False, -590.0, 120.0, "closed "),
    (99_410.0, 99_410.0, 0.0, 100_370.0, False, -590.0, 120.0, "released 19010.00"),
]

# Compounding off, max_drawdown_pct 0.7.
# T1 as above. T2: 20% of the initial 100,000 = 20,000 -> 19 lots (19.93) = 19,066.50.
#     Close at 95.00: 190 * -5.35 - 40 = -1,056.50 -> capital 99,313.50, drawdown
#     1,056.50 / 100,370 = 1.05% > 0.7% -> halted; the third request gets 0 lots.
HALTING: list[Row] = [
    (100_000.0, 100_000.0, 0.0, 100_000.0, False, 0.0, 0.0, "start"),
    (100_000.0, 100_000.0, 19_990.0, 100_000.0, False, 0.0, 0.0, T1),
    (99_980.0, 100_000.0, 19_990.0, 100_000.0, False, -20.0, 20.0, "opened "),
    (100_370.0, 100_000.0, 19_990.0, 100_370.0, False, 370.0, 40.0, "closed "),
    (100_370.0, 100_000.0, 0.0, 100_370.0, False, 370.0, 40.0, "released 19990.00"),
    (100_370.0, 100_000.0, 19_066.5, 100_370.0, False, 370.0, 40.0, "reserved 19066.50"),
    (100_350.0, 100_000.0, 19_066.5, 100_370.0, False, 350.0, 60.0, "opened "),
    (99_313.5, 100_000.0, 19_066.5, 100_370.0, True, -686.5, 80.0, "closed "),
    (99_313.5, 100_000.0, 0.0, 100_370.0, True, -686.5, 80.0, "released 19066.50"),
]

CAPITAL_CONFIG = {"initial_capital": 100_000, "risk_per_trade_pct": 20, "max_deployment_pct": 50}
"""Config values common to both histories, as plain JSON-ish values."""


def history_rows(history: list) -> list[Row]:
    """Project ``CapitalUpdated`` events onto :data:`Row` (with the full reason)."""
    return [
        (
            update.capital,
            update.sizing_capital,
            update.deployed,
            update.peak,
            update.halted,
            update.realized_pnl,
            update.commissions,
            update.reason,
        )
        for update in history
    ]


def assert_history(history: list, expected: list[Row]) -> None:
    """Assert every figure equals the expected row exactly and the reason starts as expected."""
    rows = history_rows(history)
    assert [row[:7] for row in rows] == [row[:7] for row in expected]
    for row, want in zip(rows, expected, strict=True):
        assert row[7].startswith(want[7]), (row[7], want[7])
