"""Entry attempts: the rules, the spread from the chain, its risk per lot, and sizing.

:class:`EntryAttempts` runs one attempt per entry check of the strategy:

1. the entry rules (:class:`~nautilus_options.strategy.entry.EntryManager`) and whether the
   capital manager halted trading;
2. the spread from the cached chain
   (:meth:`~nautilus_options.strategy.chain.ChainReader.select`);
3. the capital one lot can lose, with the slippage buffer and round-trip charges
   (:func:`~nautilus_options.domain.sizing.spread_lot_risk`);
4. the lots the margin can carry (:mod:`nautilus_options.strategy.margin`);
5. the lots: ``lots`` (capped by ``max_lots`` and the margin) or a
   :class:`~nautilus_options.capital.messages.SizingRequest` to the capital manager.

A spread granted lots is handed to ``open_spread``; every attempt that opens nothing is
counted under its reason and published as
:class:`~nautilus_options.strategy.diagnostics.EntryDiagnostics`.
"""

from __future__ import annotations

import math
from collections.abc import Callable

from nautilus_trader.model.data import DataType
from nautilus_trader.model.identifiers import Venue
from nautilus_trader.trading.strategy import Strategy

from nautilus_options.capital.messages import (
    MARGIN_ENDPOINT,
    SIZING_ENDPOINT,
    MarginRequest,
    MarginResponse,
    SizingRequest,
    SizingResponse,
)
from nautilus_options.domain.sizing import LotRisk, spread_lot_risk
from nautilus_options.domain.time import ist_date
from nautilus_options.portfolio import leg_position_id
from nautilus_options.strategy.chain import SpreadPick
from nautilus_options.strategy.config import OptionsSpreadStrategyConfig
from nautilus_options.strategy.diagnostics import EntryCounters, EntryDiagnostics, SkipReason
from nautilus_options.strategy.entry import EntryManager
from nautilus_options.strategy.margin import NO_CAP, lots_within, model_lot_margin, venue_legs

#: Most legs a spread has (iron condor and butterfly).
_MAX_LEGS = 4

OpenSpread = Callable[[str, SpreadPick, int, bool], None]
#: Told why a spread opens nothing: the skip reason and a sentence for logs and operators.
Refusal = Callable[[SkipReason, str], None]
"""``open_spread(spread_id, pick, lots, reserved)``: start opening a sized spread."""


class EntryAttempts:
    """Attempt entries for a strategy and count why they opened nothing.

    Parameters
    ----------
    strategy : Strategy
        The strategy whose id, clock, log and message bus are used.
    config : OptionsSpreadStrategyConfig
        Lots, sizing and slippage settings.
    pick : Callable[[int], SpreadPick | SkipReason]
        The spread to enter at a time (UNIX ns), or why there is none
        (:meth:`ChainReader.select`).
    rules : EntryManager
        The entry rules and their state.
    open_spread : OpenSpread
        Called with each spread granted lots.
    """

    def __init__(
        self,
        strategy: Strategy,
        config: OptionsSpreadStrategyConfig,
        pick: Callable[[int], SpreadPick | SkipReason],
        rules: EntryManager,
        open_spread: OpenSpread,
    ) -> None:
        self._strategy = strategy
        self._cfg = config
        self._pick = pick
        self._rules = rules
        self._open_spread = open_spread
        self._counters = EntryCounters()
        self._published_version = 0
        self._warned_no_manager = False
        self.halted = False
        """Whether the capital manager halted trading (from its updates and answers)."""
        self.spread_counter = 0
        """Spreads numbered so far (ids ``{strategy_id}-S{n:04d}``)."""

    def diagnostics(self, now_ns: int) -> EntryDiagnostics:
        """The counts of the attempts so far, stamped ``now_ns``."""
        return self._counters.diagnostics(self._strategy.id.value, now_ns)

    def publish(self, now_ns: int) -> None:
        """Publish the counts when they changed since the last time."""
        if self._counters.version != self._published_version:
            self._published_version = self._counters.version
            self._strategy.publish_data(DataType(EntryDiagnostics), self.diagnostics(now_ns))

    def attempt(self, now_ns: int, open_spreads: int) -> None:
        """Try to enter a spread now, with ``open_spreads`` open or being opened."""
        self._counters.check()
        if self.halted or open_spreads >= self._rules.rules.max_concurrent:
            # Denied whatever the time (the common case while a spread is held).
            self._skip("halted" if self.halted else "max_concurrent", now_ns)
            return
        decision = self._rules.check(now_ns, open_spreads, self.halted)
        if decision.reason != "ok":
            self._skip(decision.reason, now_ns)
            return
        if not self._sizing_available():
            self._skip("no_capital_manager", now_ns)
            return
        picked = self._pick(now_ns)
        if isinstance(picked, str):
            self._skip(picked, now_ns)
            return
        risk = self.lot_risk(picked, now_ns)
        if not (math.isfinite(risk.total) and risk.max_loss > 0):
            self._strategy.log.warning(f"Skipping entry: max loss per lot {risk.max_loss}")
            self._skip("crossed_quotes", now_ns)
            return
        spread_id = self._next_spread_id()

        def refuse(reason: SkipReason, detail: str) -> None:
            self._strategy.log.info(f"{spread_id}: {detail}")
            self._skip(reason, now_ns)

        self.size_and_open(spread_id, picked, risk.total, now_ns, refuse)

    def lot_risk(self, picked: SpreadPick, now_ns: int) -> LotRisk:
        """What one lot of ``picked`` can lose, with the slippage buffer and charges."""
        instruments = picked.instruments
        return spread_lot_risk(
            picked.selection.geometry,
            picked.selection.mids,
            int(instruments[0].lot_size.as_double()),
            self._cfg.sizing_slippage_ticks
            * max(instrument.price_increment.as_double() for instrument in instruments),
            ist_date(now_ns),
        )

    def size_and_open(
        self,
        spread_id: str,
        picked: SpreadPick,
        per_lot: float,
        now_ns: int,
        refuse: Refusal,
        requested: int | None = None,
        opening: Callable[[int], None] | None = None,
    ) -> None:
        """Cap the lots of ``picked`` by margin and ``max_lots``, size them, then open it.

        Parameters
        ----------
        spread_id : str
            The spread's id.
        picked : SpreadPick
            The spread.
        per_lot : float
            The capital one lot can lose (:meth:`lot_risk`).
        now_ns : int
            Now (UNIX ns).
        refuse : Refusal
            Called with the reason when nothing opens (possibly later, from the bus).
        requested : int, optional
            Lots asked for (a further cap); None: the capital manager's grant, or ``lots``.
        opening : Callable[[int], None], optional
            Called with the lots granted just before the spread opens.
        """
        cfg = self._cfg

        def open_with(lots: int, reserved: bool) -> None:
            if opening is not None:
                opening(lots)
            self._opened(spread_id, picked, lots, reserved)

        def size(margin_lots: int) -> None:
            cap = min(margin_lots, cfg.max_lots or NO_CAP, requested or NO_CAP)
            if cap <= 0:
                refuse("no_margin", "not enough margin for one lot")
            elif cfg.capital_manager and SIZING_ENDPOINT in self._strategy.msgbus.endpoints():
                limit = None if cap == NO_CAP else cap
                self._request_lots(spread_id, per_lot, limit, open_with, refuse)
            else:
                open_with(min(requested or cfg.lots, cap), False)

        lot_size = int(picked.instruments[0].lot_size.as_double())
        source = cfg.margin_source
        if source == "venue":
            self._ask_venue_margin(spread_id, picked, lot_size, size)
        elif source == "model":
            per_lot_margin = model_lot_margin(picked, lot_size, now_ns)
            size(lots_within(self._free_balance(), per_lot_margin))
        else:
            size(NO_CAP)

    def _request_lots(
        self,
        spread_id: str,
        per_lot: float,
        cap: int | None,
        open_with: Callable[[int, bool], None],
        refuse: Refusal,
    ) -> None:
        """Ask the capital manager for at most ``cap`` lots of a spread risking ``per_lot``."""

        def on_sizing(response: SizingResponse) -> None:
            self.halted = response.halted
            if response.lots > 0:
                open_with(response.lots, True)
            else:
                reason: SkipReason = "halted" if response.halted else "zero_lots"
                refuse(reason, f"no lots granted ({response.reason})")

        self._strategy.msgbus.send(
            endpoint=SIZING_ENDPOINT,
            msg=SizingRequest(
                request_id=spread_id,
                strategy_id=self._strategy.id.value,
                capital_per_lot=per_lot,
                max_lots=cap,
                callback=on_sizing,
            ),
        )

    def _ask_venue_margin(
        self, spread_id: str, picked: SpreadPick, lot_size: int, then: Callable[[int], None]
    ) -> None:
        """Ask the broker what one lot blocks and what is available; then size."""
        if MARGIN_ENDPOINT not in self._strategy.msgbus.endpoints():
            self._strategy.log.warning(
                f"{spread_id}: no broker at {MARGIN_ENDPOINT}; no margin cap"
            )
            then(lots_within(math.inf, 0.0))
            return

        def on_margin(response: MarginResponse) -> None:
            if response.error is not None:
                self._strategy.log.warning(f"{spread_id}: margin unknown ({response.error})")
                then(0)
                return
            then(lots_within(response.available, response.final))

        self._strategy.msgbus.send(
            endpoint=MARGIN_ENDPOINT,
            msg=MarginRequest(spread_id, venue_legs(picked, lot_size), on_margin),
        )

    def _free_balance(self) -> float:
        """Free balance of the option venue's account (infinite when there is no account)."""
        account = self._strategy.portfolio.account(Venue(self._cfg.venue))
        if account is None:
            return math.inf
        free = account.balance_free(account.base_currency)
        return math.inf if free is None else free.as_double()

    def _next_spread_id(self) -> str:
        """The next spread id whose leg positions the cache has never seen.

        The counter is saved only when the node stops cleanly; after a crash it restarts
        from the last save, and reusing an id would merge a new spread into the legs of an
        old one (positions are ``{spread_id}-L{i}``), so ids held in the cache are skipped.
        """
        cache = self._strategy.cache
        while True:
            self.spread_counter += 1
            spread_id = f"{self._strategy.id}-S{self.spread_counter:04d}"
            if not any(cache.position(leg_position_id(spread_id, i)) for i in range(_MAX_LEGS)):
                return spread_id

    def _opened(self, spread_id: str, picked: SpreadPick, lots: int, reserved: bool) -> None:
        self._counters.entry()
        self._open_spread(spread_id, picked, lots, reserved)
        # Save the counter and the entry state now (a no-op without a cache database), so a
        # node killed before it stops cleanly does not forget today's entries.
        self._strategy.cache.update_strategy(self._strategy)

    def _skip(self, reason: SkipReason, now_ns: int) -> None:
        """Count why an attempt opened nothing; publish at once when the reason is new."""
        if self._counters.skip(reason):
            self.publish(now_ns)

    def _sizing_available(self) -> bool:
        """Whether lots can be sized: fixed lots, or a capital manager on the bus."""
        if not self._cfg.capital_manager or SIZING_ENDPOINT in self._strategy.msgbus.endpoints():
            return True
        if not self._warned_no_manager:
            self._strategy.log.warning(f"No capital manager at {SIZING_ENDPOINT}: not entering")
            self._warned_no_manager = True
        return False

    def _capped(self, lots: int) -> int:
        return min(lots, self._cfg.max_lots) if self._cfg.max_lots is not None else lots
