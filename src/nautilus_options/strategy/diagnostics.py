"""Why the strategy's entry checks did not open a spread: :class:`EntryDiagnostics`.

Every entry check of :class:`~nautilus_options.strategy.strategy.OptionsSpreadStrategy`
(one per tick of its session timer) either starts a spread or stops at the first reason it
finds, counted under one :data:`SkipReason`. A run that trades nothing can then say why ("no
expiry met the days-to-expiry rule 1,500 times").

The strategy publishes the counts so far with ``publish_data(DataType(EntryDiagnostics),
...)``, on the topic ``data.EntryDiagnostics``
(:func:`~nautilus_options.compat.topics.custom_data_topic`), when a reason is counted for the
first time, after the last check of each NSE session day, and when it stops. Each message
holds the run's totals, so a recorder keeps the latest one per ``strategy_id``. Nautilus
stops actors before strategies, so an actor that unsubscribes on stop gets the totals of the
last session-day check, not the message sent on stop.
"""

# No ``from __future__ import annotations``: ``customdataclass`` derives the Arrow schema
# from the evaluated field annotations.

from collections import Counter
from typing import Literal, get_args

from nautilus_trader.core.data import Data
from nautilus_trader.model.custom import customdataclass

SkipReason = Literal[
    "halted",
    "weekday",
    "outside_window",
    "max_concurrent",
    "max_entries_per_day",
    "cooldown",
    "no_capital_manager",
    "no_expiry",
    "no_index_price",
    "no_strikes",
    "stale_quotes",
    "crossed_quotes",
    "no_margin",
    "zero_lots",
]
"""Why an entry check did not open a spread, in the order the check looks:

* ``halted``: the capital manager halted trading (drawdown);
* ``weekday``, ``outside_window``: not an entry weekday, or outside every entry window;
* ``max_concurrent``, ``max_entries_per_day``, ``cooldown``: the concurrency, daily and
  re-entry limits;
* ``no_capital_manager``: sizing by the capital manager, but none is on the message bus;
* ``no_expiry``: no listed expiry met ``expiry_rule`` and ``min_days_to_expiry``;
* ``no_index_price``: the index has no last price yet;
* ``no_strikes``: no strikes for the strike rule (unlisted wing, a leg without a two-sided
  quote);
* ``stale_quotes``: the index's last trade is older than ``max_quote_age_secs`` (a day
  without data, a feed that stopped);
* ``crossed_quotes``: the risk per lot from the quotes was not a positive amount;
* ``no_margin``: the margin available does not carry one lot (or the broker could not say);
* ``zero_lots``: the capital manager granted 0 lots.
"""

SKIP_REASONS: tuple[SkipReason, ...] = get_args(SkipReason)

_DESCRIPTIONS: dict[str, str] = {
    "halted": "trading halted by the capital manager (drawdown)",
    "weekday": "not an entry weekday",
    "outside_window": "outside the entry windows",
    "max_concurrent": "max concurrent spreads open",
    "max_entries_per_day": "max entries per day reached",
    "cooldown": "re-entry cooldown",
    "no_capital_manager": "no capital manager on the message bus",
    "no_expiry": "no expiry met the days-to-expiry rule",
    "no_index_price": "no index price yet",
    "no_strikes": "no quoted strikes for the strike rule",
    "stale_quotes": "index data older than max_quote_age_secs",
    "crossed_quotes": "risk per lot not positive (crossed quotes)",
    "no_margin": "not enough margin for one lot",
    "zero_lots": "sizing returned 0 lots",
}


@customdataclass
class EntryDiagnostics(Data):
    """Counts of the strategy's entry checks by outcome, since it started.

    Construct with ``EntryDiagnostics(ts_event, ts_init, strategy_id=..., ...)``.

    Attributes
    ----------
    strategy_id : str
        The strategy the counts are of.
    checks : int
        Entry checks made.
    entries : int
        Spreads whose opening started.
    halted, weekday, outside_window, max_concurrent, max_entries_per_day, cooldown,
    no_capital_manager, no_expiry, no_index_price, no_strikes, stale_quotes, crossed_quotes,
    no_margin, zero_lots : int
        Checks that stopped for that :data:`SkipReason`.
    """

    strategy_id: str = ""
    checks: int = 0
    entries: int = 0
    halted: int = 0
    weekday: int = 0
    outside_window: int = 0
    max_concurrent: int = 0
    max_entries_per_day: int = 0
    cooldown: int = 0
    no_capital_manager: int = 0
    no_expiry: int = 0
    no_index_price: int = 0
    no_strikes: int = 0
    stale_quotes: int = 0
    crossed_quotes: int = 0
    no_margin: int = 0
    zero_lots: int = 0

    def skips(self) -> dict[str, int]:
        """The reasons counted at least once, most frequent first."""
        counts = {reason: int(getattr(self, reason)) for reason in SKIP_REASONS}
        return dict(sorted(((r, n) for r, n in counts.items() if n), key=lambda rn: -rn[1]))

    def describe(self) -> str:
        """One line for a trader, e.g. ``"sizing returned 0 lots: 12; ..."`` (checks each)."""
        skips = self.skips().items()
        return "; ".join(f"{_DESCRIPTIONS[reason]}: {count:,}" for reason, count in skips)


class EntryCounters:
    """The running counts behind :class:`EntryDiagnostics`."""

    def __init__(self) -> None:
        self.checks = 0
        self.entries = 0
        self._skips: Counter[str] = Counter()
        self.version = 0
        """Increases with every count (a publisher compares it with the last one sent)."""

    def check(self) -> None:
        """Count an entry check."""
        self.checks += 1
        self.version += 1

    def entry(self) -> None:
        """Count a spread whose opening started."""
        self.entries += 1
        self.version += 1

    def skip(self, reason: SkipReason) -> bool:
        """Count a check that stopped for ``reason``; return whether it is a new reason."""
        self._skips[reason] += 1
        self.version += 1
        return self._skips[reason] == 1

    def diagnostics(self, strategy_id: str, ts_ns: int) -> EntryDiagnostics:
        """The counts as a message stamped ``ts_ns``."""
        return EntryDiagnostics(
            ts_ns,
            ts_ns,
            strategy_id=strategy_id,
            checks=self.checks,
            entries=self.entries,
            **{reason: self._skips[reason] for reason in SKIP_REASONS},
        )
