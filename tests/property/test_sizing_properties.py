"""Properties of the lot sizing rule and the compounding switch."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from nautilus_options.domain.sizing import drawdown_pct, max_lots, size_lots, sizing_capital

# Tolerance of the rounding (in lots) plus the float error of recomputing the budgets here.
SLACK = 1e-9 + 1e-12

capitals = st.floats(min_value=-1e6, max_value=1e10, allow_nan=False)
per_lot = st.floats(min_value=1.0, max_value=1e7, allow_nan=False)
pcts = st.floats(min_value=0.01, max_value=100.0, allow_nan=False)
deployed_amounts = st.floats(min_value=0.0, max_value=1e10, allow_nan=False)
caps = st.none() | st.integers(min_value=0, max_value=10_000)


@given(capitals, capitals, per_lot, pcts, pcts, deployed_amounts, caps)
def test_monotone_in_capital(
    a: float, b: float, cpl: float, risk: float, deploy: float, deployed: float, cap: int | None
) -> None:
    low, high = sorted((a, b))
    assert max_lots(low, cpl, risk, deploy, deployed, cap) <= max_lots(
        high, cpl, risk, deploy, deployed, cap
    )


@given(capitals, per_lot, pcts, pcts, deployed_amounts, caps)
def test_never_above_any_limit_and_never_negative(
    capital: float, cpl: float, risk: float, deploy: float, deployed: float, cap: int | None
) -> None:
    lots = max_lots(capital, cpl, risk, deploy, deployed, cap)

    assert lots >= 0
    if lots > 0:
        assert lots <= capital * risk / 100.0 / cpl + SLACK
        assert lots <= (capital * deploy / 100.0 - deployed) / cpl + SLACK
    if cap is not None:
        assert lots <= cap


@given(capitals, per_lot, pcts, pcts, deployed_amounts, caps)
def test_one_more_lot_would_break_a_limit(
    capital: float, cpl: float, risk: float, deploy: float, deployed: float, cap: int | None
) -> None:
    sizing = size_lots(capital, cpl, risk, deploy, deployed, cap)
    more = sizing.lots + 1

    assert (
        more > capital * risk / 100.0 / cpl + 1e-12
        or more > (capital * deploy / 100.0 - deployed) / cpl + 1e-12
        or (cap is not None and more > cap)
    )
    assert sizing.lots == min(
        sizing.risk_lots, sizing.deployment_lots, *(() if cap is None else (cap,))
    )


@given(capitals, per_lot, pcts, pcts, deployed_amounts, caps)
def test_zero_when_one_lot_is_unaffordable(
    capital: float, cpl: float, risk: float, deploy: float, deployed: float, cap: int | None
) -> None:
    risk_budget = capital * risk / 100.0
    deploy_left = capital * deploy / 100.0 - deployed
    if cpl > risk_budget * (1 + 1e-6) or cpl > deploy_left + abs(deploy_left) * 1e-6:
        assert max_lots(capital, cpl, risk, deploy, deployed, cap) == 0


@given(capitals, capitals)
def test_compounding_identities(capital: float, initial: float) -> None:
    assert sizing_capital(capital, initial, compounding=True) == capital
    assert sizing_capital(capital, initial, compounding=False) == initial
    assert sizing_capital(initial, initial, compounding=True) == sizing_capital(
        initial, initial, compounding=False
    )


@given(capitals, capitals, per_lot, pcts, pcts, deployed_amounts, caps)
def test_without_compounding_size_ignores_the_current_capital(
    capital: float,
    other: float,
    cpl: float,
    risk: float,
    deploy: float,
    deployed: float,
    cap: int | None,
) -> None:
    initial = 500_000.0
    assert max_lots(
        sizing_capital(capital, initial, False), cpl, risk, deploy, deployed, cap
    ) == max_lots(sizing_capital(other, initial, False), cpl, risk, deploy, deployed, cap)


@given(st.floats(min_value=1.0, max_value=1e10), capitals)
def test_drawdown_is_a_percentage_of_the_peak(peak: float, capital: float) -> None:
    value = drawdown_pct(peak, capital)

    assert value >= 0.0
    assert (value == 0.0) == (capital >= peak)
    if capital >= 0.0:
        assert value <= 100.0
