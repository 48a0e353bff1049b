"""Entry decisions: windows, weekdays, concurrency, daily limit, cooldown and halts.

:func:`entry_decision` is a pure function of plain values; :class:`EntryManager` adds the
little state it needs (entries started today, the last exit time) and a dict form for
``on_save`` / ``on_load``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time
from typing import Literal

from nautilus_options.domain.time import NS_PER_MINUTE, ist_date, ist_datetime
from nautilus_options.strategy.config import OptionsSpreadStrategyConfig
from nautilus_options.strategy.diagnostics import SkipReason


@dataclass(frozen=True)
class EntryRules:
    """The entry rules as plain values.

    Attributes
    ----------
    windows : tuple[tuple[time, time], ...]
        IST windows ``[start, end)`` in which an entry may start.
    weekdays : frozenset[int]
        Allowed weekdays (Monday = 0).
    max_concurrent : int
        Maximum spreads open or being opened.
    max_entries_per_day : int
        Maximum entries started per IST day.
    cooldown_minutes : float
        Minimum minutes between the last exit and a new entry.
    always_open : bool, default False
        The market is open at every hour (``session="always"``): windows and weekdays do
        not apply.
    """

    windows: tuple[tuple[time, time], ...]
    weekdays: frozenset[int]
    max_concurrent: int
    max_entries_per_day: int
    cooldown_minutes: float
    always_open: bool = False

    @classmethod
    def from_config(cls, config: OptionsSpreadStrategyConfig) -> EntryRules:
        """Build the rules from a strategy config."""
        return cls(
            windows=config.windows,
            weekdays=frozenset(config.entry_weekdays),
            max_concurrent=config.max_concurrent_spreads,
            max_entries_per_day=config.max_entries_per_day,
            cooldown_minutes=config.reentry_cooldown_minutes,
            always_open=config.session == "always",
        )


@dataclass(frozen=True)
class EntryDecision:
    """Outcome of an entry check: ``allowed`` or the ``reason`` it is not ("ok" if it is)."""

    allowed: bool
    reason: SkipReason | Literal["ok"]


def entry_decision(
    rules: EntryRules,
    now_ns: int,
    open_spreads: int,
    entries_today: int,
    last_exit_ns: int | None,
    halted: bool,
) -> EntryDecision:
    """Decide whether a new spread may be entered at ``now_ns``.

    Parameters
    ----------
    rules : EntryRules
        The configured rules.
    now_ns : int
        Current time, UNIX ns.
    open_spreads : int
        Spreads open or being opened.
    entries_today : int
        Entries started on the IST day of ``now_ns``.
    last_exit_ns : int | None
        When the last spread finished closing, if ever.
    halted : bool
        Whether the capital manager has halted trading.

    Returns
    -------
    EntryDecision
    """
    now = ist_datetime(now_ns)
    if halted:
        return EntryDecision(False, "halted")
    if not rules.always_open:
        if now.weekday() not in rules.weekdays:
            return EntryDecision(False, "weekday")
        clock = now.time()
        if not any(start <= clock < end for start, end in rules.windows):
            return EntryDecision(False, "outside_window")
    if open_spreads >= rules.max_concurrent:
        return EntryDecision(False, "max_concurrent")
    if entries_today >= rules.max_entries_per_day:
        return EntryDecision(False, "max_entries_per_day")
    if last_exit_ns is not None and now_ns - last_exit_ns < rules.cooldown_minutes * NS_PER_MINUTE:
        return EntryDecision(False, "cooldown")
    return EntryDecision(True, "ok")


class EntryManager:
    """Stateful wrapper of :func:`entry_decision` for one strategy.

    Parameters
    ----------
    rules : EntryRules
        The entry rules.
    """

    def __init__(self, rules: EntryRules) -> None:
        self.rules = rules
        self._day: date | None = None
        self._entries_today = 0
        self.last_exit_ns: int | None = None

    @classmethod
    def from_config(cls, config: OptionsSpreadStrategyConfig) -> EntryManager:
        """Build a manager from a strategy config."""
        return cls(EntryRules.from_config(config))

    def entries_on(self, now_ns: int) -> int:
        """Entries started on the IST day of ``now_ns``."""
        return self._entries_today if self._day == ist_date(now_ns) else 0

    def check(self, now_ns: int, open_spreads: int, halted: bool) -> EntryDecision:
        """Decide whether to enter now (see :func:`entry_decision`)."""
        return entry_decision(
            self.rules,
            now_ns,
            open_spreads,
            self.entries_on(now_ns),
            self.last_exit_ns,
            halted,
        )

    def record_entry(self, now_ns: int) -> None:
        """Count an entry started at ``now_ns``."""
        self._entries_today = self.entries_on(now_ns) + 1
        self._day = ist_date(now_ns)

    def record_exit(self, now_ns: int) -> None:
        """Remember that a spread finished closing at ``now_ns`` (starts the cooldown)."""
        self.last_exit_ns = now_ns

    def to_dict(self) -> dict[str, str]:
        """State as strings, for ``on_save``."""
        return {
            "day": self._day.isoformat() if self._day else "",
            "entries_today": str(self._entries_today),
            "last_exit_ns": "" if self.last_exit_ns is None else str(self.last_exit_ns),
        }

    def load_dict(self, state: dict[str, str]) -> None:
        """Restore the state written by :meth:`to_dict`."""
        self._day = date.fromisoformat(state["day"]) if state.get("day") else None
        self._entries_today = int(state.get("entries_today") or 0)
        last_exit = state.get("last_exit_ns")
        self.last_exit_ns = int(last_exit) if last_exit else None
