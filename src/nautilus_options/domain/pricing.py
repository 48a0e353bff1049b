"""Black-76 prices, Greeks and implied volatility with fractional time to expiry.

Functions take the forward (or futures) price ``forward``, the ``strike``, the time to
expiry ``t`` in years (see :func:`year_fraction`), the annualised volatility ``vol``
(0.15 = 15 %) and the continuously compounded ``rate`` used to discount the payoff.
Price functions accept scalars or numpy arrays (broadcast together) and return a float for
scalar input. Nothing here reads a clock.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import overload

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.optimize import brentq
from scipy.special import ndtr

#: Nanoseconds in a 365-day year (ACT/365 day count).
NS_PER_YEAR = 365 * 86_400 * 1_000_000_000
#: Bounds of the implied-volatility search.
MIN_VOL = 1e-6
MAX_VOL = 10.0

_INV_SQRT_2PI = 1.0 / math.sqrt(2.0 * math.pi)

FloatArray = NDArray[np.float64]


def year_fraction(now_ns: int, expiry_ns: int) -> float:
    """Time from ``now_ns`` to ``expiry_ns`` in years (ACT/365, fractional, never negative)."""
    return max(expiry_ns - now_ns, 0) / NS_PER_YEAR


def _d1_d2(
    forward: FloatArray, strike: FloatArray, t: FloatArray, vol: FloatArray
) -> tuple[FloatArray, FloatArray, FloatArray]:
    sd = vol * np.sqrt(t)
    with np.errstate(divide="ignore", invalid="ignore"):
        d1 = (np.log(forward / strike) + 0.5 * sd * sd) / sd
    return d1, d1 - sd, sd


@overload
def black76_price(
    forward: float, strike: float, t: float, vol: float, rate: float, is_call: bool
) -> float: ...
@overload
def black76_price(
    forward: ArrayLike,
    strike: ArrayLike,
    t: ArrayLike,
    vol: ArrayLike,
    rate: ArrayLike,
    is_call: ArrayLike,
) -> float | FloatArray: ...
def black76_price(
    forward: ArrayLike,
    strike: ArrayLike,
    t: ArrayLike,
    vol: ArrayLike,
    rate: ArrayLike,
    is_call: ArrayLike,
) -> float | FloatArray:
    """Black-76 price of a European call (``is_call`` true) or put.

    At ``t == 0`` or ``vol == 0`` the price is the discounted intrinsic value.
    """
    f, k, tt, v, r = (np.asarray(x, dtype=np.float64) for x in (forward, strike, t, vol, rate))
    call = np.asarray(is_call, dtype=bool)
    d1, d2, sd = _d1_d2(f, k, tt, v)
    sign = np.where(call, 1.0, -1.0)
    discount = np.exp(-r * tt)
    intrinsic = np.maximum(sign * (f - k), 0.0)
    with np.errstate(invalid="ignore"):
        value = sign * (f * ndtr(sign * d1) - k * ndtr(sign * d2))
    price = discount * np.where(sd > 0.0, value, intrinsic)
    return float(price) if price.ndim == 0 else price


@dataclass(frozen=True)
class Greeks:
    """Black-76 price and sensitivities of one option.

    ``delta`` and ``gamma`` are with respect to the forward, ``theta`` is the value change
    over one calendar day (1/365 year) and ``vega`` the change per volatility point (0.01).
    """

    price: float
    delta: float
    gamma: float
    theta: float
    vega: float


def black76_greeks(
    forward: float, strike: float, t: float, vol: float, rate: float, is_call: bool
) -> Greeks:
    """Black-76 price and Greeks of a European option (see :class:`Greeks` for units)."""
    price = black76_price(forward, strike, t, vol, rate, is_call)
    discount = math.exp(-rate * t)
    sd = vol * math.sqrt(t)
    if sd <= 0.0:
        itm = forward > strike if is_call else forward < strike
        delta = (1.0 if is_call else -1.0) * discount * float(itm)
        return Greeks(price, delta, 0.0, rate * price / 365.0, 0.0)
    d1 = (math.log(forward / strike) + 0.5 * sd * sd) / sd
    density = _INV_SQRT_2PI * math.exp(-0.5 * d1 * d1)
    delta = discount * (float(ndtr(d1)) if is_call else float(ndtr(d1)) - 1.0)
    gamma = discount * density / (forward * sd)
    vega = discount * forward * density * math.sqrt(t)
    theta = rate * price - discount * forward * density * vol / (2.0 * math.sqrt(t))
    return Greeks(price, delta, gamma, theta / 365.0, vega / 100.0)


def no_arbitrage_bounds(
    forward: float, strike: float, t: float, rate: float, is_call: bool
) -> tuple[float, float]:
    """Lower and upper bound of a European option price under Black-76 (vol 0 and vol inf)."""
    discount = math.exp(-rate * t)
    if is_call:
        return discount * max(forward - strike, 0.0), discount * forward
    return discount * max(strike - forward, 0.0), discount * strike


def implied_vol(
    price: float, forward: float, strike: float, t: float, rate: float, is_call: bool
) -> float:
    """Black-76 implied volatility of ``price`` (Brent's method in ``[MIN_VOL, MAX_VOL]``).

    Returns ``nan`` when ``t <= 0``, when the price lies outside the no-arbitrage bounds
    (or on the upper bound), or when it needs a volatility above ``MAX_VOL``. A price on
    the lower bound returns 0.
    """
    if not (t > 0.0 and math.isfinite(price) and forward > 0.0 and strike > 0.0):
        return math.nan
    lower, upper = no_arbitrage_bounds(forward, strike, t, rate, is_call)
    tolerance = 1e-12 * max(1.0, upper)
    if price < lower - tolerance or price >= upper:
        return math.nan
    if price <= lower + tolerance:
        return 0.0

    def error(vol: float) -> float:
        return black76_price(forward, strike, t, vol, rate, is_call) - price

    if error(MIN_VOL) >= 0.0:
        return MIN_VOL
    if error(MAX_VOL) < 0.0:
        return math.nan
    return float(brentq(error, MIN_VOL, MAX_VOL, xtol=1e-12, rtol=1e-12, maxiter=200))


def forward_from_parity(
    call_price: float, put_price: float, strike: float, t: float, rate: float
) -> float:
    """Forward implied by put-call parity: ``F = K + (C - P) * exp(r t)``."""
    return strike + (call_price - put_price) * math.exp(rate * t)
