"""Margin approximation: SPAN-style scenario risk plus exposure, per underlying (pure).

One documented approximation for every place that needs a margin without a broker: the Kite
simulator's funds and basket margins, and the backtest's margin-aware sizing (the same
figures as the paper broker). Live, the Zerodha adapter asks Kite (``POST /margins/basket``).

NSE computes index-option initial margin with SPAN (a worst-case loss over 16 risk
scenarios of the whole portfolio on one underlying) plus an exposure (extreme-loss) margin
of 2 % of the notional of short index options. This module approximates it:

* **Scan risk.** Each leg is revalued with Black-76 at the spot moved by
  ``{0, ±1/3, ±2/3, ±1} x PRICE_SCAN`` with implied vol moved by ``±VOL_SCAN``, and at
  ``±2 x PRICE_SCAN`` (vol unchanged) with 35 % of the loss counted (SPAN's extreme moves).
  ``SPAN = max(0, worst loss - max(0, NOV))`` per underlying, where the worst loss is
  ``max over scenarios of sum(qty x (V_now - V_scenario))`` and the net option value
  ``NOV = sum(qty x V_now)`` credits long premium already paid (a long option or a debit
  spread needs no margin beyond its premium).
* **Exposure.** ``EXPOSURE_RATE x spot x short quantity`` per underlying (shorts only).
* **Premium.** Buying options needs the premium in cash; selling credits it.

Because the scenarios value the whole portfolio, a defined-risk spread (a short leg hedged
by a long one) needs at most its maximum loss, far less than the naked short: the hedge
benefit Kite's basket margins show. The parameters are this package's choices, not NSE's
daily risk parameter file; see the simulator guide for a comparison.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from nautilus_options.domain.pricing import black76_price, implied_vol, year_fraction

#: Price scan range (fraction of spot), volatility scan (absolute), exposure rate.
PRICE_SCAN = 0.07
VOL_SCAN = 0.04
EXPOSURE_RATE = 0.02
#: Share of the extreme-move loss SPAN counts.
EXTREME_WEIGHT = 0.35
DEFAULT_VOL = 0.15
RATE = 0.065
_MOVES = (0.0, 1 / 3, -1 / 3, 2 / 3, -2 / 3, 1.0, -1.0)


@dataclass(frozen=True)
class Leg:
    """A position or order in one option: signed quantity in units (+ long, - short)."""

    underlying: str
    strike: float
    is_call: bool
    expiry_ns: int
    quantity: int
    price: float


@dataclass(frozen=True)
class Margin:
    """Margin components in rupees."""

    span: float
    exposure: float
    premium: float

    @property
    def total(self) -> float:
        """SPAN + exposure + premium to pay."""
        return self.span + self.exposure + self.premium


def _vol(leg: Leg, spot: float, t: float) -> float:
    if t <= 0 or leg.price <= 0:
        return DEFAULT_VOL
    vol = implied_vol(leg.price, spot, leg.strike, t, RATE, leg.is_call)
    return vol if math.isfinite(vol) and vol > 0.01 else DEFAULT_VOL


def scenarios(spot: float) -> list[tuple[float, float, float]]:
    """SPAN's 16 scenarios as (spot, vol shift, weight)."""
    out = [(spot * (1 + m * PRICE_SCAN), dv, 1.0) for m in _MOVES for dv in (VOL_SCAN, -VOL_SCAN)]
    out += [(spot * (1 + 2 * PRICE_SCAN), 0.0, EXTREME_WEIGHT)]
    out += [(spot * (1 - 2 * PRICE_SCAN), 0.0, EXTREME_WEIGHT)]
    return out


def scan_risk(legs: list[Leg], spot: float, now_ns: int) -> float:
    """Worst weighted loss of ``legs`` (one underlying) over the SPAN scenarios."""
    if not legs:
        return 0.0
    t = np.array([max(year_fraction(now_ns, leg.expiry_ns), 1 / (365 * 24)) for leg in legs])
    strikes = np.array([leg.strike for leg in legs])
    calls = np.array([leg.is_call for leg in legs])
    qty = np.array([leg.quantity for leg in legs], dtype=np.float64)
    vols = np.array([_vol(leg, spot, float(tt)) for leg, tt in zip(legs, t, strict=True)])
    now = np.asarray(black76_price(spot, strikes, t, vols, RATE, calls))
    worst = 0.0
    for moved, dv, weight in scenarios(spot):
        value = np.asarray(
            black76_price(moved, strikes, t, np.maximum(vols + dv, 0.01), RATE, calls)
        )
        worst = max(worst, weight * float(np.dot(qty, now - value)))
    net_option_value = float(np.dot(qty, now))
    return max(0.0, worst - max(0.0, net_option_value))


def portfolio_margin(legs: Iterable[Leg], spots: dict[str, float], now_ns: int) -> Margin:
    """SPAN and exposure of a portfolio (``premium`` is 0: see :func:`order_premium`).

    ``spots`` must hold the index level of every underlying in ``legs``.
    """
    by_underlying: dict[str, list[Leg]] = {}
    for leg in legs:
        if leg.quantity:
            by_underlying.setdefault(leg.underlying, []).append(leg)
    span = exposure = 0.0
    for underlying, group in by_underlying.items():
        spot = spots[underlying]
        span += scan_risk(group, spot, now_ns)
        exposure += EXPOSURE_RATE * spot * sum(-leg.quantity for leg in group if leg.quantity < 0)
    return Margin(round(span, 2), round(exposure, 2), 0.0)


def order_premium(side: str, quantity: int, price: float) -> float:
    """Premium a BUY pays up front (0 for a SELL)."""
    return round(quantity * price, 2) if side == "BUY" else 0.0
