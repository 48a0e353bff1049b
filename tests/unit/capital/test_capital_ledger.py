"""CapitalLedger bookkeeping: position P&L changes, charges, reservations, halt and JSON state."""

from __future__ import annotations

import msgspec
import pytest

from nautilus_options.capital.ledger import CapitalLedger


def test_position_pnl_is_applied_as_changes_of_the_cumulative_figure() -> None:
    ledger = CapitalLedger(initial_capital=100_000.0)

    assert ledger.apply_position_pnl("P1", -20.0, opened=True) == -20.0
    assert ledger.apply_position_pnl("P1", -5.5, opened=False) == 14.5
    assert ledger.apply_position_pnl("P1", 370.0, opened=False) == 375.5
    ledger.close_position("P1")
    # A netting position re-opened under the same id starts again from 0.
    assert ledger.apply_position_pnl("P1", -20.0, opened=True) == -20.0

    assert ledger.realized_pnl == 350.0
    assert ledger.capital == 100_350.0
    assert ledger.peak == 100_370.0


def test_an_opening_event_starts_from_zero_even_if_the_close_was_missed() -> None:
    # E.g. the manager was stopped while a netting position closed and re-opened under its id.
    ledger = CapitalLedger(initial_capital=100_000.0)
    ledger.apply_position_pnl("P1", -20.0, opened=True)
    ledger.apply_position_pnl("P1", 370.0, opened=False)

    assert ledger.apply_position_pnl("P1", -8.0, opened=True) == -8.0
    assert ledger.realized_pnl == 362.0


def test_amounts_are_rounded_to_the_currency_so_sums_do_not_drift() -> None:
    ledger = CapitalLedger(initial_capital=100_000.0)
    for step in range(1, 1_001):
        ledger.apply_position_pnl("P", step * 0.1, opened=step == 1)

    assert ledger.realized_pnl == 100.0
    assert ledger.capital == 100_100.0


def test_charges_lower_capital() -> None:
    ledger = CapitalLedger(initial_capital=1_000.0)

    assert ledger.charge(12.345) == 12.35  # half-way cases follow binary floats
    assert ledger.capital == 987.65
    assert ledger.exercise_charges == 12.35


def test_reservations_accumulate_and_release_clamps() -> None:
    ledger = CapitalLedger(initial_capital=1_000.0)
    ledger.reserve("A", 100.0)
    ledger.reserve("A", 50.0)
    ledger.reserve("B", 25.0)

    assert ledger.deployed == 175.0
    assert ledger.release("A", 60.0) == 60.0
    assert ledger.release("A", 1_000.0) == 90.0
    assert ledger.release("A", None) == 0.0
    assert ledger.reservations == {"B": 25.0}


def test_halt_when_drawdown_exceeds_limit_and_lift() -> None:
    ledger = CapitalLedger(initial_capital=100_000.0)
    ledger.apply_position_pnl("P", -10_000.0, opened=True)

    assert not ledger.check_drawdown(None)
    assert not ledger.check_drawdown(10.0)  # exactly at the limit is not beyond it
    ledger.apply_position_pnl("P", -10_000.01, opened=False)
    assert ledger.check_drawdown(10.0)
    assert not ledger.check_drawdown(10.0)  # already halted
    assert ledger.halted
    assert ledger.halt_reason.startswith("drawdown 10.00% from peak 100000.00 exceeds")

    ledger.lift_halt()
    assert (ledger.halted, ledger.halt_reason, ledger.peak) == (False, "", 89_999.99)
    assert ledger.drawdown_pct == 0.0


def test_json_state_round_trip() -> None:
    ledger = CapitalLedger(initial_capital=50_000.0, precision=2)
    ledger.apply_position_pnl("P", -123.45, opened=True)
    ledger.reserve("A", 1_000.0)
    ledger.add_commission(20.0)

    again = msgspec.json.decode(msgspec.json.encode(ledger), type=CapitalLedger)

    assert again == ledger
    assert again.capital == 49_876.55


def test_decoding_rejects_wrong_types() -> None:
    with pytest.raises(msgspec.ValidationError, match="initial_capital"):
        msgspec.json.decode(b'{"initial_capital": "x"}', type=CapitalLedger)
