"""EntryManager and ExitManager decisions on plain values."""

from __future__ import annotations

from datetime import datetime, time

import pytest

from nautilus_options.domain.nse import IST
from nautilus_options.domain.time import NS_PER_MINUTE
from nautilus_options.strategy.config import OptionsSpreadStrategyConfig
from nautilus_options.strategy.entry import EntryManager, EntryRules, entry_decision
from nautilus_options.strategy.exit import ExitManager, ExitReason, ExitRules, exit_decision


def ns(day: int, hour: int, minute: int) -> int:
    """UNIX ns of 2026-01-<day> hour:minute IST (2026-01-05 is a Monday)."""
    return int(datetime(2026, 1, day, hour, minute, tzinfo=IST).timestamp() * 1e9)


RULES = EntryRules(
    windows=((time(9, 30), time(11, 0)), (time(13, 0), time(14, 0))),
    weekdays=frozenset({0, 1, 2, 3, 4}),
    max_concurrent=2,
    max_entries_per_day=2,
    cooldown_minutes=30,
)


@pytest.mark.parametrize(
    ("now", "reason"),
    [
        (ns(5, 9, 29), "outside_window"),
        (ns(5, 9, 30), "ok"),
        (ns(5, 10, 59), "ok"),
        (ns(5, 11, 0), "outside_window"),
        (ns(5, 13, 30), "ok"),
        (ns(10, 10, 0), "weekday"),
    ],
)
def test_entry_windows_and_weekdays(now: int, reason: str) -> None:
    assert entry_decision(RULES, now, 0, 0, None, False).reason == reason


def test_entry_limits_cooldown_and_halt() -> None:
    now = ns(5, 10, 0)
    assert entry_decision(RULES, now, 2, 0, None, False).reason == "max_concurrent"
    assert entry_decision(RULES, now, 0, 2, None, False).reason == "max_entries_per_day"
    assert entry_decision(RULES, now, 0, 0, now - 29 * NS_PER_MINUTE, False).reason == "cooldown"
    assert entry_decision(RULES, now, 0, 0, now - 30 * NS_PER_MINUTE, False).allowed
    assert entry_decision(RULES, now, 0, 0, None, True).reason == "halted"


def test_entry_manager_counts_per_ist_day_and_round_trips() -> None:
    manager = EntryManager(RULES)
    manager.record_entry(ns(5, 9, 45))
    manager.record_entry(ns(5, 10, 30))
    assert manager.check(ns(5, 10, 45), 0, False).reason == "max_entries_per_day"
    assert manager.check(ns(6, 9, 45), 0, False).allowed
    manager.record_exit(ns(6, 9, 40))
    assert manager.check(ns(6, 9, 45), 0, False).reason == "cooldown"
    restored = EntryManager(RULES)
    restored.load_dict(manager.to_dict())
    assert restored.entries_on(ns(5, 12, 0)) == 2
    assert restored.last_exit_ns == ns(6, 9, 40)


def test_managers_from_config() -> None:
    config = OptionsSpreadStrategyConfig(entry_windows=("10:00-11:00",), exit_time="15:00")
    assert EntryManager.from_config(config).rules.windows == ((time(10), time(11)),)
    assert ExitManager.from_config(config).rules.exit_time == time(15)


EXIT = ExitRules(
    profit_target_pct=50,
    stop_loss_credit_multiple=2,
    exit_time=time(15, 15),
    exit_minutes_before_expiry=30,
)
EXPIRY = ns(6, 15, 30)


def test_credit_spread_exits() -> None:
    # Bull put 24000/23800 for a 60 credit: max profit 60, max loss 140.
    def decide(close_value: float | None, now: int = ns(5, 10, 0)) -> ExitReason | None:
        return exit_decision(EXIT, now, EXPIRY, 60.0, close_value, 60.0, 140.0)

    assert decide(-40.0) is None
    assert decide(-30.0) == ExitReason.PROFIT_TARGET
    assert decide(-179.0) is None
    assert decide(-180.0) == ExitReason.STOP_LOSS
    assert decide(None) is None
    assert decide(-40.0, ns(5, 15, 15)) == ExitReason.TIME_EXIT
    assert decide(None, ns(6, 15, 0)) == ExitReason.EXPIRY_EXIT


def test_debit_stop_uses_max_loss_pct() -> None:
    rules = ExitRules(stop_loss_credit_multiple=2, stop_loss_max_loss_pct=50)
    # Bull call debit of 80 over 200 wide: max loss 80, max profit 120.
    assert exit_decision(rules, 0, EXPIRY, -80.0, 41.0, 120.0, 80.0) is None
    assert exit_decision(rules, 0, EXPIRY, -80.0, 40.0, 120.0, 80.0) == ExitReason.STOP_LOSS


def test_urgency() -> None:
    assert ExitReason.STOP_LOSS.urgent
    assert not ExitReason.PROFIT_TARGET.urgent
