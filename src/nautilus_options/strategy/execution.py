"""Order placement for the legs of the strategy's spreads.

:class:`LegExecution` turns what the legging asks for into orders, and keeps them working:

* **One order in flight per leg** (:mod:`nautilus_options.strategy.orders`): a leg with an
  order in flight gets no other order; re-pricing modifies it in place.
* **Freeze quantity.** NSE refuses an order above the contract's freeze quantity
  (:func:`~nautilus_options.domain.nse.contract_spec`), so a larger quantity goes out as
  slices (:func:`~nautilus_options.strategy.legging.slice_quantity`), the next one once the
  previous one is filled.
* **Prices.** A limit order starts at the mid and steps towards the far touch on a timer every
  ``reprice_interval_secs`` (:func:`~nautilus_options.strategy.legging.limit_price`); urgent
  orders (stop-loss exits, unwinds) start marketable. A leg without a two-sided quote gets a
  market order with Kite's ``market_protection``.
* **Cancels** always carry their reason (:attr:`LegOrder.cancel_reason`).

An opening leg still unfilled ``leg_timeout_secs`` after its phase started is handed back to
the strategy (``on_leg_timeout``), which unwinds the spread.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from nautilus_trader.model.enums import OrderSide
from nautilus_trader.model.identifiers import StrategyId
from nautilus_trader.model.instruments import OptionContract
from nautilus_trader.model.objects import Quantity
from nautilus_trader.model.orders import Order
from nautilus_trader.trading.strategy import Strategy

from nautilus_options.domain.nse import freeze_quantity
from nautilus_options.domain.time import NS_PER_SECOND, ist_date
from nautilus_options.portfolio import leg_position_id, leg_tags, tag_value
from nautilus_options.strategy.book import ActiveSpread, SpreadBook
from nautilus_options.strategy.chain import ChainReader
from nautilus_options.strategy.config import OptionsSpreadStrategyConfig
from nautilus_options.strategy.legging import (
    Side,
    leaves_short_uncovered,
    limit_price,
    slice_quantity,
)
from nautilus_options.strategy.orders import LegOrder

EXTERNAL = StrategyId("EXTERNAL")
REPRICE_TIMER = "spread-reprice"
"""Name of the clock timer that re-prices working orders."""


class LegExecution:
    """Submit, re-price and cancel the orders of a strategy's spread legs.

    Parameters
    ----------
    strategy : Strategy
        The strategy whose order factory, cache, clock and order commands are used.
    config : OptionsSpreadStrategyConfig
        Re-pricing, protection, timeout and spread settings.
    chain : ChainReader
        The touch of each leg.
    book : SpreadBook
        The spreads whose orders are re-priced on the timer.
    on_leg_timeout : Callable[[ActiveSpread], None]
        Called for a spread still opening ``leg_timeout_secs`` after its phase started.
    """

    def __init__(
        self,
        strategy: Strategy,
        config: OptionsSpreadStrategyConfig,
        chain: ChainReader,
        book: SpreadBook,
        on_leg_timeout: Callable[[ActiveSpread], None],
    ) -> None:
        self._strategy = strategy
        self._cfg = config
        self._chain = chain
        self._book = book
        self._on_leg_timeout = on_leg_timeout

    def work_phase(self, spread: ActiveSpread) -> None:
        """Submit the next order of each leg of the phase that has none in flight.

        Above the freeze quantity, the next slice goes out once the previous one is filled.
        """
        sequencer = spread.sequencer
        closing = sequencer.phase.is_closing
        for leg in sequencer.legs_of_phase():
            if spread.orders.busy(leg):
                continue
            needed = sequencer.held(leg) if closing else sequencer.units - sequencer.held(leg)
            if needed <= 0:
                continue
            instrument = spread.instruments[leg]
            if (
                closing
                and sequencer.side(leg, closing) == "SELL"
                and self._hedge_needed(instrument, needed)
            ):
                self._strategy.log.warning(
                    f"{spread.spread_id}: leg {leg} kept: selling it would leave a short "
                    f"{instrument.option_kind.name} position without its hedge"
                )
                continue
            order_day = ist_date(self._strategy.clock.timestamp_ns())
            freeze_qty = freeze_quantity(self._cfg.underlying, order_day)
            lot_size = int(instrument.lot_size.as_double())
            self._submit(spread, leg, slice_quantity(needed, lot_size, freeze_qty)[0], closing)

    def cancel(self, spread: ActiveSpread, working: LegOrder, reason: str) -> None:
        """Ask the venue to cancel an order in flight, recording why."""
        working.cancel_reason = reason
        order = self._strategy.cache.order(working.client_order_id)
        if order is not None and not order.is_closed and not order.is_pending_cancel:
            self._strategy.log.info(
                f"{spread.spread_id}: leg {working.leg} cancel {working.client_order_id} ({reason})"
            )
            self._strategy.cancel_order(order)

    def cancel_left_over(self, spread: ActiveSpread) -> None:
        """Cancel the orders an adopted spread had in flight; track them until final.

        An order of a leg that already has one tracked, or of a leg the spread does not
        know, is cancelled untracked.
        """
        strategy = self._strategy
        left_over = [
            *strategy.cache.orders_open(strategy_id=strategy.id),
            *strategy.cache.orders_inflight(strategy_id=strategy.id),
        ]
        for order in left_over:
            if tag_value(order.tags, "spread") != spread.spread_id:
                continue
            leg_id = int(tag_value(order.tags, "leg") or -1)
            leg = spread.leg_ids.index(leg_id) if leg_id in spread.leg_ids else None
            if leg is None or spread.orders.busy(leg):
                strategy.log.warning(f"{spread.spread_id}: cancel {order.client_order_id} (unwind)")
                strategy.cancel_order(order)
                continue
            working = LegOrder(
                order.client_order_id,
                leg,
                closing=tag_value(order.tags, "intent") == "close",
                quantity=int(order.quantity.as_double()),
                filled=int(order.filled_qty.as_double()),
            )
            spread.orders.add(working)
            self.cancel(spread, working, "unwind")

    def _hedge_needed(self, instrument: OptionContract, units: int) -> bool:
        """Whether selling ``units`` of a long in ``instrument`` would uncover a short.

        Counts the open positions in the same right and underlying that are this
        strategy's or external (unknown to every strategy); other strategies' own
        positions are theirs to hedge.
        """
        cache = self._strategy.cache
        owners = (self._strategy.id, EXTERNAL)
        held = []
        for position in cache.positions_open():
            other = cache.instrument(position.instrument_id)
            if (
                position.strategy_id in owners
                and isinstance(other, OptionContract)
                and other.option_kind == instrument.option_kind
                and other.underlying == instrument.underlying
            ):
                held.append(int(position.signed_qty))
        return leaves_short_uncovered(held, units)

    def stop(self) -> None:
        """Stop the re-pricing timer."""
        if REPRICE_TIMER in self._strategy.clock.timer_names:
            self._strategy.clock.cancel_timer(REPRICE_TIMER)

    def _submit(self, spread: ActiveSpread, leg: int, qty: int, closing: bool) -> None:
        strategy, cfg = self._strategy, self._cfg
        instrument = spread.instruments[leg]
        side: Side = spread.sequencer.side(leg, closing)
        step = cfg.reprice_steps + 1 if spread.urgent else 0
        tags = [
            *leg_tags(
                spread.spread_id,
                spread.leg_ids[leg],
                closing=closing,
                spread_type=spread.spread_type or cfg.spread_type,
            ),
            f"protection={cfg.market_protection_pct:g}%",
        ]
        if spread.exit_reason:
            tags.append(f"reason={spread.exit_reason}")
        touch = self._chain.touch(instrument.id)
        order_side = OrderSide.BUY if side == "BUY" else OrderSide.SELL
        order: Order
        if touch is None:
            order = strategy.order_factory.market(
                instrument.id, order_side, Quantity(qty, 0), reduce_only=closing, tags=tags
            )
        else:
            order = strategy.order_factory.limit(
                instrument.id,
                order_side,
                Quantity(qty, 0),
                instrument.make_price(self._price(instrument, side, touch, step)),
                reduce_only=closing,
                tags=tags,
            )
        spread.orders.add(LegOrder(order.client_order_id, leg, closing, qty, step=step))
        params = {"market_protection": cfg.market_protection_pct} if touch is None else None
        strategy.submit_order(
            order, position_id=leg_position_id(spread.spread_id, spread.leg_ids[leg]), params=params
        )
        if REPRICE_TIMER not in strategy.clock.timer_names:
            strategy.clock.set_timer(
                REPRICE_TIMER,
                timedelta(seconds=cfg.reprice_interval_secs),
                callback=self._reprice,
            )

    def _price(
        self, instrument: OptionContract, side: Side, touch: tuple[float, float], step: int
    ) -> float:
        return limit_price(
            side,
            touch[0],
            touch[1],
            step,
            self._cfg.reprice_steps,
            self._cfg.market_protection_pct,
            instrument.price_increment.as_double(),
        )

    def _reprice(self, event: object) -> None:
        """Step every working order; hand over spreads whose opening timed out."""
        now = self._strategy.clock.timestamp_ns()
        timeout_ns = int(self._cfg.leg_timeout_secs * NS_PER_SECOND)
        for spread in self._book:
            if spread.sequencer.phase.is_opening and now - spread.phase_started_ns >= timeout_ns:
                self._strategy.log.warning(f"{spread.spread_id}: legs not filled in time")
                self._on_leg_timeout(spread)
                continue
            for working in spread.orders:
                self._step_order(spread, working)
        if not any(spread.orders or spread.sequencer.phase.is_opening for spread in self._book):
            self.stop()

    def _step_order(self, spread: ActiveSpread, working: LegOrder) -> None:
        """Re-price a working limit order in place (or repeat a cancel the venue refused)."""
        order = self._strategy.cache.order(working.client_order_id)
        if order is None or not order.is_open or order.is_pending_update:
            return
        if working.cancel_reason:
            if not order.is_pending_cancel:
                self._strategy.cancel_order(order)
            return
        instrument = spread.instruments[working.leg]
        touch = self._chain.touch(instrument.id)
        if touch is None or not order.has_price or order.is_pending_cancel:
            return
        working.step += 1
        side: Side = "BUY" if order.side == OrderSide.BUY else "SELL"
        price = instrument.make_price(self._price(instrument, side, touch, working.step))
        if price.as_double() != order.price.as_double():
            self._strategy.modify_order(order, price=price)
