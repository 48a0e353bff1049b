"""Entry attempts: the rules, the spread from the chain, its risk per lot, and sizing.

:class:`EntryAttempts` runs one attempt per entry check of the strategy:

1. the entry rules (:class:`~nautilus_options.strategy.entry.EntryManager`) and whether the
   capital manager halted trading;
2. the spread from the cached chain
   (:meth:`~nautilus_options.strategy.chain.ChainReader.select`);
3. the capital one lot can lose, with the slippage buffer and round-trip charges
   (:func:`~nautilus_options.domain.sizing.spread_lot_risk`);
4. the lots: ``lots`` (capped by ``max_lots``) or a
   :class:`~nautilus_options.capital.messages.SizingRequest` to the capital manager.

A spread granted lots is handed to ``open_spread``; every attempt that opens nothing is
counted under its reason and published as
:class:`~nautilus_options.strategy.diagnostics.EntryDiagnostics`.
"""

from __future__ import annotations

import math
from collections.abc import Callable

from nautilus_trader.model.data import DataType
from nautilus_trader.trading.strategy import Strategy

from nautilus_options.capital.messages import SIZING_ENDPOINT, SizingRequest, SizingResponse
from nautilus_options.domain.sizing import spread_lot_risk
from nautilus_options.domain.time import ist_date
from nautilus_options.strategy.chain import SpreadPick
from nautilus_options.strategy.config import OptionsSpreadStrategyConfig
from nautilus_options.strategy.diagnostics import EntryCounters, EntryDiagnostics, SkipReason
from nautilus_options.strategy.entry import EntryManager

OpenSpread = Callable[[str, SpreadPick, int, bool], None]
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
        instruments = picked.instruments
        risk = spread_lot_risk(
            picked.selection.geometry,
            picked.selection.mids,
            int(instruments[0].lot_size.as_double()),
            self._cfg.sizing_slippage_ticks
            * max(instrument.price_increment.as_double() for instrument in instruments),
            ist_date(now_ns),
        )
        if not (math.isfinite(risk.total) and risk.max_loss > 0):
            self._strategy.log.warning(f"Skipping entry: max loss per lot {risk.max_loss}")
            self._skip("crossed_quotes", now_ns)
            return
        self.spread_counter += 1
        spread_id = f"{self._strategy.id}-S{self.spread_counter:04d}"
        if not self._cfg.capital_manager:
            self._opened(spread_id, picked, self._capped(self._cfg.lots), False)
            return

        def on_sizing(response: SizingResponse) -> None:
            self.halted = response.halted
            if response.lots > 0:
                self._opened(spread_id, picked, response.lots, True)
            else:
                self._strategy.log.info(f"{spread_id}: no lots granted ({response.reason})")
                self._skip("halted" if response.halted else "zero_lots", now_ns)

        self._strategy.msgbus.send(
            endpoint=SIZING_ENDPOINT,
            msg=SizingRequest(
                request_id=spread_id,
                strategy_id=self._strategy.id.value,
                capital_per_lot=risk.total,
                max_lots=self._cfg.max_lots,
                callback=on_sizing,
            ),
        )

    def _opened(self, spread_id: str, picked: SpreadPick, lots: int, reserved: bool) -> None:
        self._counters.entry()
        self._open_spread(spread_id, picked, lots, reserved)

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
