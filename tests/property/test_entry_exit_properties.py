"""Properties of the entry and exit decisions."""

from __future__ import annotations

import math
from datetime import time

from hypothesis import given
from hypothesis import strategies as st

from nautilus_options.domain.time import ist_datetime
from nautilus_options.strategy.entry import EntryRules, entry_decision
from nautilus_options.strategy.exit import ExitReason, ExitRules, exit_decision

DAY_NS = 86_400_000_000_000
START = 1_767_571_200_000_000_000  # 2026-01-05 00:00 UTC

times = st.integers(min_value=START, max_value=START + 30 * DAY_NS)
prices = st.floats(min_value=0.5, max_value=500, allow_nan=False)
pcts = st.one_of(st.none(), st.floats(min_value=1, max_value=100))
multiples = st.one_of(st.none(), st.floats(min_value=0.1, max_value=5))


@st.composite
def entry_rules(draw: st.DrawFn) -> EntryRules:
    start = draw(st.integers(min_value=9 * 60 + 15, max_value=15 * 60))
    end = draw(st.integers(min_value=start + 1, max_value=15 * 60 + 30))
    return EntryRules(
        windows=((time(start // 60, start % 60), time(end // 60, end % 60)),),
        weekdays=frozenset(draw(st.sets(st.integers(0, 6), min_size=1))),
        max_concurrent=draw(st.integers(1, 5)),
        max_entries_per_day=draw(st.integers(1, 5)),
        cooldown_minutes=draw(st.floats(0, 120)),
    )


@given(
    entry_rules(),
    times,
    st.integers(0, 6),
    st.integers(0, 6),
    st.one_of(st.none(), times),
    st.booleans(),
)
def test_entries_only_inside_windows_and_below_limits(
    rules: EntryRules,
    now: int,
    open_spreads: int,
    entries_today: int,
    last_exit: int | None,
    halted: bool,
) -> None:
    decision = entry_decision(rules, now, open_spreads, entries_today, last_exit, halted)
    local = ist_datetime(now)
    start, end = rules.windows[0]
    every_rule_holds = (
        start <= local.time() < end
        and local.weekday() in rules.weekdays
        and open_spreads < rules.max_concurrent
        and entries_today < rules.max_entries_per_day
        and not halted
        and (last_exit is None or now - last_exit >= rules.cooldown_minutes * 60e9)
    )
    assert decision.allowed == every_rule_holds


@st.composite
def vertical_spreads(draw: st.DrawFn) -> tuple[float, float, float]:
    """``(net premium, max profit, max loss)`` per unit of a credit or debit vertical."""
    width = draw(st.sampled_from([50.0, 100.0, 200.0, 300.0]))
    premium = draw(st.floats(min_value=1, max_value=width - 1))
    if draw(st.booleans()):
        return premium, premium, width - premium  # credit
    return -premium, width - premium, premium  # debit


@given(vertical_spreads(), st.floats(-400, 400), pcts, multiples, pcts, times)
def test_price_exits_fire_exactly_when_their_condition_holds(
    spread: tuple[float, float, float],
    close_value: float,
    target: float | None,
    multiple: float | None,
    loss_pct: float | None,
    now: int,
) -> None:
    premium, max_profit, max_loss = spread
    rules = ExitRules(
        profit_target_pct=target,
        stop_loss_credit_multiple=multiple,
        stop_loss_max_loss_pct=loss_pct,
    )
    reason = exit_decision(rules, now, now + DAY_NS, premium, close_value, max_profit, max_loss)
    pnl = close_value + premium
    stop_crossed = (multiple is not None and premium > 0 and -pnl >= multiple * premium) or (
        loss_pct is not None and -pnl >= loss_pct / 100 * max_loss
    )
    target_reached = target is not None and pnl >= target / 100 * max_profit
    if stop_crossed:
        assert reason == ExitReason.STOP_LOSS
    elif target_reached:
        assert reason == ExitReason.PROFIT_TARGET
    else:
        assert reason is None


@given(times, st.floats(1, 600), st.integers(0, 3 * DAY_NS))
def test_expiry_exit_never_early(now: int, minutes: float, to_expiry: int) -> None:
    rules = ExitRules(exit_minutes_before_expiry=minutes)
    reason = exit_decision(rules, now, now + to_expiry, 50.0, None, 50.0, 150.0)
    assert (reason == ExitReason.EXPIRY_EXIT) == (to_expiry <= minutes * 60e9)


@given(times, st.integers(9 * 60 + 15, 15 * 60 + 29))
def test_time_exit_never_before_its_time(now: int, minute: int) -> None:
    at = time(minute // 60, minute % 60)
    reason = exit_decision(
        ExitRules(exit_time=at), now, now + 10 * DAY_NS, 50.0, -40.0, 50.0, 150.0
    )
    assert (reason == ExitReason.TIME_EXIT) == (ist_datetime(now).time() >= at)


@given(entry_rules(), st.integers(0, 29), st.floats(0, 1), st.data())
def test_entry_allowed_whenever_every_rule_holds(
    rules: EntryRules, day: int, into_window: float, data: st.DataObject
) -> None:
    start, end = rules.windows[0]
    minutes = start.hour * 60 + start.minute
    span = end.hour * 60 + end.minute - minutes
    # A time inside the window on a chosen day (IST midnight = 18:30 UTC the day before).
    ist_midnight = START - 330 * 60 * 10**9 + day * DAY_NS
    now = ist_midnight + int((minutes + into_window * span * 0.999) * 60e9)
    weekdays = rules.weekdays | {ist_datetime(now).weekday()}
    rules = EntryRules(
        rules.windows,
        weekdays,
        rules.max_concurrent,
        rules.max_entries_per_day,
        rules.cooldown_minutes,
    )
    open_spreads = data.draw(st.integers(0, rules.max_concurrent - 1))
    entries_today = data.draw(st.integers(0, rules.max_entries_per_day - 1))
    cooldown_ns = math.ceil(rules.cooldown_minutes * 60e9)
    last_exit = data.draw(st.one_of(st.none(), st.integers(START - DAY_NS, now - cooldown_ns)))
    decision = entry_decision(rules, now, open_spreads, entries_today, last_exit, halted=False)
    assert decision.allowed, decision.reason
