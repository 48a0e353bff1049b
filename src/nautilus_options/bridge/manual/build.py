"""Build a manual spread from a template or from legs, and preview it (on the node's loop).

A template is placed on the chain exactly as the strategy places its own spreads (its
expiry rule, strike rule and wing width, any of them overridden by the request); legs are
named contracts. Either way the spread must be defined-risk with a hedge for every short
(as many long as short legs of each right), all legs on one expiry of the strategy's
underlying, each with a two-sided quote. The preview prices it at the mids: premium, max
loss and profit, breakevens (:mod:`nautilus_options.domain.spreads`), the margin by the
SPAN-plus-exposure approximation (:mod:`nautilus_options.domain.margins`) and the charges
of Zerodha's schedule (:mod:`nautilus_options.domain.charges`), each leg's orders sliced at
the freeze quantity as the strategy sends them (brokerage is per order).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date

import msgspec
from nautilus_trader.cache.base import CacheFacade
from nautilus_trader.model.identifiers import InstrumentId
from nautilus_trader.model.instruments import OptionContract

from nautilus_options.bridge.manual.shape import shape_name
from nautilus_options.bridge.manual.strategy import ManualSpreadStrategy
from nautilus_options.bridge.schemas.manual import (
    MarginEstimate,
    PreviewLeg,
    SpreadPreview,
    SpreadRequest,
    TemplateRequest,
)
from nautilus_options.bridge.views.times import utc
from nautilus_options.bridge.views.trading import index_price, touch
from nautilus_options.domain.charges import Side, order_charges
from nautilus_options.domain.margins import Leg, portfolio_margin
from nautilus_options.domain.nse import freeze_quantity, parse_tradingsymbol
from nautilus_options.domain.pricing import year_fraction
from nautilus_options.domain.quotes import mid_price
from nautilus_options.domain.spreads import LegSpec, SpreadGeometry
from nautilus_options.domain.time import ist_date
from nautilus_options.errors import ConfigError
from nautilus_options.portfolio import option_right
from nautilus_options.strategy.chain import ChainReader, SpreadPick
from nautilus_options.strategy.config import OptionsSpreadStrategyConfig
from nautilus_options.strategy.legging import slice_quantity
from nautilus_options.strategy.selection import (
    ExpiryChoice,
    SpreadSelection,
    choose_expiry,
    select_spread,
)

__all__ = ["BuiltSpread", "SpreadRefusedError", "build_spread", "preview"]


class SpreadRefusedError(ValueError):
    """The request cannot make a spread now (the message says why)."""


@dataclass(frozen=True)
class BuiltSpread:
    """A spread ready to preview or open: the pick and its shape's name."""

    pick: SpreadPick
    spread_type: str


def build_spread(
    strategy: ManualSpreadStrategy, request: SpreadRequest, now_ns: int
) -> BuiltSpread:
    """The spread of ``request`` on the strategy's cached chain.

    Raises
    ------
    SpreadRefusedError
        Naming the field or contract at fault.
    """
    if request.template is not None:
        return _from_template(strategy, request.template, now_ns)
    return _from_legs(strategy, request, now_ns)


def _from_template(
    strategy: ManualSpreadStrategy, template: TemplateRequest, now_ns: int
) -> BuiltSpread:
    overrides = {
        key: value
        for key, value in template.model_dump(exclude={"expiry"}).items()
        if value is not None
    }
    try:
        fields = {**msgspec.structs.asdict(strategy.cfg), **overrides}
        config = OptionsSpreadStrategyConfig(**fields)
    except (ConfigError, msgspec.ValidationError, TypeError) as exc:
        raise SpreadRefusedError(f"template: {exc}") from exc
    reader = ChainReader(strategy.cache, config, strategy.index_id)
    options = reader.options()
    listed = {o.expiration_ns: parse_tradingsymbol(o.id.symbol.value).monthly for o in options}
    if template.expiry is not None:
        matching = [ns for ns in sorted(listed) if ist_date(ns) == template.expiry and ns > now_ns]
        expiry_ns = matching[0] if matching else None
    else:
        choices = [ExpiryChoice(ns, monthly) for ns, monthly in listed.items()]
        choice = choose_expiry(choices, now_ns, config.expiry_rule, config.min_days_to_expiry)
        expiry_ns = choice.expiry_ns if choice is not None else None
    if expiry_ns is None:
        wanted = template.expiry or "to trade"
        raise SpreadRefusedError(f"template.expiry: no {config.underlying} expiry {wanted}")
    series = {
        (o.strike_price.as_double(), option_right(o)): o
        for o in options
        if o.expiration_ns == expiry_ns
    }
    chain = reader.chain(series, expiry_ns)
    if chain is None:
        raise SpreadRefusedError(f"template: no {config.underlying} index price yet")
    selection = select_spread(
        chain,
        config.spread,
        config.strike_rule,
        config.strike_value,
        config.wing_width,
        now_ns,
        config.risk_free_rate,
    )
    if selection is None:
        raise SpreadRefusedError("template: no strikes fit the rule with listed, quoted wings")
    legs = tuple(series[(leg.strike, leg.right)] for leg in selection.geometry.legs)
    return BuiltSpread(SpreadPick(selection, legs), template.spread_type)


def _from_legs(strategy: ManualSpreadStrategy, request: SpreadRequest, now_ns: int) -> BuiltSpread:
    cache = strategy.cache
    picked: list[tuple[LegSpec, OptionContract, float]] = []
    for i, leg in enumerate(request.legs or ()):
        option = _option(cache, leg.instrument_id)
        if option is None or option.underlying != strategy.cfg.underlying:
            raise SpreadRefusedError(
                f"legs[{i}].instrument_id: {leg.instrument_id!r} is not a listed "
                f"{strategy.cfg.underlying} option"
            )
        quote = cache.quote_tick(option.id)
        mid = mid_price(quote.bid_price.as_double(), quote.ask_price.as_double()) if quote else None
        if mid is None:
            raise SpreadRefusedError(f"legs[{i}].instrument_id: no two-sided quote for {option.id}")
        spec = LegSpec(option.strike_price.as_double(), option_right(option), _ratio(leg.side))
        picked.append((spec, option, mid))
    if len({option.expiration_ns for _, option, _ in picked}) != 1:
        raise SpreadRefusedError("legs: every leg must have the same expiry")
    picked.sort(key=lambda item: (item[0].strike, item[0].right == "CE"))
    try:
        geometry = SpreadGeometry(tuple(spec for spec, _, _ in picked))
    except ConfigError as exc:
        raise SpreadRefusedError(f"legs: {exc}") from exc
    for right in ("CE", "PE"):
        ratios = [spec.ratio for spec in geometry.legs if spec.right == right]
        if sum(r for r in ratios if r < 0) + sum(r for r in ratios if r > 0) < 0:
            raise SpreadRefusedError(f"legs: every short {right} needs a long {right} as its hedge")
    if not geometry.is_defined_risk:
        raise SpreadRefusedError("legs: the spread's loss is not bounded")
    mids = tuple(mid for _, _, mid in picked)
    expiry_ns = picked[0][1].expiration_ns
    t = year_fraction(now_ns, expiry_ns)
    spot = index_price(cache, strategy.cfg.underlying)
    if spot is None:
        raise SpreadRefusedError(f"legs: no {strategy.cfg.underlying} index price yet")
    forward = spot * math.exp(strategy.cfg.risk_free_rate * t)
    selection = SpreadSelection(geometry, forward, t, geometry.net_premium(mids), mids)
    instruments = tuple(option for _, option, _ in picked)
    return BuiltSpread(SpreadPick(selection, instruments), shape_name(geometry.legs))


def preview(cache: CacheFacade, built: BuiltSpread, lots: int, now_ns: int) -> SpreadPreview:
    """The spread at the current mids in ``cache`` (see the module docstring)."""
    selection, instruments = built.pick.selection, built.pick.instruments
    geometry = selection.geometry
    lot_size = int(instruments[0].lot_size.as_double())
    units = lots * lot_size
    day = ist_date(now_ns)
    legs: list[PreviewLeg] = []
    margin_legs: list[Leg] = []
    entry = exit_ = 0.0
    freeze_qty = freeze_quantity(instruments[0].underlying, day)
    for spec, option, mid in zip(geometry.legs, instruments, selection.mids, strict=True):
        quote = touch(cache, option.id)
        side: Side = "BUY" if spec.ratio > 0 else "SELL"
        slices = slice_quantity(units * abs(int(spec.ratio)), lot_size, freeze_qty)
        charges = _sliced_charges(side, slices, mid, day)
        entry += charges
        exit_ += _sliced_charges(_opposite(side), slices, mid, day)
        legs.append(
            PreviewLeg(
                instrument_id=option.id.value,
                strike=spec.strike,
                right=spec.right,
                side=side,
                bid=quote[0],
                ask=quote[1],
                mid=mid,
                orders=len(slices),
                entry_charges=charges,
            )
        )
        margin_legs.append(
            Leg(
                underlying=option.underlying,
                strike=spec.strike,
                is_call=spec.right == "CE",
                expiry_ns=option.expiration_ns,
                quantity=spec.ratio * units,
                price=mid,
            )
        )
    margin = portfolio_margin(margin_legs, {instruments[0].underlying: selection.forward}, now_ns)
    premium_paid = max(0.0, sum(leg.quantity * leg.price for leg in margin_legs))
    net = selection.net_premium
    return SpreadPreview(
        spread_type=built.spread_type,
        underlying=instruments[0].underlying,
        expiry=utc(instruments[0].expiration_ns),
        lots=lots,
        lot_size=lot_size,
        units=units,
        legs=legs,
        net_premium=net,
        net_premium_total=net * units,
        max_loss=geometry.max_loss(net) * units,
        max_profit=geometry.max_profit(net) * units,
        breakevens=list(geometry.breakevens(net)),
        margin=MarginEstimate(
            span=margin.span,
            exposure=margin.exposure,
            premium=premium_paid,
            total=margin.span + margin.exposure + premium_paid,
        ),
        charges_entry=entry,
        charges_round_trip=entry + exit_,
    )


def _sliced_charges(side: Side, slices: list[int], mid: float, day: date) -> float:
    """Charges of one leg sent as ``slices`` orders (units each) at ``mid``."""
    return sum(order_charges(side, units * mid, day).total for units in slices)


def _option(cache: CacheFacade, value: str) -> OptionContract | None:
    try:
        instrument = cache.instrument(InstrumentId.from_str(value))
    except ValueError:
        return None
    return instrument if isinstance(instrument, OptionContract) else None


def _opposite(side: Side) -> Side:
    return "SELL" if side == "BUY" else "BUY"


def _ratio(side: str) -> int:
    return 1 if side == "BUY" else -1
