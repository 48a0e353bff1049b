"""Position-weighted Black-76 risk of a spread from leg mids (pure functions)."""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence
from typing import NamedTuple

from nautilus_options.domain.pricing import black76_greeks, forward_from_parity, implied_vol


class LegMarket(NamedTuple):
    """Market inputs of one open leg.

    ``strike`` in index points, ``is_call`` (call or put), ``open_quantity`` in signed units
    (long positive), ``mid`` per unit (``nan`` when the leg has no two-sided quote) and
    ``prior_iv``, the last implied vol known for the contract (``nan`` if none): the solver
    starts from it, and it is used when ``mid`` gives no implied vol (outside the
    no-arbitrage bounds).
    """

    strike: float
    is_call: bool
    open_quantity: float
    mid: float
    prior_iv: float = math.nan


class LegRisk(NamedTuple):
    """Implied vol and per-unit Black-76 greeks of one leg (``nan`` when unknown)."""

    iv: float
    delta: float
    gamma: float
    theta: float
    vega: float


class SpreadRisk(NamedTuple):
    """Per-leg risk and the position-weighted totals of a spread.

    ``delta`` and ``gamma`` are per index point, ``theta`` per calendar day and ``vega`` per
    volatility point, all multiplied by the signed open units and summed over the legs.
    """

    legs: tuple[LegRisk, ...]
    delta: float
    gamma: float
    theta: float
    vega: float


_UNKNOWN = LegRisk(math.nan, math.nan, math.nan, math.nan, math.nan)


def parity_forward(
    pairs: Sequence[tuple[float, float, float]], t: float, rate: float
) -> float | None:
    """Median forward implied by put-call parity over ``(strike, call_mid, put_mid)`` pairs.

    Pairs with a non-finite mid are skipped; None when no pair is usable.
    """
    forwards = [
        forward_from_parity(call, put, strike, t, rate)
        for strike, call, put in pairs
        if math.isfinite(call) and math.isfinite(put)
    ]
    return statistics.median(forwards) if forwards else None


def spread_risk(legs: Sequence[LegMarket], forward: float, t: float, rate: float) -> SpreadRisk:
    """Implied vols and position-weighted greeks of open legs sharing one expiry.

    Each leg's vol is implied from its mid by
    :func:`~nautilus_options.domain.pricing.implied_vol`; when that gives no positive vol it
    falls back to the leg's ``prior_iv``, then to the mean implied vol of the other legs. A
    leg with no vol at all, a non-finite ``forward`` or ``t <= 0`` (expired) leaves the
    totals ``nan``. Greeks are :func:`~nautilus_options.domain.pricing.black76_greeks`.
    """
    ivs = []
    for leg in legs:
        iv = implied_vol(leg.mid, forward, leg.strike, t, rate, leg.is_call, leg.prior_iv)
        # ``nan > 0`` is False: unknown vols fall through to the next source.
        ivs.append(iv if iv > 0 else leg.prior_iv)
    known = [iv for iv in ivs if iv > 0]
    fallback = statistics.fmean(known) if known else math.nan
    priced = t > 0 and math.isfinite(forward) and forward > 0
    risks = []
    delta = gamma = theta = vega = 0.0
    for leg, iv in zip(legs, ivs, strict=True):
        vol = iv if iv > 0 else fallback
        if priced and math.isfinite(vol):
            greeks = black76_greeks(forward, leg.strike, t, vol, rate, leg.is_call)
            risk = LegRisk(vol, greeks.delta, greeks.gamma, greeks.theta, greeks.vega)
        else:
            risk = _UNKNOWN
        risks.append(risk)
        delta += leg.open_quantity * risk.delta
        gamma += leg.open_quantity * risk.gamma
        theta += leg.open_quantity * risk.theta
        vega += leg.open_quantity * risk.vega
    return SpreadRisk(tuple(risks), delta, gamma, theta, vega)
