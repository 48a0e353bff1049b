"""The :class:`SpreadMonitor` actor: periodic and fill-driven spread snapshots."""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass, replace

import msgspec
from nautilus_trader.common.actor import Actor
from nautilus_trader.common.events import TimeEvent
from nautilus_trader.model.data import DataType
from nautilus_trader.model.enums import PriceType
from nautilus_trader.model.events import PositionEvent
from nautilus_trader.model.identifiers import InstrumentId, StrategyId, Symbol, Venue

from nautilus_options.common.session import SessionTimer
from nautilus_options.domain.nse import parse_tradingsymbol
from nautilus_options.domain.pricing import year_fraction
from nautilus_options.domain.quotes import mid_price
from nautilus_options.domain.time import NS_PER_SECOND
from nautilus_options.errors import DataError
from nautilus_options.monitor.config import SpreadMonitorConfig
from nautilus_options.monitor.risk import LegMarket, LegRisk, parity_forward, spread_risk
from nautilus_options.monitor.snapshot import SpreadSnapshot
from nautilus_options.portfolio import (
    LegView,
    SettlementRules,
    SpreadTracker,
    SpreadView,
    parse_leg_position_id,
)

#: Name of the monitor's interval timer.
TIMER_NAME = "SpreadMonitor.interval"
#: Message bus topic pattern of the position events the monitor reacts to.
POSITION_EVENTS_TOPIC = "events.position.*"


@dataclass(frozen=True)
class _Plan:
    """What the snapshots of one spread view need besides prices (fixed until a fill)."""

    view: SpreadView
    open_legs: tuple[LegView, ...]
    quoted: tuple[InstrumentId, ...]  # the legs and their put-call partners
    pairs: tuple[tuple[float, InstrumentId, InstrumentId], ...]  # strike, call, put
    index_id: InstrumentId
    strategy_id: str
    breakevens: str


class _LegRow(msgspec.Struct):
    """One leg in a snapshot's ``legs`` JSON (msgspec writes nan and infinities as null).

    ``quantity`` and ``open_quantity`` mean what they mean in
    :class:`~nautilus_options.portfolio.LegView`: signed units opened, and still open.
    """

    index: int
    instrument_id: str
    strike: float
    right: str
    quantity: float
    open_quantity: float
    avg_px_open: float
    avg_px_close: float
    mid: float
    iv: float | None
    delta: float | None
    gamma: float | None
    theta: float | None
    vega: float | None


class SpreadMonitor(Actor):
    """Publish a :class:`SpreadSnapshot` of each spread on a timer and on every fill.

    Spreads are the legs grouped by :class:`~nautilus_options.portfolio.SpreadTracker`
    (position ids ``{spread_id}-L{i}``). Every ``interval_secs`` of an NSE session (09:15-15:30
    IST, see :class:`~nautilus_options.common.session.SessionTimer`) the monitor snapshots each
    open spread whose prices moved since its previous snapshot (``skip_unchanged``). With
    ``publish_on_fills`` it also snapshots a spread whenever one of its leg positions opens,
    changes or closes (expiry settlement included). Snapshots are published
    with ``publish_data(DataType(SpreadSnapshot), ...)`` (topic ``data.SpreadSnapshot*``)
    and kept in memory for export (:attr:`snapshots`).

    Greeks are Black-76 with fractional time to expiry. Each leg's vol is implied from its
    mid; the forward comes from put-call parity at the spread's strikes, or else from the
    index's last price. The monitor subscribes to quotes of the legs and their put-call
    partners while a spread is open, so it works the same in backtest, paper and live nodes.

    Parameters
    ----------
    config : SpreadMonitorConfig, optional
        The configuration (defaults when None).
    """

    def __init__(self, config: SpreadMonitorConfig | None = None) -> None:
        config = config or SpreadMonitorConfig()
        super().__init__(config)
        self._interval_ns = round(config.interval_secs * NS_PER_SECOND)
        self._session = config.session
        self._timer: SessionTimer | None = None
        self._publish_on_fills = config.publish_on_fills
        self._strategy_id = StrategyId(config.strategy_id) if config.strategy_id else None
        self._rate = config.risk_free_rate
        self._settlement = SettlementRules.from_paths(config.settlement_recognizers)
        self._index_venue = Venue(config.index_venue)
        self._snapshots: deque[SpreadSnapshot] = deque(maxlen=config.max_snapshots)
        self._ivs: dict[InstrumentId, float] = {}
        self._watched: dict[str, frozenset[InstrumentId]] = {}
        self._open: dict[str, SpreadView] = {}
        self._partners: dict[InstrumentId, tuple[InstrumentId | None, InstrumentId | None]] = {}
        self._plans: dict[str, _Plan] = {}
        self._skip_unchanged = config.skip_unchanged
        self._last_prices: dict[str, tuple[float, ...]] = {}
        self._tracker: SpreadTracker | None = None

    @property
    def snapshots(self) -> list[SpreadSnapshot]:
        """The snapshots kept so far, oldest first."""
        return list(self._snapshots)

    def on_start(self) -> None:
        """Start the interval timer and follow position events."""
        self._timer = SessionTimer(
            self.clock,
            TIMER_NAME,
            self._interval_ns,
            self._on_interval,
            session=self._session,
        )
        for view in self._spreads().spreads(strategy_id=self._strategy_id, open_only=True):
            self._open[view.spread_id] = view
            self._watch(view)
        self._update_timer()
        self.msgbus.subscribe(POSITION_EVENTS_TOPIC, self._on_position_event)

    def on_stop(self) -> None:
        """Stop the timer and the position-event listener."""
        if self._timer is not None:
            self._timer.stop()
        self.msgbus.unsubscribe(POSITION_EVENTS_TOPIC, self._on_position_event)

    def _update_timer(self) -> None:
        """Run the interval timer only while some spread is open (it starts with the first)."""
        if self._timer is None:
            return
        if self._open:
            self._timer.start()
        else:
            self._timer.stop()

    def on_reset(self) -> None:
        """Forget kept snapshots, open spreads, implied vols and watched instruments."""
        self._snapshots.clear()
        self._ivs.clear()
        self._watched.clear()
        self._open.clear()
        self._plans.clear()
        self._last_prices.clear()

    def snapshot(self, spread_id: str, reason: str = "request") -> SpreadSnapshot | None:
        """Build, publish and keep a snapshot of one spread now.

        Returns None when no leg of ``spread_id`` has a position.
        """
        view = self._spreads().spread(spread_id)
        return None if view is None else self._publish(view, reason)

    def _spreads(self) -> SpreadTracker:
        if self._tracker is None:
            self._tracker = SpreadTracker(self.cache, self._settlement)
        return self._tracker

    def _on_interval(self, event: TimeEvent) -> None:
        # Legs, entry prices and realized P&L change only with fills, which refresh the
        # cached views; between fills only the marks move.
        for spread_id in sorted(self._open):
            view = self._open[spread_id]
            plan = self._plan(view)
            prices = self._prices(plan)
            if self._skip_unchanged and self._last_prices.get(spread_id) == prices:
                continue
            self._publish(view, "interval", plan, prices)

    def _on_position_event(self, event: PositionEvent) -> None:
        if not self.is_running:
            return
        if self._strategy_id is not None and event.strategy_id != self._strategy_id:
            return
        parsed = parse_leg_position_id(event.position_id)
        if parsed is None:
            return
        view = self._spreads().spread(parsed[0])
        if view is None:
            return
        if view.is_open:
            self._open[view.spread_id] = view
        else:
            self._open.pop(view.spread_id, None)
            self._plans.pop(view.spread_id, None)
            self._last_prices.pop(view.spread_id, None)
        self._update_timer()
        if self._publish_on_fills:
            self._publish(view, "fill")
        else:
            self._watch(view)

    def _publish(
        self,
        view: SpreadView,
        reason: str,
        plan: _Plan | None = None,
        prices: tuple[float, ...] | None = None,
    ) -> SpreadSnapshot:
        plan = plan or self._plan(view)
        prices = prices or self._prices(plan)
        snapshot = self._build(view, reason, plan, prices)
        self._last_prices[view.spread_id] = prices
        self._watch(view)
        self.publish_data(DataType(SpreadSnapshot), snapshot)
        self._snapshots.append(snapshot)
        return snapshot

    def _prices(self, plan: _Plan) -> tuple[float, ...]:
        """Mids of the quoted instruments, in ``plan.quoted`` order, then the index's last."""
        last = self.cache.price(plan.index_id, PriceType.LAST)
        index = math.nan if last is None else last.as_double()
        return (*(self._mid(instrument_id) for instrument_id in plan.quoted), index)

    def _build(
        self, view: SpreadView, reason: str, plan: _Plan, prices: tuple[float, ...]
    ) -> SpreadSnapshot:
        now = self.clock.timestamp_ns()
        t = year_fraction(now, view.expiry_ns)
        mids = dict(zip(plan.quoted, prices[:-1], strict=True))
        forward = self._forward(plan, mids, prices[-1], t)
        ivs = self._ivs
        risk = spread_risk(
            [
                LegMarket(
                    leg.strike,
                    leg.right == "CE",
                    leg.open_quantity,
                    mids[leg.instrument_id],
                    ivs.get(leg.instrument_id, math.nan),
                )
                for leg in plan.open_legs
            ],
            forward,
            t,
            self._rate,
        )
        per_leg: dict[int, LegRisk] = {}
        for leg, leg_risk in zip(plan.open_legs, risk.legs, strict=True):
            per_leg[leg.index] = leg_risk
            if math.isfinite(leg_risk.iv):
                ivs[leg.instrument_id] = leg_risk.iv
        unrealized = view.unrealized_pnl(lambda leg: _or_none(mids[leg.instrument_id]))
        return SpreadSnapshot(
            now,
            now,
            spread_id=view.spread_id,
            strategy_id=plan.strategy_id,
            reason=reason,
            is_open=view.is_open,
            legs=_legs_json(view, mids, per_leg),
            mark=sum(leg.open_quantity * mids[leg.instrument_id] for leg in plan.open_legs),
            unrealized_pnl=math.nan if unrealized is None else unrealized,
            realized_pnl=view.realized_pnl,
            net_delta=risk.delta,
            gamma=risk.gamma,
            theta=risk.theta,
            vega=risk.vega,
            underlying=forward,
            max_loss=view.max_loss,
            breakevens=plan.breakevens,
            time_to_expiry=t,
        )

    def _plan(self, view: SpreadView) -> _Plan:
        """The fixed part of ``view``'s snapshots (kept until a fill replaces the view)."""
        plan = self._plans.get(view.spread_id)
        if plan is not None and plan.view is view:
            return plan
        pairs = []
        quoted = {leg.instrument_id: None for leg in view.legs}
        for strike in sorted({leg.strike for leg in view.legs}):
            leg = next(leg for leg in view.legs if leg.strike == strike)
            call, put = self._call_put(leg.instrument_id)
            if call is not None and put is not None:
                pairs.append((strike, call, put))
                quoted.update({call: None, put: None})
        plan = _Plan(
            view=view,
            open_legs=tuple(leg for leg in view.legs if leg.is_open),
            quoted=tuple(quoted),
            pairs=tuple(pairs),
            index_id=InstrumentId(Symbol(view.underlying), self._index_venue),
            strategy_id=str(view.strategy_id),
            breakevens=msgspec.json.encode(view.breakevens).decode(),
        )
        if view.is_open:
            self._plans[view.spread_id] = plan
        return plan

    def _mid(self, instrument_id: InstrumentId) -> float:
        quote = self.cache.quote_tick(instrument_id)
        mid = (
            None
            if quote is None
            else mid_price(quote.bid_price.as_double(), quote.ask_price.as_double())
        )
        return math.nan if mid is None else mid

    def _forward(
        self, plan: _Plan, mids: dict[InstrumentId, float], index: float, t: float
    ) -> float:
        """Put-call parity forward at the spread's strikes, else the index grown at the rate."""
        pairs = [(strike, mids[call], mids[put]) for strike, call, put in plan.pairs]
        forward = parity_forward(pairs, t, self._rate)
        return forward if forward is not None else index * math.exp(self._rate * t)

    def _watch(self, view: SpreadView) -> None:
        """Subscribe to the quotes a spread needs while open; unsubscribe once it closed."""
        if view.is_open and view.spread_id not in self._watched:
            wanted: set[InstrumentId] = set()
            for leg in view.legs:
                wanted.update(i for i in self._call_put(leg.instrument_id) if i is not None)
                wanted.add(leg.instrument_id)
            needed = frozenset(i for i in wanted if self.cache.instrument(i) is not None)
            for instrument_id in needed - self._watched_union():
                self.subscribe_quote_ticks(instrument_id)
            self._watched[view.spread_id] = needed
        elif not view.is_open and view.spread_id in self._watched:
            released = self._watched.pop(view.spread_id)
            for instrument_id in released - self._watched_union():
                self.unsubscribe_quote_ticks(instrument_id)

    def _watched_union(self) -> frozenset[InstrumentId]:
        return frozenset().union(*self._watched.values())

    def _call_put(
        self, instrument_id: InstrumentId
    ) -> tuple[InstrumentId | None, InstrumentId | None]:
        pair = self._partners.get(instrument_id)
        if pair is None:
            pair = self._partners[instrument_id] = _call_put(instrument_id)
        return pair


def _call_put(instrument_id: InstrumentId) -> tuple[InstrumentId | None, InstrumentId | None]:
    """The call and put ids of the strike and expiry of ``instrument_id`` (None if unparsable)."""
    try:
        symbol = parse_tradingsymbol(instrument_id.symbol.value)
    except DataError:
        return None, None
    venue = instrument_id.venue
    return (
        InstrumentId(Symbol(replace(symbol, right="CE").tradingsymbol), venue),
        InstrumentId(Symbol(replace(symbol, right="PE").tradingsymbol), venue),
    )


def _or_none(value: float) -> float | None:
    return value if math.isfinite(value) else None


def _legs_json(
    view: SpreadView,
    mids: dict[InstrumentId, float],
    per_leg: dict[int, LegRisk],
) -> str:
    rows = []
    for leg in view.legs:
        risk = per_leg.get(leg.index)
        rows.append(
            _LegRow(
                leg.index,
                leg.instrument_id.value,
                leg.strike,
                leg.right,
                leg.quantity,
                leg.open_quantity,
                leg.avg_px_open,
                leg.avg_px_close,
                mids[leg.instrument_id],
                *((risk.iv, risk.delta, risk.gamma, risk.theta, risk.vega) if risk else _NO_RISK),
            )
        )
    return msgspec.json.encode(rows).decode()


_NO_RISK = (None, None, None, None, None)
