"""OptionsSpreadStrategy: defined-risk index-option spreads with hedges-first legging."""

from __future__ import annotations

import json

from nautilus_trader.core.data import Data
from nautilus_trader.model.data import DataType, QuoteTick
from nautilus_trader.model.events import (
    OrderCanceled,
    OrderDenied,
    OrderExpired,
    OrderFilled,
    OrderRejected,
    PositionClosed,
)
from nautilus_trader.model.identifiers import ClientOrderId, InstrumentId, Symbol, Venue
from nautilus_trader.trading.strategy import Strategy

from nautilus_options.capital.events import CapitalUpdated
from nautilus_options.capital.messages import (
    RELEASE_ENDPOINT,
    CapitalRelease,
)
from nautilus_options.common.session import SessionTimer
from nautilus_options.compat.topics import custom_data_topic, quotes_topic
from nautilus_options.domain.nse import session_bounds_ns
from nautilus_options.domain.time import NS_PER_SECOND, ist_date
from nautilus_options.portfolio import (
    SettlementRules,
    SpreadTracker,
    parse_leg_position_id,
    tag_value,
)
from nautilus_options.strategy.book import ActiveSpread, SpreadBook, adopt, is_complete
from nautilus_options.strategy.chain import ChainReader, SpreadPick
from nautilus_options.strategy.config import OptionsSpreadStrategyConfig
from nautilus_options.strategy.diagnostics import EntryDiagnostics
from nautilus_options.strategy.entering import EntryAttempts
from nautilus_options.strategy.entry import EntryManager
from nautilus_options.strategy.execution import LegExecution
from nautilus_options.strategy.exit import ExitManager, ExitReason
from nautilus_options.strategy.legging import LegSequencer, Phase

_CHECK_TIMER = "spread-check"
_QUOTE_CHECK_ALERT = "spread-quote-check"
_QUOTE_SETTLE_NS = 1_000_000  # 1 ms


class OptionsSpreadStrategy(Strategy):
    """Trade one defined-risk spread shape on an index's options.

    Entries (checked on a timer) pick an expiry and strikes from the cached chain, ask the
    :class:`~nautilus_options.capital.CapitalManager` for lots over the message bus, then buy
    the hedges and sell the shorts only once every hedge is filled. A leg that is rejected or
    not filled within ``leg_timeout_secs`` unwinds the spread. Exits are checked on every leg
    quote and on the timer; closing buys back the shorts before selling the hedges. Spreads
    held to expiry are settled by the venue at intrinsic value. Neither entries nor these
    exits act while the index's last trade is older than ``max_quote_age_secs`` (the feed
    has stopped).

    The strategy subscribes to the whole chain's quotes so that the cache holds the chain for
    entries, but handles quotes only of the legs of its spreads: their message-bus topics are
    followed while a spread holds them, so other quotes never reach Python code here.

    Parameters
    ----------
    config : OptionsSpreadStrategyConfig
        The configuration.
    """

    def __init__(self, config: OptionsSpreadStrategyConfig) -> None:
        super().__init__(config)
        self.cfg = config
        self.exit_manager = ExitManager.from_config(config)
        self.index_id = InstrumentId(Symbol(config.underlying), Venue(config.index_venue))
        self._chain: ChainReader | None = None
        self._execution: LegExecution | None = None
        self._book = SpreadBook()
        self._quote_check: str | None = None  # the pending alert's name
        self._quote_checks = 0
        self._tracker: SpreadTracker | None = None
        self._check_timer: SessionTimer | None = None
        self._reset_entries()

    @property
    def tracker(self) -> SpreadTracker:
        """The spread tracker over this strategy's cache."""
        if self._tracker is None:
            self._tracker = SpreadTracker(
                self.cache, SettlementRules.from_paths(self.cfg.settlement_recognizers)
            )
        return self._tracker

    @property
    def chain(self) -> ChainReader:
        """The option chain in this strategy's cache."""
        if self._chain is None:
            self._chain = ChainReader(self.cache, self.cfg, self.index_id)
        return self._chain

    @property
    def execution(self) -> LegExecution:
        """The placement of this strategy's leg orders."""
        if self._execution is None:
            self._execution = LegExecution(self, self.cfg, self.chain, self._book, self._unwind)
        return self._execution

    @property
    def active_spread_ids(self) -> list[str]:
        """Ids of spreads being opened, held or closed by this strategy."""
        return self._book.ids()

    @property
    def entry_diagnostics(self) -> EntryDiagnostics:
        """Counts of the entry checks by outcome so far (a copy)."""
        return self.entries.diagnostics(self.clock.timestamp_ns())

    # -- lifecycle ---------------------------------------------------------------------------

    def on_start(self) -> None:
        """Subscribe to the index, the option chain and capital updates; start timers."""
        self.subscribe_trade_ticks(self.index_id)
        for instrument in self.chain.options():
            self.subscribe_quote_ticks(instrument.id)
        for instrument_id in self._book.instrument_ids():
            self._follow_quotes(instrument_id)
        self.msgbus.subscribe(
            topic=custom_data_topic(DataType(CapitalUpdated)), handler=self._on_capital_updated
        )
        self._check_timer = SessionTimer(
            self.clock,
            _CHECK_TIMER,
            self.cfg.exit_check_interval_secs * NS_PER_SECOND,
            self._tick,
            session=self.cfg.session,
        )
        self._check_timer.start()
        self._adopt_open_spreads()

    def on_stop(self) -> None:
        """Publish the entry counts; cancel the timers (open spreads are left to the node)."""
        self.entries.publish(self.clock.timestamp_ns())
        self.msgbus.unsubscribe(
            topic=custom_data_topic(DataType(CapitalUpdated)), handler=self._on_capital_updated
        )
        for instrument_id in self._book.instrument_ids():
            self._unfollow_quotes(instrument_id)
        if self._check_timer is not None:
            self._check_timer.stop()
        self.execution.stop()
        if self._quote_check in self.clock.timer_names:
            self.clock.cancel_timer(self._quote_check)
        self._quote_check = None

    def on_reset(self) -> None:
        """Forget all spreads and counters (the engine's cache is reset too)."""
        self._reset_entries()
        self._book.clear()
        self._tracker = None

    def _reset_entries(self) -> None:
        self.entry_manager = EntryManager.from_config(self.cfg)
        self.entries = EntryAttempts(
            self, self.cfg, lambda now_ns: self.chain.select(now_ns), self.entry_manager, self._open
        )

    def _adopt_open_spreads(self) -> None:
        """Take over spreads this strategy left open before a restart.

        A complete spread is managed as open (exits apply); any other has its orders
        cancelled and is unwound (see :mod:`nautilus_options.strategy.book`).
        """
        for view in self.tracker.spreads(strategy_id=self.id, open_only=True):
            if view.spread_id in self._book:
                continue
            instruments = tuple(self.chain.option(leg.instrument_id) for leg in view.legs)
            options = tuple(option for option in instruments if option is not None)
            if len(options) != len(view.legs):
                self.log.error(f"{view.spread_id}: leg instruments missing; not adopted")
                continue
            spread = adopt(view, options, self.clock.timestamp_ns(), self.cfg.capital_manager)
            self._track(spread)
            complete = is_complete(view)
            self.log.info(f"{view.spread_id}: adopted ({'open' if complete else 'unwinding'})")
            if not complete:
                self.execution.cancel_left_over(spread)
                spread.urgent = True
                spread.exit_reason = "unwind"
                self._start_closing(spread)

    def on_save(self) -> dict[str, bytes]:
        """Persist the spread counter and the entry state."""
        state = {"spread_counter": str(self.entries.spread_counter), **self.entry_manager.to_dict()}
        return {"state": json.dumps(state).encode()}

    def on_load(self, state: dict[str, bytes]) -> None:
        """Restore what :meth:`on_save` wrote."""
        if "state" in state:
            values = json.loads(state["state"].decode())
            self.entries.spread_counter = int(values.get("spread_counter", 0))
            self.entry_manager.load_dict(values)

    # -- market data -------------------------------------------------------------------------

    def _on_leg_quote(self, tick: QuoteTick) -> None:
        """Schedule an exit check just after a quote of a spread's leg.

        The check runs once the other quotes of the same instant have arrived, so a spread
        is never marked from one fresh leg and stale others; the quotes arriving before it
        runs share it. Each check has its own alert name: a live clock can still hold the
        name of an alert whose handler has run, and refuses to set it again.
        """
        if self._quote_check is None:
            self._quote_checks += 1
            self._quote_check = f"{_QUOTE_CHECK_ALERT}-{self._quote_checks}"
            self.clock.set_time_alert_ns(
                self._quote_check,
                self.clock.timestamp_ns() + _QUOTE_SETTLE_NS,
                self._on_quote_check,
            )

    def _on_quote_check(self, event: object) -> None:
        self._quote_check = None
        self._check_open_spreads(event)

    def _follow_quotes(self, instrument_id: InstrumentId) -> None:
        self.msgbus.subscribe(topic=quotes_topic(instrument_id), handler=self._on_leg_quote)

    def _unfollow_quotes(self, instrument_id: InstrumentId) -> None:
        self.msgbus.unsubscribe(topic=quotes_topic(instrument_id), handler=self._on_leg_quote)

    def _check_open_spreads(self, event: object) -> None:
        now = self.clock.timestamp_ns()
        for spread in self._book:
            if spread.sequencer.phase == Phase.OPEN:
                self._check_exit(spread, now)

    def _on_capital_updated(self, event: Data) -> None:
        if isinstance(event, CapitalUpdated):
            self.entries.halted = event.halted

    def _tick(self, event: object) -> None:
        self._check_open_spreads(event)
        for spread in self._book:
            if spread.sequencer.phase.is_closing:
                self.execution.work_phase(spread)
        now = self.clock.timestamp_ns()
        self.entries.attempt(now, len(self._book))
        close_ns = session_bounds_ns(ist_date(now))[1]
        last = now + self.cfg.exit_check_interval_secs * NS_PER_SECOND > close_ns
        if self.cfg.session == "nse" and last:
            self.entries.publish(now)  # the session day's last check

    # -- entries -----------------------------------------------------------------------------

    # -- legging -----------------------------------------------------------------------------

    def _open(self, spread_id: str, picked: SpreadPick, lots: int, reserved: bool) -> None:
        selection, instruments = picked.selection, picked.instruments
        now = self.clock.timestamp_ns()
        units = lots * int(instruments[0].lot_size.as_double())
        spread = ActiveSpread(
            spread_id=spread_id,
            instruments=instruments,
            sequencer=LegSequencer(selection.geometry, units),
            phase_started_ns=now,
            reserved=reserved,
            leg_ids=tuple(range(len(instruments))),
        )
        self._track(spread)
        self.entry_manager.record_entry(now)
        strikes = "/".join(f"{leg.strike:g}{leg.right}" for leg in selection.geometry.legs)
        self.log.info(f"{spread_id}: opening {self.cfg.spread_type} {strikes} x {lots} lots")
        self.execution.work_phase(spread)

    def _track(self, spread: ActiveSpread) -> None:
        for instrument_id in self._book.add(spread):
            self._follow_quotes(instrument_id)

    def _unwind(self, spread: ActiveSpread) -> None:
        """Cancel the spread's opening orders and close whatever legs are held.

        A leg's closing order goes out once its opening order is final (canceled or filled).
        """
        for working in spread.orders:
            if not working.closing:
                self.execution.cancel(spread, working, "unwind")
        spread.urgent = True
        spread.exit_reason = spread.exit_reason or "unwind"
        self._start_closing(spread)

    def _start_closing(self, spread: ActiveSpread) -> None:
        spread.sequencer.start_closing()
        spread.phase_started_ns = self.clock.timestamp_ns()
        self._after_phase(spread)

    def _after_phase(self, spread: ActiveSpread) -> None:
        phase = spread.sequencer.phase
        if phase == Phase.OPEN:
            view = self.tracker.spread(spread.spread_id)
            spread.set_premium(view.net_premium if view is not None else 0.0)
            self.log.info(f"{spread.spread_id}: open, net premium {spread.net_premium:.2f}")
        elif phase == Phase.CLOSED:
            self._maybe_finish(spread)
        else:
            self.execution.work_phase(spread)

    def finish_flattened(self) -> list[str]:
        """Finish every spread in the book that holds no leg any more; return their ids.

        For spreads flattened or abandoned while the strategy was stopped (the kill switch
        stops it before it closes every position): each is finished as a closed spread is,
        releasing its capital reservation.
        """
        finished = []
        for spread in self._book:
            view = self.tracker.spread(spread.spread_id)
            if view is None or not view.is_open:
                spread.exit_reason = spread.exit_reason or "flattened"
                self._finish(spread)
                finished.append(spread.spread_id)
        return finished

    def _maybe_finish(self, spread: ActiveSpread) -> None:
        """Finish a closed spread once none of its orders can still fill."""
        if not spread.orders:
            self._finish(spread)

    def _finish(self, spread: ActiveSpread) -> None:
        for instrument_id in self._book.remove(spread):
            self._unfollow_quotes(instrument_id)
        self.entry_manager.record_exit(self.clock.timestamp_ns())
        if spread.reserved:
            self.msgbus.send(
                endpoint=RELEASE_ENDPOINT, msg=CapitalRelease(request_id=spread.spread_id)
            )
        self.log.info(f"{spread.spread_id}: closed ({spread.exit_reason or 'expiry'})")

    # -- exits -------------------------------------------------------------------------------

    def _check_exit(self, spread: ActiveSpread, now_ns: int) -> None:
        """Close ``spread`` if an exit rule holds, unless the feed has stopped."""
        if self.chain.stale(now_ns):
            return
        reason = self.exit_manager.check(
            now_ns,
            spread.instruments[0].expiration_ns,
            spread.net_premium,
            self.chain.close_value(spread.instruments, spread.sequencer.geometry),
            spread.max_profit,
            spread.max_loss,
        )
        if reason is not None:
            self._exit(spread, reason)

    def _exit(self, spread: ActiveSpread, reason: ExitReason) -> None:
        self.log.info(f"{spread.spread_id}: exit ({reason.value})")
        spread.exit_reason = reason.value
        spread.urgent = reason.urgent
        self._start_closing(spread)

    # -- order and position events -----------------------------------------------------------

    def on_order_filled(self, event: OrderFilled) -> None:
        """Advance the spread's legging on each fill."""
        spread = self._spread_of(event.client_order_id)
        if spread is None:
            return
        units = int(event.last_qty.as_double())
        working = spread.orders.fill(event.client_order_id, units)
        if working is None:
            return
        if not working.closing and spread.exit_reason:
            # A late opening fill after the exit or unwind started: close it too.
            spread.sequencer.on_fill(working.leg, units, closing=False)
            self._start_closing(spread)
        elif spread.sequencer.on_fill(working.leg, units, working.closing):
            spread.phase_started_ns = event.ts_event
            self._after_phase(spread)
        elif spread.sequencer.phase != Phase.OPEN:
            self.execution.work_phase(spread)  # the leg's next slice, once this order is filled

    def on_order_rejected(self, event: OrderRejected) -> None:
        """A rejected opening leg unwinds the spread."""
        self._on_order_failed(event.client_order_id, event.reason)

    def on_order_denied(self, event: OrderDenied) -> None:
        """A denied opening leg unwinds the spread."""
        self._on_order_failed(event.client_order_id, event.reason)

    def on_order_canceled(self, event: OrderCanceled) -> None:
        """Go on closing once a cancel is confirmed; a cancel not asked for is a failure."""
        spread = self._spread_of(event.client_order_id)
        working = spread.orders.get(event.client_order_id) if spread is not None else None
        if spread is None or working is None:
            return
        if not working.cancel_reason:
            self._on_order_failed(event.client_order_id, "canceled by the venue")
            return
        spread.orders.finish(event.client_order_id)
        if spread.sequencer.phase == Phase.CLOSED:
            self._maybe_finish(spread)
        elif spread.sequencer.phase.is_closing:
            self.execution.work_phase(spread)

    def on_order_expired(self, event: OrderExpired) -> None:
        """An expired opening leg unwinds the spread."""
        self._on_order_failed(event.client_order_id, "expired")

    def _on_order_failed(self, client_order_id: ClientOrderId, reason: str) -> None:
        spread = self._spread_of(client_order_id)
        if spread is None:
            return
        working = spread.orders.finish(client_order_id)
        if working is None:
            return
        self.log.warning(f"{spread.spread_id}: leg {working.leg} order failed: {reason}")
        if not working.closing and spread.sequencer.phase.is_opening:
            self._unwind(spread)

    def on_position_closed(self, event: PositionClosed) -> None:
        """Finish a spread whose legs were all closed outside the strategy (expiry)."""
        parsed = parse_leg_position_id(event.position_id)
        spread = self._book.get(parsed[0]) if parsed is not None else None
        if spread is None or spread.sequencer.phase.is_opening:
            return
        view = self.tracker.spread(spread.spread_id)
        if view is not None and not view.is_open:
            self._maybe_finish(spread)

    def _spread_of(self, client_order_id: ClientOrderId) -> ActiveSpread | None:
        order = self.cache.order(client_order_id)
        spread_id = tag_value(order.tags if order is not None else None, "spread")
        spread = self._book.get(spread_id) if spread_id else None
        if spread is None or spread.orders.get(client_order_id) is None:
            return None
        return spread
