"""The bridge-owned strategy that opens spreads an operator asks for.

:class:`ManualSpreadStrategy` is the spread strategy with its automatic entries turned off:
spreads come from :meth:`ManualSpreadStrategy.open_manual` instead. Everything after the
pick is the spread strategy's own code: the margin cap (broker's basket margins or the
model), the capital manager's sizing over the message bus (it may grant fewer lots than
asked, or none), hedges-first legging with re-priced limit orders, sliced at the freeze
quantity, unwinding on a failed leg, and the configured exits. Its orders pass the
RiskEngine like any strategy's and are tagged with the spread's own shape
(:func:`~nautilus_options.bridge.manual.shape.shape_name`). Spread ids already answered to
requests are never numbered again, even by a node restarted without its cache.

Each request's fate is kept in :attr:`ManualSpreadStrategy.submissions` by spread id:
``sizing`` (asking for margin and lots), ``refused`` (with the reason) or ``opening``; once
legging started, :meth:`ManualSpreadStrategy.status` reads the phase.
"""

from __future__ import annotations

import math
from collections.abc import Collection
from dataclasses import dataclass, replace

from nautilus_options.bridge.manual.shape import shape_name
from nautilus_options.strategy import OptionsSpreadStrategy
from nautilus_options.strategy.book import ActiveSpread
from nautilus_options.strategy.chain import SpreadPick
from nautilus_options.strategy.diagnostics import SkipReason
from nautilus_options.strategy.entering import EntryAttempts
from nautilus_options.strategy.entry import EntryManager
from nautilus_options.strategy.legging import Phase

__all__ = ["ManualEntries", "ManualSpreadStrategy", "Submission"]


@dataclass(frozen=True)
class Submission:
    """What became of one manual request.

    Attributes
    ----------
    spread_id : str
        The spread's id (its legs' positions are ``{spread_id}-L{i}``).
    status : str
        ``sizing``, ``refused``, ``opening``, ``open``, ``closing``, ``closed`` or
        ``unknown`` (asked before a restart that lost the cache).
    lots_requested : int
        Lots asked for.
    lots : int
        Lots granted (0 until sized or when refused).
    reason : str
        Why it was refused, else "".
    """

    spread_id: str
    status: str
    lots_requested: int
    lots: int = 0
    reason: str = ""


class ManualEntries(EntryAttempts):
    """Entry attempts that never run on the timer; :meth:`open_manual` sizes a given pick."""

    def attempt(self, now_ns: int, open_spreads: int) -> None:
        """No automatic entries."""

    def open_manual(
        self,
        picked: SpreadPick,
        lots: int,
        report: dict[str, Submission],
        taken: Collection[str] = frozenset(),
    ) -> str:
        """Cap ``lots`` by margin, size with the capital manager, then open; return the id
        (none of ``taken``).

        The outcome is written to ``report[spread_id]`` as it becomes known (the margin and
        sizing answers may come later, on the message bus).
        """
        strategy = self._strategy
        now_ns = strategy.clock.timestamp_ns()
        spread_id = self._next_spread_id()
        while spread_id in taken:
            spread_id = self._next_spread_id()
        report[spread_id] = Submission(spread_id, "sizing", lots)
        risk = self.lot_risk(picked, now_ns)

        def refuse(reason: SkipReason, detail: str) -> None:
            del reason  # the operator reads the sentence
            strategy.log.info(f"{spread_id}: manual entry refused ({detail})")
            report[spread_id] = replace(report[spread_id], status="refused", reason=detail)

        def opening(granted: int) -> None:
            report[spread_id] = replace(report[spread_id], status="opening", lots=granted)

        if self.halted:
            refuse("halted", "the capital manager halted trading")
        elif not (math.isfinite(risk.total) and risk.max_loss > 0):
            refuse("crossed_quotes", f"max loss per lot is {risk.max_loss}: crossed quotes")
        else:
            self.size_and_open(spread_id, picked, risk.total, now_ns, refuse, lots, opening)
        return spread_id


class ManualSpreadStrategy(OptionsSpreadStrategy):
    """The spread strategy, opening only the spreads asked for (see the module docstring).

    Parameters
    ----------
    config : OptionsSpreadStrategyConfig
        Legging, sizing, margin and exit settings (the entry rules are not used).
    """

    submissions: dict[str, Submission]

    def _reset_entries(self) -> None:
        self.submissions = {}
        self.entry_manager = EntryManager.from_config(self.cfg)
        self.entries = ManualEntries(
            self, self.cfg, lambda now_ns: "no_strikes", self.entry_manager, self._open
        )

    def open_manual(
        self, picked: SpreadPick, lots: int, taken: Collection[str] = frozenset()
    ) -> str:
        """Size and open ``lots`` of ``picked``; return the spread id (call on the loop).

        The id is none of ``taken``: the ids already answered to requests, which a node
        restarted without its cache would otherwise number again from ``S0001``.
        """
        entries = self.entries
        if not isinstance(entries, ManualEntries):  # pragma: no cover - set in _reset_entries
            raise TypeError("entries")
        return entries.open_manual(picked, lots, self.submissions, taken)

    def _track(self, spread: ActiveSpread) -> None:
        """Tag the spread's orders with its own shape, not the configured spread type."""
        spread.spread_type = shape_name(spread.sequencer.geometry.legs)
        super()._track(spread)

    def status(self, spread_id: str, lots_requested: int) -> Submission:
        """The request's fate, with the legging phase once it is opening.

        A request made before a restart is known from the cache only: ``open`` or
        ``closed`` when its legs are held or were, else ``unknown`` (the cache was not kept,
        e.g. no Redis).
        """
        submission = self.submissions.get(spread_id)
        if submission is None:
            view = self.tracker.spread(spread_id)
            lots = view.lots if view is not None else 0
            reason = "" if view is not None else "the node restarted without this spread's legs"
            state = "unknown" if view is None else "open" if view.is_open else "closed"
            submission = Submission(spread_id, state, lots_requested, lots, reason)
        if submission.status in ("sizing", "refused", "unknown"):
            return submission
        active = self._book.get(spread_id)
        if active is not None:
            phase = active.sequencer.phase
            status = "open" if phase == Phase.OPEN else "closing" if phase.is_closing else "opening"
            return replace(submission, status=status)
        view = self.tracker.spread(spread_id)
        if view is None:  # out of the book with no leg ever filled: unwound at once
            return replace(submission, status="closed", reason="unwound before any leg filled")
        return replace(submission, status="open" if view.is_open else "closed")
