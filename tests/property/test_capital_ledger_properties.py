"""Properties of the capital ledger's bookkeeping."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from nautilus_options.capital.ledger import CapitalLedger

# Cumulative realized P&L of a position, event by event (whole paise, as Nautilus books them).
paths = st.lists(
    st.integers(min_value=-(10**9), max_value=10**9).map(lambda paise: paise / 100),
    min_size=1,
    max_size=30,
)


@given(st.lists(paths, min_size=1, max_size=5))
def test_capital_after_closes_equals_initial_plus_the_closed_totals(
    positions: list[list[float]],
) -> None:
    ledger = CapitalLedger(initial_capital=1_000_000.0)
    for index, path in enumerate(positions):
        for step, cumulative in enumerate(path):
            ledger.apply_position_pnl(f"P{index}", cumulative, opened=step == 0)
        ledger.close_position(f"P{index}")

    total = round(sum(path[-1] for path in positions), 2)
    assert ledger.realized_pnl == total
    assert ledger.capital == round(1_000_000.0 + total, 2)
    assert ledger.peak >= ledger.capital
    assert ledger.position_pnl == {}


@given(st.lists(st.integers(min_value=1, max_value=10**8).map(lambda p: p / 100), max_size=20))
def test_releasing_everything_leaves_nothing_deployed(amounts: list[float]) -> None:
    ledger = CapitalLedger(initial_capital=1.0)
    for index, amount in enumerate(amounts):
        ledger.reserve(f"R{index % 3}", amount)
    for index in range(3):
        ledger.release(f"R{index}", None)

    assert ledger.deployed == 0.0
    assert ledger.reservations == {}
