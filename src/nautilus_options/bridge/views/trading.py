"""Spreads (with marks, P&L and Greeks), orders and positions."""

from __future__ import annotations

import math

from nautilus_trader.cache.base import CacheFacade
from nautilus_trader.live.node import TradingNode
from nautilus_trader.model.enums import (
    PriceType,
    order_side_to_str,
    order_status_to_str,
    order_type_to_str,
    position_side_to_str,
)
from nautilus_trader.model.identifiers import InstrumentId, Symbol, Venue
from nautilus_trader.model.orders import Order
from nautilus_trader.model.position import Position

from nautilus_options.bridge.manual.shape import shape_name
from nautilus_options.bridge.manual.strategy import ManualSpreadStrategy
from nautilus_options.bridge.schemas.trading import (
    GreeksOut,
    LegOut,
    OrderOut,
    PositionOut,
    SpreadOut,
)
from nautilus_options.bridge.views.times import utc, utc_or_none
from nautilus_options.domain.pricing import black76_greeks, implied_vol, year_fraction
from nautilus_options.domain.quotes import mid_price
from nautilus_options.domain.spreads import LegSpec
from nautilus_options.portfolio import LegView, SettlementRules, SpreadTracker, SpreadView
from nautilus_options.strategy import OptionsSpreadStrategy

#: Venue of the index instruments (``NIFTY.NSE``), the spot of the Greeks.
INDEX_VENUE = "NSE"
#: Rate of the Greeks when no spread strategy names one.
DEFAULT_RATE = 0.065


def tracker(node: TradingNode) -> SpreadTracker:
    """A spread tracker over the node's cache with its strategy's settlement rules."""
    strategy = spread_strategy(node)
    if strategy is None:
        return SpreadTracker(node.cache)
    return SpreadTracker(
        node.cache, SettlementRules.from_paths(strategy.cfg.settlement_recognizers)
    )


def spread_strategy(node: TradingNode) -> OptionsSpreadStrategy | None:
    """The node's first spread strategy (its settings price the Greeks)."""
    found = (s for s in node.trader.strategies() if isinstance(s, OptionsSpreadStrategy))
    return next(found, None)


def spreads(node: TradingNode, open_only: bool) -> list[SpreadOut]:
    """Every spread in the cache, oldest first."""
    spread_tracker = tracker(node)
    now = node.kernel.clock.timestamp_ns()
    return [
        spread_out(node, spread_tracker, view, now)
        for view in spread_tracker.spreads(open_only=open_only)
    ]


def spread(node: TradingNode, spread_id: str) -> SpreadOut | None:
    """One spread, or None."""
    spread_tracker = tracker(node)
    view = spread_tracker.spread(spread_id)
    if view is None:
        return None
    return spread_out(node, spread_tracker, view, node.kernel.clock.timestamp_ns())


def spread_out(
    node: TradingNode, spread_tracker: SpreadTracker, view: SpreadView, now_ns: int
) -> SpreadOut:
    """A spread with its legs marked at their mids and Greeks from Black-76."""
    strategy = spread_strategy(node)
    rate = strategy.cfg.risk_free_rate if strategy is not None else DEFAULT_RATE
    spot = index_price(node.cache, view.underlying)
    t = year_fraction(now_ns, view.expiry_ns) if view.expiry_ns else 0.0
    forward = spot * math.exp(rate * t) if spot is not None else None
    legs = []
    total = [0.0, 0.0, 0.0, 0.0]
    greeks_known = view.is_open
    for leg in view.legs:
        mark = spread_tracker.leg_mark(leg)
        iv = None
        if leg.is_open and mark is not None and forward is not None and t > 0:
            vol = implied_vol(mark, forward, leg.strike, t, rate, leg.right == "CE")
            if math.isfinite(vol) and vol > 0:
                iv = vol
                greeks = black76_greeks(forward, leg.strike, t, vol, rate, leg.right == "CE")
                for i, value in enumerate((greeks.delta, greeks.gamma, greeks.theta, greeks.vega)):
                    total[i] += value * leg.open_quantity
        if leg.is_open and iv is None:
            greeks_known = False
        legs.append(_leg_out(leg, mark, iv))
    return SpreadOut(
        spread_id=view.spread_id,
        strategy_id=view.strategy_id.value,
        spread_type=_shape(node, view),
        underlying=view.underlying,
        expiry=utc_or_none(view.expiry_ns),
        lots=view.lots,
        lot_size=view.lot_size,
        net_premium=view.net_premium,
        opened_at=utc(view.opened_ns),
        closed_at=utc_or_none(view.closed_ns),
        is_open=view.is_open,
        realized_pnl=view.realized_pnl,
        unrealized_pnl=spread_tracker.unrealized_pnl(view),
        commissions=view.commissions,
        max_loss=view.max_loss,
        max_profit=view.max_profit,
        breakevens=list(view.breakevens),
        greeks=GreeksOut(delta=total[0], gamma=total[1], theta=total[2], vega=total[3])
        if greeks_known
        else None,
        legs=legs,
    )


def _shape(node: TradingNode, view: SpreadView) -> str:
    """The spread's shape: its tag, or for the manual strategy's spreads, its legs' shape."""
    strategy = next((s for s in node.trader.strategies() if s.id == view.strategy_id), None)
    if not isinstance(strategy, ManualSpreadStrategy):
        return view.spread_type
    return shape_name([LegSpec(leg.strike, leg.right, leg.ratio) for leg in view.legs])


def _leg_out(leg: LegView, mark: float | None, iv: float | None) -> LegOut:
    unrealized = None
    if not leg.is_open:
        unrealized = 0.0
    elif mark is not None:
        unrealized = leg.open_quantity * (mark - leg.avg_px_open)
    return LegOut(
        index=leg.index,
        instrument_id=leg.instrument_id.value,
        position_id=leg.position_id.value,
        strike=leg.strike,
        right=leg.right,
        side="BUY" if leg.ratio > 0 else "SELL",
        quantity=leg.quantity,
        open_quantity=leg.open_quantity,
        avg_px_open=leg.avg_px_open,
        avg_px_close=leg.avg_px_close,
        mark=mark,
        iv=iv,
        realized_pnl=leg.realized_pnl,
        unrealized_pnl=unrealized,
        is_open=leg.is_open,
    )


def index_price(cache: CacheFacade, underlying: str) -> float | None:
    """The index's last price (``NIFTY.NSE``), or None."""
    if not underlying:
        return None
    price = cache.price(InstrumentId(Symbol(underlying), Venue(INDEX_VENUE)), PriceType.LAST)
    return price.as_double() if price is not None else None


def touch(cache: CacheFacade, instrument_id: InstrumentId) -> tuple[float, float]:
    """The latest ``(bid, ask)`` of an instrument in ``cache``; ``(0, 0)`` without a quote."""
    quote = cache.quote_tick(instrument_id)
    if quote is None:
        return (0.0, 0.0)
    return (quote.bid_price.as_double(), quote.ask_price.as_double())


def order_out(order: Order) -> OrderOut:
    """An order's fields."""
    return OrderOut(
        client_order_id=order.client_order_id.value,
        venue_order_id=order.venue_order_id.value if order.venue_order_id else None,
        strategy_id=order.strategy_id.value,
        instrument_id=order.instrument_id.value,
        side=order_side_to_str(order.side),
        type=order_type_to_str(order.order_type),
        status=order_status_to_str(order.status),
        quantity=order.quantity.as_double(),
        filled_qty=order.filled_qty.as_double(),
        price=order.price.as_double() if order.has_price else None,
        avg_px=order.avg_px or None,
        tags=list(order.tags or []),
        is_open=order.is_open,
        ts_init=utc(order.ts_init),
        ts_last=utc(order.ts_last),
    )


def position_out(cache: CacheFacade, position: Position) -> PositionOut:
    """A position's fields, marked at the cached mid when open."""
    unrealized = 0.0 if position.is_closed else None
    quote = cache.quote_tick(position.instrument_id)
    if position.is_open and quote is not None:
        mid = mid_price(quote.bid_price.as_double(), quote.ask_price.as_double())
        instrument = cache.instrument(position.instrument_id)
        if mid is not None and instrument is not None:
            unrealized = position.unrealized_pnl(instrument.make_price(mid)).as_double()
    return PositionOut(
        position_id=position.id.value,
        strategy_id=position.strategy_id.value,
        instrument_id=position.instrument_id.value,
        side=position_side_to_str(position.side),
        quantity=position.signed_qty,
        avg_px_open=position.avg_px_open,
        realized_pnl=position.realized_pnl.as_double() if position.realized_pnl else 0.0,
        unrealized_pnl=unrealized,
        is_open=position.is_open,
        opened_at=utc(position.ts_opened),
        closed_at=utc_or_none(position.ts_closed),
    )
