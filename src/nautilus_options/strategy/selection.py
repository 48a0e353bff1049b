"""Expiry and strike selection over plain option-chain arrays.

Implied volatility and delta use Black-76 on the forward implied by put-call parity near the
money, with *fractional* time to expiry (:mod:`nautilus_options.domain.pricing`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

import numpy as np

from nautilus_options.domain.pricing import (
    black76_delta,
    forward_from_parity,
    implied_vol_array,
    year_fraction,
)
from nautilus_options.domain.quotes import FloatArray, mid_price, mid_prices
from nautilus_options.domain.spreads import SpreadGeometry, SpreadType, build_spread
from nautilus_options.domain.time import NS_PER_DAY

ExpiryKind = Literal["weekly", "monthly"]
"""Which expiries an entry may use: ``weekly`` (any, the nearest) or ``monthly`` only."""

StrikeRule = Literal["delta", "points", "percent", "premium"]
"""How a strike is chosen (see :func:`pick_strike`)."""


@dataclass(frozen=True)
class ExpiryChoice:
    """An expiry available for trading: its time (UNIX ns) and whether it is a monthly."""

    expiry_ns: int
    monthly: bool


def choose_expiry(
    expiries: list[ExpiryChoice],
    now_ns: int,
    rule: ExpiryKind,
    min_days: float,
) -> ExpiryChoice | None:
    """Pick the nearest expiry with at least ``min_days`` calendar days left.

    ``weekly`` accepts any expiry (the nearest listed one), ``monthly`` only monthlies.
    Expiries at or before ``now_ns`` are never chosen.
    """
    candidates = [
        expiry
        for expiry in expiries
        if expiry.expiry_ns > now_ns
        and (expiry.expiry_ns - now_ns) >= min_days * NS_PER_DAY
        and (rule == "weekly" or expiry.monthly)
    ]
    return min(candidates, key=lambda e: e.expiry_ns) if candidates else None


@dataclass(frozen=True)
class Chain:
    """One expiry of an option chain: strikes ascending and the bid and ask of each side.

    A missing price is ``0`` or ``nan``; mids follow the one rule of
    :mod:`nautilus_options.domain.quotes` (``nan`` unless both sides are positive). ``spot``
    is the latest index level (a fallback for the at-the-money strike when parity cannot be
    used).
    """

    strikes: FloatArray
    call_bids: FloatArray
    call_asks: FloatArray
    put_bids: FloatArray
    put_asks: FloatArray
    spot: float
    expiry_ns: int

    def mids(self, right: Literal["CE", "PE"]) -> FloatArray:
        """Mid price of each strike's call (``CE``) or put (``PE``), ``nan`` where none."""
        if right == "CE":
            return mid_prices(self.call_bids, self.call_asks)
        return mid_prices(self.put_bids, self.put_asks)

    def mid(self, strike: float, right: Literal["CE", "PE"]) -> float | None:
        """Mid price of one listed option, None when not listed or without a two-sided quote."""
        found = np.flatnonzero(np.isclose(self.strikes, strike, rtol=0.0, atol=1e-6))
        if not found.size:
            return None
        index = int(found[0])
        bids, asks = (
            (self.call_bids, self.call_asks) if right == "CE" else (self.put_bids, self.put_asks)
        )
        return mid_price(float(bids[index]), float(asks[index]))


def parity_forward(chain: Chain, t: float, rate: float, strikes_used: int = 3) -> float:
    """Forward implied by put-call parity, the median over the strikes nearest the spot.

    Falls back to ``chain.spot`` when no strike near the money has both quotes.
    """
    call_mids, put_mids = chain.mids("CE"), chain.mids("PE")
    both = np.isfinite(call_mids) & np.isfinite(put_mids)
    if not np.any(both):
        return chain.spot
    strikes = chain.strikes[both]
    order = np.argsort(np.abs(strikes - chain.spot))[:strikes_used]
    forwards = [
        forward_from_parity(
            float(call_mids[both][i]),
            float(put_mids[both][i]),
            float(strikes[i]),
            t,
            rate,
        )
        for i in order
    ]
    return float(np.median(forwards))


def atm_strike(chain: Chain, forward: float) -> float:
    """The listed strike nearest the forward."""
    return float(chain.strikes[int(np.argmin(np.abs(chain.strikes - forward)))])


def otm_deltas(
    chain: Chain, right: Literal["CE", "PE"], forward: float, t: float, rate: float
) -> FloatArray:
    """Absolute Black-76 delta of each strike from its mid-implied vol (``nan`` if unknown)."""
    is_call = right == "CE"
    mids = chain.mids(right)
    vols = implied_vol_array(
        np.where(mids > 0, mids, np.nan), forward, chain.strikes, t, rate, is_call
    )
    priced = vols > 0  # False for nan
    deltas = black76_delta(forward, chain.strikes, t, np.where(priced, vols, 1.0), rate, is_call)
    return np.where(priced, np.abs(deltas), np.nan)


def pick_strike(
    chain: Chain,
    right: Literal["CE", "PE"],
    rule: StrikeRule,
    value: float,
    forward: float,
    t: float,
    rate: float,
) -> float | None:
    """Choose the out-of-the-money (or at-the-money) strike matching a rule.

    Candidates are strikes at or beyond the forward on the option's OTM side (puts at or
    below, calls at or above the at-the-money strike) that have a quote.

    Parameters
    ----------
    chain : Chain
        The chain of one expiry.
    right : {"CE", "PE"}
        Which side.
    rule : {"delta", "points", "percent", "premium"}
        ``delta``: absolute delta closest to ``value``; ``points``/``percent``: strike
        closest to ``forward -/+ value`` (points or percent of the forward); ``premium``:
        mid closest to ``value``.
    value : float
        The rule's target.
    forward, t, rate : float
        Forward, fractional years to expiry and rate for Black-76.

    Returns
    -------
    float | None
        The strike, or None when no candidate has a usable quote.
    """
    atm = atm_strike(chain, forward)
    sign = 1.0 if right == "CE" else -1.0
    mids = chain.mids(right)
    candidates = np.isfinite(mids) & (sign * (chain.strikes - atm) >= 0)
    if rule == "delta":
        score = np.abs(otm_deltas(chain, right, forward, t, rate) - value)
    elif rule == "premium":
        score = np.abs(mids - value)
    else:
        offset = value if rule == "points" else forward * value / 100
        score = np.abs(chain.strikes - (forward + sign * offset))
    score = np.where(candidates & np.isfinite(score), score, np.inf)
    best = int(np.argmin(score))
    return float(chain.strikes[best]) if math.isfinite(score[best]) else None


@dataclass(frozen=True)
class SpreadSelection:
    """A chosen spread: its legs, the forward and time used, the legs' mids and net premium."""

    geometry: SpreadGeometry
    forward: float
    t: float
    net_premium: float
    mids: tuple[float, ...]


def select_spread(
    chain: Chain,
    spread_type: SpreadType,
    rule: StrikeRule,
    value: float,
    wing_width: float,
    now_ns: int,
    rate: float,
) -> SpreadSelection | None:
    """Choose the strikes of a spread from a chain.

    Credit verticals and iron condors place their short strike(s) by ``rule``; debit
    verticals place their long strike by it; the iron butterfly sells the at-the-money
    strike. Wings are ``wing_width`` points further out and must be listed and quoted.

    Returns
    -------
    SpreadSelection | None
        None when a strike cannot be chosen, a wing is not listed, or a leg has no quote.
    """
    t = year_fraction(now_ns, chain.expiry_ns)
    if t <= 0:
        return None
    forward = parity_forward(chain, t, rate)
    geometry = _geometry(chain, spread_type, rule, value, wing_width, forward, t, rate)
    if geometry is None:
        return None
    mids = [chain.mid(leg.strike, leg.right) for leg in geometry.legs]
    prices = [mid for mid in mids if mid is not None]
    if len(prices) != len(mids):
        return None
    return SpreadSelection(geometry, forward, t, geometry.net_premium(prices), tuple(prices))


def _geometry(
    chain: Chain,
    spread_type: SpreadType,
    rule: StrikeRule,
    value: float,
    wing_width: float,
    forward: float,
    t: float,
    rate: float,
) -> SpreadGeometry | None:
    if spread_type == SpreadType.IRON_BUTTERFLY:
        return build_spread(spread_type, atm_strike(chain, forward), wing_width)
    right: Literal["CE", "PE"] = (
        "CE" if spread_type in (SpreadType.BEAR_CALL_CREDIT, SpreadType.BULL_CALL_DEBIT) else "PE"
    )
    anchor = pick_strike(chain, right, rule, value, forward, t, rate)
    if anchor is None:
        return None
    if spread_type != SpreadType.IRON_CONDOR:
        return build_spread(spread_type, anchor, wing_width)
    call_anchor = pick_strike(chain, "CE", rule, value, forward, t, rate)
    if call_anchor is None or call_anchor <= anchor:
        return None
    return build_spread(spread_type, anchor, wing_width, call_anchor=call_anchor)
