"""Spreads reconstructed from leg positions in the cache.

Legs are named by the scheme of :mod:`nautilus_options.portfolio.ids` (position id
``{spread_id}-L{i}``, order tags ``spread=``, ``leg=``, ``intent=``, ``type=``).
:class:`SpreadTracker` groups those positions back into :class:`SpreadView` snapshots; it keeps
no state of its own, so any component with cache access (the strategy, a monitor, a report,
the bridge) sees the same spreads. Expiry settlement fills are recognised by the venue's
rules (:class:`~nautilus_options.portfolio.settlement.SettlementRules`) and their charges
booked on the leg.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from nautilus_trader.cache.base import CacheFacade
from nautilus_trader.model.enums import OptionKind, OrderSide
from nautilus_trader.model.events import OrderFilled
from nautilus_trader.model.identifiers import InstrumentId, PositionId, StrategyId
from nautilus_trader.model.instruments import OptionContract
from nautilus_trader.model.position import Position

from nautilus_options.domain.quotes import mid_price
from nautilus_options.domain.spreads import LegSpec, SpreadGeometry
from nautilus_options.portfolio.ids import parse_leg_position_id, tag_value
from nautilus_options.portfolio.settlement import SettlementRules

MarkSide = Literal["mid", "conservative"]


@dataclass(frozen=True)
class LegView:
    """One leg of a spread, as held in its position.

    Attributes
    ----------
    index : int
        Leg index ``i`` in the position id ``{spread_id}-L{i}``.
    instrument_id : InstrumentId
        The option contract.
    position_id : PositionId
        The leg's position.
    strike : float
        Strike price in index points.
    right : {"CE", "PE"}
        Call or put.
    ratio : int
        +1 for a long (bought) leg, -1 for a short (sold) leg, per lot.
    quantity : float
        Signed units opened (positive long, negative short), whether or not still open.
    open_quantity : float
        Signed units still open (0 once closed).
    avg_px_open, avg_px_close : float
        Average entry and exit price per unit (``avg_px_close`` is 0 while nothing closed).
    realized_pnl : float
        Realized P&L of the leg in INR, net of commissions (as Nautilus books it).
    commissions : float
        Commissions charged on the leg's fills, INR.
    settlement_charge : float
        Exercise STT on the leg's expiry settlement fill, INR (0 if none).
    is_open : bool
        Whether the position is still open.
    """

    index: int
    instrument_id: InstrumentId
    position_id: PositionId
    strike: float
    right: Literal["CE", "PE"]
    ratio: int
    quantity: float
    open_quantity: float
    avg_px_open: float
    avg_px_close: float
    realized_pnl: float
    commissions: float
    settlement_charge: float
    is_open: bool


@dataclass(frozen=True)
class SpreadView:
    """A spread reconstructed from its leg positions.

    Money amounts are INR for the whole spread; ``net_premium`` is per unit. Signs:
    ``net_premium > 0`` is a credit received, ``< 0`` a debit paid.

    Attributes
    ----------
    spread_id : str
        ``{strategy_id}-S{n:04d}``.
    strategy_id : StrategyId
        The strategy holding the legs.
    spread_type : str
        The configured spread type (``iron_condor`` ...) from the order tags.
    underlying : str
        The option underlying, e.g. ``NIFTY``.
    expiry_ns : int
        Expiry of the legs (UNIX ns).
    legs : tuple[LegView, ...]
        Legs ordered by index.
    lots : int
        Lots opened (units of the smallest leg divided by the lot size).
    lot_size : int
        Units per lot.
    net_premium : float
        Net entry premium per unit (credit > 0).
    opened_ns : int
        When the first leg opened.
    closed_ns : int | None
        When the last leg closed; None while any leg is open.
    realized_pnl : float
        Realized P&L net of commissions and expiry settlement charges.
    commissions : float
        Commissions on all leg fills.
    settlement_charges : float
        Exercise STT on expiry settlement (included in ``realized_pnl``).
    max_loss, max_profit : float
        Maximum loss (positive number) and profit at expiry for the quantity opened, from the
        entry premium.
    breakevens : tuple[float, ...]
        Index levels at which the spread breaks even at expiry.
    is_open : bool
        Whether any leg is still open.
    """

    spread_id: str
    strategy_id: StrategyId
    spread_type: str
    underlying: str
    expiry_ns: int
    legs: tuple[LegView, ...]
    lots: int
    lot_size: int
    net_premium: float
    opened_ns: int
    closed_ns: int | None
    realized_pnl: float
    commissions: float
    settlement_charges: float
    max_loss: float
    max_profit: float
    breakevens: tuple[float, ...]
    is_open: bool

    @property
    def units(self) -> float:
        """Units per leg opened (``lots * lot_size`` for a fully filled spread)."""
        return min(abs(leg.quantity) for leg in self.legs)

    def unrealized_pnl(self, mark: Callable[[LegView], float | None]) -> float | None:
        """Return the open P&L in INR with each open leg marked by ``mark``.

        Parameters
        ----------
        mark : Callable[[LegView], float | None]
            Price per unit for a leg; None when it cannot be marked.

        Returns
        -------
        float | None
            Sum over open legs of ``open_quantity * (mark - avg_px_open)``; 0.0 when flat and
            None when an open leg has no mark.
        """
        total = 0.0
        for leg in self.legs:
            if not leg.is_open:
                continue
            price = mark(leg)
            if price is None:
                return None
            total += leg.open_quantity * (price - leg.avg_px_open)
        return total


class SpreadTracker:
    """Read-only view of the spreads held in a cache.

    Parameters
    ----------
    cache : CacheFacade
        The cache of the node (a strategy's or actor's ``self.cache``).
    settlement : SettlementRules, optional
        How the venues' expiry settlement fills are recognised (default: the backtest venue's).
    """

    def __init__(self, cache: CacheFacade, settlement: SettlementRules | None = None) -> None:
        self._cache = cache
        self._settlement = settlement or SettlementRules.from_paths()

    def spreads(
        self,
        strategy_id: StrategyId | None = None,
        open_only: bool = False,
    ) -> list[SpreadView]:
        """Return the spreads (optionally of one strategy, optionally only open ones).

        Spreads are ordered by opening time, then id.
        """
        groups: dict[str, list[tuple[int, Position]]] = defaultdict(list)
        for position in self._cache.positions(strategy_id=strategy_id):
            parsed = parse_leg_position_id(position.id)
            if parsed is not None:
                groups[parsed[0]].append((parsed[1], position))
        views = [self._view(spread_id, legs) for spread_id, legs in groups.items()]
        if open_only:
            views = [view for view in views if view.is_open]
        return sorted(views, key=lambda view: (view.opened_ns, view.spread_id))

    def spread(self, spread_id: str) -> SpreadView | None:
        """Return one spread by id, or None if none of its legs has a position."""
        legs: list[tuple[int, Position]] = []
        for position_id in self._cache.position_ids():
            parsed = parse_leg_position_id(position_id)
            if parsed is not None and parsed[0] == spread_id:
                position = self._cache.position(position_id)
                if position is not None:
                    legs.append((parsed[1], position))
        return self._view(spread_id, legs) if legs else None

    def leg_mark(self, leg: LegView, side: MarkSide = "mid") -> float | None:
        """Mark a leg from its latest cached quote.

        ``mid`` uses the mid price; ``conservative`` the price the leg closes at (bid for a
        long leg, ask for a short leg). None when no two-sided quote is cached.
        """
        quote = self._cache.quote_tick(leg.instrument_id)
        if quote is None:
            return None
        bid, ask = quote.bid_price.as_double(), quote.ask_price.as_double()
        mid = mid_price(bid, ask)
        if mid is None or side == "mid":
            return mid
        return bid if leg.ratio > 0 else ask

    def unrealized_pnl(self, view: SpreadView, side: MarkSide = "mid") -> float | None:
        """Open P&L of ``view`` marked from the cached quotes (see :meth:`leg_mark`)."""
        return view.unrealized_pnl(lambda leg: self.leg_mark(leg, side))

    def _view(self, spread_id: str, positions: list[tuple[int, Position]]) -> SpreadView:
        positions.sort(key=lambda item: item[0])
        legs = tuple(self._leg(index, position) for index, position in positions)
        first = positions[0][1]
        instrument = self._option(first.instrument_id)
        lot_size = int(instrument.lot_size.as_double()) if instrument is not None else 1
        units = min(abs(leg.quantity) for leg in legs)
        net_premium = -sum(leg.ratio * leg.avg_px_open for leg in legs)
        geometry = SpreadGeometry(
            legs=tuple(LegSpec(strike=leg.strike, right=leg.right, ratio=leg.ratio) for leg in legs)
        )
        opening = self._cache.order(first.opening_order_id)
        is_open = any(leg.is_open for leg in legs)
        settlement = sum(leg.settlement_charge for leg in legs)
        return SpreadView(
            spread_id=spread_id,
            strategy_id=first.strategy_id,
            spread_type=tag_value(opening.tags if opening else None, "type") or "unknown",
            underlying=instrument.underlying if instrument is not None else "",
            expiry_ns=instrument.expiration_ns if instrument is not None else 0,
            legs=legs,
            lots=int(units // lot_size),
            lot_size=lot_size,
            net_premium=net_premium,
            opened_ns=min(position.ts_opened for _, position in positions),
            closed_ns=None if is_open else max(p.ts_closed for _, p in positions),
            realized_pnl=sum(leg.realized_pnl for leg in legs) - settlement,
            commissions=sum(leg.commissions for leg in legs),
            settlement_charges=settlement,
            max_loss=geometry.max_loss(net_premium) * units,
            max_profit=geometry.max_profit(net_premium) * units,
            breakevens=tuple(geometry.breakevens(net_premium)),
            is_open=is_open,
        )

    def _leg(self, index: int, position: Position) -> LegView:
        instrument = self._option(position.instrument_id)
        sign = 1 if position.entry == OrderSide.BUY else -1
        settlement = 0.0
        if instrument is not None:
            for fill in position.events:
                if isinstance(fill, OrderFilled):
                    settlement += self._settlement.charge(instrument, fill)
        return LegView(
            index=index,
            instrument_id=position.instrument_id,
            position_id=position.id,
            strike=instrument.strike_price.as_double() if instrument is not None else 0.0,
            right=option_right(instrument),
            ratio=sign,
            quantity=sign * position.peak_qty.as_double(),
            open_quantity=position.signed_qty,
            avg_px_open=position.avg_px_open,
            avg_px_close=position.avg_px_close or 0.0,
            realized_pnl=position.realized_pnl.as_double() if position.realized_pnl else 0.0,
            commissions=sum(money.as_double() for money in position.commissions()),
            settlement_charge=settlement,
            is_open=position.is_open,
        )

    def _option(self, instrument_id: InstrumentId) -> OptionContract | None:
        instrument = self._cache.instrument(instrument_id)
        return instrument if isinstance(instrument, OptionContract) else None


def option_right(instrument: OptionContract | None) -> Literal["CE", "PE"]:
    """``"PE"`` for a put contract, ``"CE"`` otherwise."""
    if instrument is not None and instrument.option_kind == OptionKind.PUT:
        return "PE"
    return "CE"
