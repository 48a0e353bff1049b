"""The kill switch and the daily-loss guard of a paper or live node.

The :class:`KillSwitch` is a Nautilus strategy (usable by path,
``nautilus_options.environments.killswitch:KillSwitch``) that, once triggered:

1. calls its halt hooks (the environment stops every other strategy there, so nothing
   opens or re-prices while it works);
2. cancels every open order of the node, whichever strategy placed it;
3. closes every open position **hedge-last**: every short leg first, and the long legs
   (the hedges) only once no short is open, so a naked short is never held;
4. when nothing is open, calls its done hooks (the environment then halts the node).

It is triggered by :meth:`KillSwitch.trigger` (the environments call it on SIGUSR1), by a
file appearing at ``kill_file``, or by the **daily-loss guard**: today's realized P&L plus
the open positions marked at their mid (:func:`daily_pnl`) falling to ``-max_daily_loss``.
Closing orders are marketable (MARKET, sent with Kite's ``market_protection`` by the
adapter) against each position's own id, and re-sent if one ends unfilled.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Annotated

import msgspec
from nautilus_trader.common.events import TimeEvent
from nautilus_trader.config import StrategyConfig
from nautilus_trader.core.uuid import UUID4
from nautilus_trader.execution.messages import CancelOrder
from nautilus_trader.model.enums import OrderSide, PositionSide, TimeInForce
from nautilus_trader.model.events import OrderEvent, PositionEvent
from nautilus_trader.model.identifiers import ClientOrderId, PositionId
from nautilus_trader.model.objects import Price
from nautilus_trader.model.position import Position
from nautilus_trader.trading.strategy import Strategy

from nautilus_options.domain.time import ist_date

__all__ = ["KillSwitch", "KillSwitchConfig", "daily_pnl"]

_TIMER = "KillSwitch.check"
#: The execution engine's command endpoint (cancels of other strategies' orders go there).
_EXEC_ENDPOINT = "ExecEngine.execute"


class KillSwitchConfig(StrategyConfig, kw_only=True, frozen=True):
    """Configuration of :class:`KillSwitch`.

    Parameters
    ----------
    kill_file : str, optional
        Fire when this file exists (checked every ``check_interval_secs``).
    check_interval_secs : float, default 1.0
        Interval of the file and daily-loss checks, and of re-sending closing orders.
    max_daily_loss : float, optional
        Fire when today's P&L (IST day) is at or below minus this many INR.
    """

    kill_file: str | None = None
    check_interval_secs: Annotated[float, msgspec.Meta(gt=0)] = 1.0
    max_daily_loss: Annotated[float, msgspec.Meta(gt=0)] | None = None


def daily_pnl(
    positions: Iterable[Position], now_ns: int, marks: Callable[[Position], Price | None]
) -> float:
    """Today's P&L in the positions' currency: realized by positions last changed on the IST
    day of ``now_ns``, plus the open ones marked at ``marks(position)`` (skipped when None).

    Realized P&L is net of commissions (Nautilus deducts them).
    """
    day = ist_date(now_ns)
    total = 0.0
    for position in positions:
        if ist_date(position.ts_last) == day and position.realized_pnl is not None:
            total += position.realized_pnl.as_double()
        if position.is_open and (price := marks(position)) is not None:
            total += position.unrealized_pnl(price).as_double()
    return total


class KillSwitch(Strategy):
    """Cancel every order, flatten hedge-last and halt (see the module docstring).

    Parameters
    ----------
    config : KillSwitchConfig
        The configuration.
    """

    def __init__(self, config: KillSwitchConfig | None = None) -> None:
        config = config or KillSwitchConfig()
        super().__init__(config)
        self._kill_file = Path(config.kill_file).expanduser() if config.kill_file else None
        self._interval_ns = round(config.check_interval_secs * 1e9)
        self._max_loss = config.max_daily_loss
        self._closing: dict[PositionId, ClientOrderId] = {}
        self._cancelled: set[ClientOrderId] = set()
        self._working = False
        self.reason: str | None = None
        self.done = False
        self.halt_hooks: list[Callable[[str], None]] = []
        self.done_hooks: list[Callable[[str], None]] = []
        #: ``(position id, side)`` of each closing order, in the order they were sent.
        self.closing_log: list[tuple[str, PositionSide]] = []

    @property
    def triggered(self) -> bool:
        """Whether the switch has fired."""
        return self.reason is not None

    def on_start(self) -> None:
        """Start the checks."""
        self.clock.set_timer_ns(_TIMER, self._interval_ns, 0, 0, self._on_check)

    def on_stop(self) -> None:
        """Stop the checks."""
        if _TIMER in self.clock.timer_names:
            self.clock.cancel_timer(_TIMER)

    def trigger(self, reason: str) -> None:
        """Fire: halt, cancel every order, flatten hedge-last (no-op once fired)."""
        if self.reason is not None:
            return
        self.reason = reason
        self.log.warning(f"kill switch: {reason}: cancelling every order, flattening")
        for hook in self.halt_hooks:
            hook(reason)
        self._cancel_all()
        self._work()

    # -- checks ------------------------------------------------------------------------------

    def _on_check(self, event: TimeEvent) -> None:
        if self.reason is not None:
            self._cancelled.clear()  # cancels not acknowledged within a check are re-sent
            self._work()
            return
        if self._kill_file is not None and self._kill_file.exists():
            self.trigger(f"kill file {self._kill_file}")
        elif self._max_loss is not None:
            pnl = daily_pnl(self.cache.positions(), event.ts_event, self._mark)
            if pnl <= -self._max_loss:
                self.trigger(f"daily loss {-pnl:,.0f} INR reached the limit {self._max_loss:,.0f}")

    def _mark(self, position: Position) -> Price | None:
        quote = self.cache.quote_tick(position.instrument_id)
        instrument = self.cache.instrument(position.instrument_id)
        if quote is None or instrument is None:
            return None
        return instrument.make_price(
            (quote.bid_price.as_double() + quote.ask_price.as_double()) / 2
        )

    # -- flattening --------------------------------------------------------------------------

    def on_order_event(self, event: OrderEvent) -> None:
        """Go on flattening as closing orders end."""
        if self.reason is not None and not self.done:
            self._work()

    def on_position_event(self, event: PositionEvent) -> None:
        """Go on flattening as positions change."""
        if self.reason is not None and not self.done:
            self._work()

    def cancel_orders(self) -> int:
        """Cancel every other strategy's working order (once each); return how many are left.

        Called again, it re-sends the cancels not acknowledged since the last call.
        """
        self._cancelled.clear()
        self._cancel_all()
        working = [*self.cache.orders_open(), *self.cache.orders_inflight()]
        return sum(1 for order in working if order.strategy_id != self.id)

    def _cancel_all(self) -> None:
        for order in self.cache.orders_open():
            if order.strategy_id == self.id or order.client_order_id in self._cancelled:
                continue
            self._cancelled.add(order.client_order_id)
            command = CancelOrder(
                trader_id=self.trader_id,
                strategy_id=order.strategy_id,
                instrument_id=order.instrument_id,
                client_order_id=order.client_order_id,
                venue_order_id=order.venue_order_id,
                command_id=UUID4(),
                ts_init=self.clock.timestamp_ns(),
            )
            self.msgbus.send(endpoint=_EXEC_ENDPOINT, msg=command)

    def _work(self) -> None:
        """Close the open shorts; once none is open, the open longs; then report done.

        Not re-entered: events raised while it submits or cancels are covered by the pass
        under way (and by the next check).
        """
        if self._working or self.done:
            return
        self._working = True
        try:
            self._work_once()
        finally:
            self._working = False

    def _work_once(self) -> None:
        open_positions = [p for p in self.cache.positions_open() if not p.is_closed]
        shorts = [p for p in open_positions if p.side == PositionSide.SHORT]
        batch = shorts or [p for p in open_positions if p.side == PositionSide.LONG]
        for position in batch:
            self._close(position)
        others_open = [o for o in self.cache.orders_open() if o.strategy_id != self.id]
        if others_open:
            self._cancel_all()
        elif not open_positions and not self.cache.orders_open(strategy_id=self.id):
            self.done = True
            self.log.warning(f"kill switch: flat ({self.reason}); halting")
            for hook in self.done_hooks:
                hook(self.reason or "")

    def _close(self, position: Position) -> None:
        pending = self._closing.get(position.id)
        if pending is not None:
            sent = self.cache.order(pending)
            if sent is not None and not sent.is_closed:
                return
        side = OrderSide.BUY if position.side == PositionSide.SHORT else OrderSide.SELL
        order = self.order_factory.market(
            instrument_id=position.instrument_id,
            order_side=side,
            quantity=position.quantity,
            time_in_force=TimeInForce.DAY,
            tags=["KILL"],
        )
        self._closing[position.id] = order.client_order_id
        self.closing_log.append((position.id.value, position.side))
        self.submit_order(order, position_id=position.id)
