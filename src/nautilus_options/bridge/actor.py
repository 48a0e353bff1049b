"""The bridge actor: the node-side publisher of the event stream.

:class:`BridgeActor` (usable by path ``nautilus_options.bridge.actor:BridgeActor``) runs on
the node and turns what happens there into the stream's topics, with the same schemas as
REST (``model_dump(mode="json")``):

=============  ==========================================================================
topic          published
=============  ==========================================================================
``orders``     every order event: the order as ``GET /orders/{id}`` plus ``event``
``fills``      every fill: order, instrument, side, quantity, price, trade id, commission
``positions``  every position event: the position as ``GET /positions`` plus ``event``
``capital``    every ``CapitalUpdated`` of the capital manager, as ``GET /capital``
``spreads``    ``{"spreads": [...]}`` (open spreads) each interval, when it changed
``status``     ``GET /status`` each interval, when it changed (beyond ``last_data_at``)
``quotes``     the touch of every instrument held, each interval, and of every instrument
               a socket asked for (:meth:`BridgeActor.want_quotes`), as it ticks; an
               index (NIFTY.NSE) has trades, not quotes: each trade is sent as a quote
               with ``bid`` = ``ask`` = its price
=============  ==========================================================================

(The app publishes its audit records on ``logs``.)

Until the wiring layer calls :meth:`BridgeActor.attach` (with the hub's ``publish`` and the
snapshot source) nothing is published. :attr:`BridgeActor.latest` keeps the latest state of
each topic, which the hub serves as a snapshot to clients that cannot resume.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

import msgspec
from nautilus_trader.common.actor import Actor
from nautilus_trader.common.config import ActorConfig
from nautilus_trader.core.data import Data
from nautilus_trader.model.data import DataType, QuoteTick, TradeTick
from nautilus_trader.model.events import OrderEvent, OrderFilled, PositionEvent
from nautilus_trader.model.identifiers import InstrumentId
from nautilus_trader.model.instruments import IndexInstrument

from nautilus_options.bridge.views.money import capital_out
from nautilus_options.bridge.views.times import utc
from nautilus_options.bridge.views.trading import order_out, position_out
from nautilus_options.capital import CapitalUpdated
from nautilus_options.compat.topics import (
    custom_data_topic,
    order_events_topic,
    position_events_topic,
)

__all__ = ["BridgeActor", "BridgeActorConfig", "Publish", "Snapshots"]

#: ``publish(topic, payload)``: the hub's publish (any thread).
Publish = Callable[[str, dict[str, Any]], None]
#: ``snapshots() -> {topic: state}``: the REST-shaped state of the polled topics.
Snapshots = Callable[[], dict[str, dict[str, Any]]]
_TIMER = "BridgeActor.snapshot"
_POLLED = ("spreads", "status")
#: Fields that change on every tick and alone do not make a snapshot worth publishing.
_VOLATILE = frozenset({"last_data_at"})


class BridgeActorConfig(ActorConfig, kw_only=True, frozen=True):
    """Configuration of :class:`BridgeActor`.

    Parameters
    ----------
    snapshot_interval_secs : float, default 1.0
        Interval of the spreads, status and quotes snapshots.
    """

    snapshot_interval_secs: Annotated[float, msgspec.Meta(gt=0)] = 1.0


class BridgeActor(Actor):
    """Publish the node's events to the stream (see the module docstring)."""

    def __init__(self, config: BridgeActorConfig | None = None) -> None:
        config = config or BridgeActorConfig()
        super().__init__(config)
        self._interval_ns = round(config.snapshot_interval_secs * 1e9)
        self._publish: Publish | None = None
        self._snapshots: Snapshots | None = None
        self._known: Callable[[frozenset[str]], None] | None = None
        self.latest: dict[str, dict[str, Any]] = {}
        # Instrument id -> (id, whether an index: followed by its trades).
        self._wanted: dict[str, tuple[InstrumentId, bool]] = {}

    def attach(
        self,
        publish: Publish,
        snapshots: Snapshots,
        known: Callable[[frozenset[str]], None] | None = None,
    ) -> None:
        """Start publishing through ``publish``; poll ``snapshots`` each interval and tell
        ``known`` the ids of the instruments the node knows."""
        self._snapshots = snapshots
        self._publish = publish
        self._known = known
        self.poll()

    def snapshot(self, topics: set[str]) -> dict[str, Any]:
        """The latest state of ``topics`` (the hub's snapshot provider; any thread)."""
        state = dict(self.latest)
        return {topic: state[topic] for topic in topics if topic in state}

    def want_quotes(self, instrument_ids: frozenset[str]) -> None:
        """Publish the quotes of ``instrument_ids`` as they tick (run on the node's loop).

        Subscribes the node's data client to the instruments newly asked for that the node
        knows (others are logged and skipped), and unsubscribes the ones no longer asked for
        (the data engine keeps a feed another component still follows).
        """
        for value in set(self._wanted) - instrument_ids:
            instrument_id, index = self._wanted.pop(value)
            if index:
                self.unsubscribe_trade_ticks(instrument_id)
            else:
                self.unsubscribe_quote_ticks(instrument_id)
        for value in sorted(instrument_ids - set(self._wanted)):
            try:
                instrument = self.cache.instrument(InstrumentId.from_str(value))
            except ValueError:
                instrument = None
            if instrument is None:
                self.log.warning(f"quotes asked for an unknown instrument {value[:60]!r}: skipped")
                continue
            index = isinstance(instrument, IndexInstrument)
            self._wanted[value] = (instrument.id, index)
            if index:
                self.subscribe_trade_ticks(instrument.id)
                trade = self.cache.trade_tick(instrument.id)
                if trade is not None:
                    self._send("quotes", _trade_quote(trade))
            else:
                self.subscribe_quote_ticks(instrument.id)
                quote = self.cache.quote_tick(instrument.id)
                if quote is not None:
                    self._send("quotes", _quote(quote))

    def known_instruments(self) -> frozenset[str]:
        """The ids of the instruments the node knows (quotes can be asked of these; run on
        the node's loop)."""
        return frozenset(instrument_id.value for instrument_id in self.cache.instrument_ids())

    def on_quote_tick(self, tick: QuoteTick) -> None:
        """Publish a quote of an instrument a socket asked for."""
        if tick.instrument_id.value in self._wanted:
            self._send("quotes", _quote(tick))

    def on_trade_tick(self, tick: TradeTick) -> None:
        """Publish a trade of an index a socket asked for, as a quote (bid = ask = price)."""
        if tick.instrument_id.value in self._wanted:
            self._send("quotes", _trade_quote(tick))

    def on_start(self) -> None:
        """Follow order, position and capital events; start the snapshot timer."""
        self.msgbus.subscribe(order_events_topic(), self._on_order_event)
        self.msgbus.subscribe(position_events_topic(), self._on_position_event)
        self.msgbus.subscribe(custom_data_topic(DataType(CapitalUpdated)), self._on_capital)
        self.clock.set_timer_ns(_TIMER, self._interval_ns, 0, 0, lambda event: self.poll())

    def on_stop(self) -> None:
        """Stop following events and the timer."""
        self.msgbus.unsubscribe(order_events_topic(), self._on_order_event)
        self.msgbus.unsubscribe(position_events_topic(), self._on_position_event)
        self.msgbus.unsubscribe(custom_data_topic(DataType(CapitalUpdated)), self._on_capital)
        if _TIMER in self.clock.timer_names:
            self.clock.cancel_timer(_TIMER)

    def _send(self, topic: str, payload: dict[str, Any]) -> None:
        if self._publish is not None:
            self._publish(topic, payload)

    def _on_order_event(self, event: OrderEvent) -> None:
        order = self.cache.order(event.client_order_id)
        if order is not None:
            payload = order_out(order).model_dump(mode="json")
            self._send("orders", {**payload, "event": type(event).__name__})
        if isinstance(event, OrderFilled):
            self._send(
                "fills",
                {
                    "client_order_id": event.client_order_id.value,
                    "strategy_id": event.strategy_id.value,
                    "instrument_id": event.instrument_id.value,
                    "side": "BUY" if event.is_buy else "SELL",
                    "quantity": event.last_qty.as_double(),
                    "price": event.last_px.as_double(),
                    "trade_id": event.trade_id.value,
                    "commission": event.commission.as_double(),
                    "ts": utc(event.ts_event).isoformat(),
                },
            )

    def _on_position_event(self, event: PositionEvent) -> None:
        position = self.cache.position(event.position_id)
        if position is not None:
            payload = position_out(self.cache, position).model_dump(mode="json")
            self._send("positions", {**payload, "event": type(event).__name__})

    def _on_capital(self, update: Data) -> None:
        if isinstance(update, CapitalUpdated):
            payload = capital_out(update).model_dump(mode="json")
            self.latest["capital"] = payload
            self._send("capital", payload)

    def poll(self) -> None:
        """Publish the polled topics that changed (each interval; once more after the node
        stopped, so the stream says so), and tell the instruments the node knows."""
        if self._snapshots is None:
            return
        if self._known is not None:
            self._known(self.known_instruments())
        for topic, payload in self._snapshots().items():
            changed = _steady(self.latest.get(topic)) != _steady(payload)
            self.latest[topic] = payload
            if changed and topic in _POLLED:
                self._send(topic, payload)
        for position in self.cache.positions_open():
            quote = self.cache.quote_tick(position.instrument_id)
            if quote is not None:
                self._send("quotes", _quote(quote))


def _quote(quote: QuoteTick) -> dict[str, Any]:
    """The stream's ``quotes`` payload of ``quote``."""
    return {
        "instrument_id": quote.instrument_id.value,
        "bid": quote.bid_price.as_double(),
        "ask": quote.ask_price.as_double(),
        "ts": utc(quote.ts_event).isoformat(),
    }


def _trade_quote(trade: TradeTick) -> dict[str, Any]:
    """The stream's ``quotes`` payload of an index's ``trade``: bid = ask = its price."""
    price = trade.price.as_double()
    return {
        "instrument_id": trade.instrument_id.value,
        "bid": price,
        "ask": price,
        "ts": utc(trade.ts_event).isoformat(),
    }


def _steady(payload: dict[str, Any] | None) -> dict[str, Any] | None:
    """``payload`` without its volatile fields."""
    if payload is None:
        return None
    return {key: value for key, value in payload.items() if key not in _VOLATILE}
