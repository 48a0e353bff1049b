"""Black-76 prices, Greeks and implied volatility with fractional time to expiry.

Functions take the forward (or futures) price ``forward``, the ``strike``, the time to
expiry ``t`` in years (see :func:`year_fraction`), the annualised volatility ``vol``
(0.15 = 15 %) and the continuously compounded ``rate`` used to discount the payoff.
Price functions accept scalars or numpy arrays (broadcast together) and return a float for
scalar input; :func:`black76_greeks` and :func:`implied_vol` are scalar and use only the
``math`` module, :func:`implied_vol_array` solves many prices at once. Nothing here reads a
clock.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import overload

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.special import ndtr

#: Nanoseconds in a 365-day year (ACT/365 day count).
NS_PER_YEAR = 365 * 86_400 * 1_000_000_000
#: Bounds of the implied-volatility search.
MIN_VOL = 1e-6
MAX_VOL = 10.0

_INV_SQRT_2PI = 1.0 / math.sqrt(2.0 * math.pi)
_SQRT_2PI = math.sqrt(2.0 * math.pi)
_SQRT_HALF = math.sqrt(0.5)
#: Relative change of the volatility at which a bisection step ends the implied-vol search.
_VOL_TOLERANCE = 1e-12
#: Relative change at which a Halley step ends it: Halley's method converges cubically, so the
#: vol after such a step is within about 1e-12 of the root.
_HALLEY_TOLERANCE = 1e-5
_MAX_ITERATIONS = 100

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


def _ncdf(x: float) -> float:
    """Standard normal cumulative distribution (accurate in both tails)."""
    return 0.5 * math.erfc(-x * _SQRT_HALF)


def black76_greeks(
    forward: float, strike: float, t: float, vol: float, rate: float, is_call: bool
) -> Greeks:
    """Black-76 price and Greeks of a European option (see :class:`Greeks` for units)."""
    discount = math.exp(-rate * t)
    sqrt_t = math.sqrt(t)
    sd = vol * sqrt_t
    if sd <= 0.0:
        itm = forward > strike if is_call else forward < strike
        price = discount * max(forward - strike if is_call else strike - forward, 0.0)
        delta = (1.0 if is_call else -1.0) * discount * float(itm)
        return Greeks(price, delta, 0.0, rate * price / 365.0, 0.0)
    d1 = math.log(forward / strike) / sd + 0.5 * sd
    d2 = d1 - sd
    if is_call:
        n1 = _ncdf(d1)
        price = discount * (forward * n1 - strike * _ncdf(d2))
        delta = discount * n1
    else:
        n1 = _ncdf(-d1)
        price = discount * (strike * _ncdf(-d2) - forward * n1)
        delta = -discount * n1
    density = _INV_SQRT_2PI * math.exp(-0.5 * d1 * d1)
    gamma = discount * density / (forward * sd)
    vega = discount * forward * density * sqrt_t
    theta = rate * price - discount * forward * density * vol / (2.0 * sqrt_t)
    return Greeks(price, delta, gamma, theta / 365.0, vega / 100.0)


@overload
def black76_delta(
    forward: float, strike: float, t: float, vol: float, rate: float, is_call: bool
) -> float: ...
@overload
def black76_delta(
    forward: ArrayLike,
    strike: ArrayLike,
    t: ArrayLike,
    vol: ArrayLike,
    rate: ArrayLike,
    is_call: ArrayLike,
) -> float | FloatArray: ...
def black76_delta(
    forward: ArrayLike,
    strike: ArrayLike,
    t: ArrayLike,
    vol: ArrayLike,
    rate: ArrayLike,
    is_call: ArrayLike,
) -> float | FloatArray:
    """Black-76 delta with respect to the forward, vectorised like :func:`black76_price`."""
    f, k, tt, v, r = (np.asarray(x, dtype=np.float64) for x in (forward, strike, t, vol, rate))
    call = np.asarray(is_call, dtype=bool)
    d1, _, sd = _d1_d2(f, k, tt, v)
    discount = np.exp(-r * tt)
    itm = np.where(call, f > k, f < k).astype(np.float64)
    with np.errstate(invalid="ignore"):
        smooth = np.where(call, ndtr(d1), -ndtr(-d1))
    delta = discount * np.where(sd > 0.0, smooth, np.where(call, itm, -itm))
    return float(delta) if delta.ndim == 0 else delta


def no_arbitrage_bounds(
    forward: float, strike: float, t: float, rate: float, is_call: bool
) -> tuple[float, float]:
    """Lower and upper bound of a European option price under Black-76 (vol 0 and vol inf)."""
    discount = math.exp(-rate * t)
    if is_call:
        return discount * max(forward - strike, 0.0), discount * forward
    return discount * max(strike - forward, 0.0), discount * strike


def _otm_value(forward: float, strike: float, d1: float, d2: float) -> float:
    """Undiscounted Black-76 price of the out-of-the-money option (call when K >= F)."""
    if strike >= forward:
        return forward * _ncdf(d1) - strike * _ncdf(d2)
    return strike * _ncdf(-d2) - forward * _ncdf(-d1)


def _otm_value_at(forward: float, strike: float, log_moneyness: float, sd: float) -> float:
    """:func:`_otm_value` at the total standard deviation ``sd``."""
    d1 = log_moneyness / sd + 0.5 * sd
    return _otm_value(forward, strike, d1, d1 - sd)


def _initial_vol(call_value: float, forward: float, strike: float, t: float) -> float:
    """Corrado-Miller estimate from the undiscounted call value (Brenner-Subrahmanyam if
    that fails)."""
    half_gap = 0.5 * (forward - strike)
    excess = call_value - half_gap
    root = math.sqrt(max(excess * excess - 4.0 * half_gap * half_gap / math.pi, 0.0))
    sd = _SQRT_2PI / (forward + strike) * (excess + root)
    if not sd > 0.0:
        sd = _SQRT_2PI * call_value / forward
    return sd / math.sqrt(t)


def _halley_vol[F: (float, FloatArray)](vol: F, error: F, vega: F, value: F, d1: F, d2: F) -> F:
    """Halley step on ``log(price) - log(target)`` (``error``) from ``vol``.

    The log of the price is close to linear in the vol even far out of the money, where the
    price itself is very convex, so two to four steps reach full precision.
    """
    slope = vega / value
    curvature = slope * d1 * d2 / vol - slope * slope
    return vol - 2.0 * error * slope / (2.0 * slope * slope - error * curvature)


def implied_vol(
    price: float,
    forward: float,
    strike: float,
    t: float,
    rate: float,
    is_call: bool,
    guess: float = math.nan,
) -> float:
    """Black-76 implied volatility of ``price``, to about a relative 1e-12 in the vol.

    The solver works on the time value of the out-of-the-money option of the strike
    (put-call parity), starts from ``guess`` (a vol known to be close, such as the last one
    implied for the contract) or else from the Corrado-Miller estimate, and takes Halley
    steps on the log of the price, kept inside a bracket of ``[MIN_VOL, MAX_VOL]`` that
    shrinks at every step; a step leaving the bracket is replaced by bisection. The guess
    only changes how many steps are taken.

    Returns ``nan`` when ``t <= 0``, when the price lies outside the no-arbitrage bounds
    (or on the upper bound), or when it needs a volatility above ``MAX_VOL``. A price on
    the lower bound returns 0; a price needing a volatility below ``MIN_VOL`` returns
    ``MIN_VOL``.
    """
    if not (t > 0.0 and math.isfinite(price) and forward > 0.0 and strike > 0.0):
        return math.nan
    discount = math.exp(-rate * t)
    intrinsic = max(forward - strike if is_call else strike - forward, 0.0)
    upper = discount * (forward if is_call else strike)
    tolerance = 1e-12 * max(1.0, upper)
    if price < discount * intrinsic - tolerance or price >= upper:
        return math.nan
    if price <= discount * intrinsic + tolerance:
        return 0.0
    value = price / discount - intrinsic  # undiscounted price of the OTM option
    x = math.log(forward / strike)
    sqrt_t = math.sqrt(t)
    # No OTM price at MIN_VOL exceeds the at-the-money one: F (2 N(sd/2) - 1) <= F sd / sqrt(2pi).
    at_most_min = value <= forward * _INV_SQRT_2PI * MIN_VOL * sqrt_t
    if at_most_min and _otm_value_at(forward, strike, x, MIN_VOL * sqrt_t) >= value:
        return MIN_VOL
    target = math.log(value)
    low, high = MIN_VOL, MAX_VOL
    vol = guess
    if not low < vol < high:
        vol = _initial_vol(value + max(forward - strike, 0.0), forward, strike, t)
    if not low < vol < high:
        vol = 0.5 * (low + high)
    max_checked = False
    for _ in range(_MAX_ITERATIONS):
        sd = vol * sqrt_t
        d1 = x / sd + 0.5 * sd
        d2 = d1 - sd
        model = _otm_value(forward, strike, d1, d2)
        error = math.log(model) - target if model > 0.0 else -math.inf
        if error > 0.0:
            high = vol
        elif error < 0.0:
            low = vol
        else:
            return vol
        step = math.nan
        tolerance = _HALLEY_TOLERANCE
        if model > 0.0:
            vega = forward * _INV_SQRT_2PI * math.exp(-0.5 * d1 * d1) * sqrt_t
            step = _halley_vol(vol, error, vega, model, d1, d2)
        if not low < step < high:
            tolerance = _VOL_TOLERANCE
            # Only a root above MAX_VOL can push every step out of a bracket never closed
            # from above: check that bound once, then bisect.
            if high == MAX_VOL and not max_checked:
                if _otm_value_at(forward, strike, x, MAX_VOL * sqrt_t) < value:
                    return math.nan
                max_checked = True
            step = 0.5 * (low + high)
        if abs(step - vol) <= tolerance * step:
            return step
        vol = step
    return vol


def implied_vol_array(
    price: ArrayLike,
    forward: ArrayLike,
    strike: ArrayLike,
    t: ArrayLike,
    rate: ArrayLike,
    is_call: ArrayLike,
) -> FloatArray:
    """:func:`implied_vol` of many prices at once (arguments broadcast together).

    Same method, bounds and results as the scalar function, iterated on arrays; always
    returns an array of the broadcast shape.
    """
    p, f, k, tt, r, call = np.broadcast_arrays(
        *(np.asarray(a, dtype=np.float64) for a in (price, forward, strike, t, rate)),
        np.asarray(is_call, dtype=bool),
    )
    out = np.full(p.shape, np.nan)
    with np.errstate(all="ignore"):
        usable = (tt > 0.0) & np.isfinite(p) & (f > 0.0) & (k > 0.0)
        discount = np.exp(-r * tt)
        intrinsic = np.maximum(np.where(call, f - k, k - f), 0.0)
        upper = discount * np.where(call, f, k)
        tolerance = 1e-12 * np.maximum(1.0, upper)
        lower = discount * intrinsic
        out[usable & (p >= lower - tolerance) & (p <= lower + tolerance)] = 0.0
        solve = usable & (p > lower + tolerance) & (p < upper)
        out[solve] = _solve_otm(
            p[solve] / discount[solve] - intrinsic[solve], f[solve], k[solve], tt[solve]
        )
    return out


def _otm_values(
    forward: FloatArray, strike: FloatArray, d1: FloatArray, d2: FloatArray
) -> FloatArray:
    calls = forward * ndtr(d1) - strike * ndtr(d2)
    puts = strike * ndtr(-d2) - forward * ndtr(-d1)
    values: FloatArray = np.where(strike >= forward, calls, puts)
    return values


def _solve_otm(
    value: FloatArray, forward: FloatArray, strike: FloatArray, t: FloatArray
) -> FloatArray:
    """Vectorised body of :func:`implied_vol` on OTM values strictly inside the bounds."""
    x = np.log(forward / strike)
    sqrt_t = np.sqrt(t)
    vol = np.full(value.shape, np.nan)
    bounds = [
        _otm_values(forward, strike, x / sd + 0.5 * sd, x / sd - 0.5 * sd)
        for sd in (MIN_VOL * sqrt_t, MAX_VOL * sqrt_t)
    ]
    at_min = bounds[0] >= value
    vol[at_min] = MIN_VOL
    active = ~at_min & (bounds[1] >= value)
    target = np.log(value)
    low, high = np.full(value.shape, MIN_VOL), np.full(value.shape, MAX_VOL)
    half_gap = 0.5 * (forward - strike)
    call_value = value + np.maximum(forward - strike, 0.0)
    excess = call_value - half_gap
    root = np.sqrt(np.maximum(excess * excess - 4.0 * half_gap * half_gap / math.pi, 0.0))
    sd0 = _SQRT_2PI / (forward + strike) * (excess + root)
    guess = np.where(sd0 > 0.0, sd0, _SQRT_2PI * call_value / forward) / sqrt_t
    guess = np.where((low < guess) & (guess < high), guess, 0.5 * (low + high))
    for _ in range(_MAX_ITERATIONS):
        if not active.any():
            break
        sd = guess * sqrt_t
        d1 = x / sd + 0.5 * sd
        d2 = d1 - sd
        model = _otm_values(forward, strike, d1, d2)
        priced = model > 0.0
        error = np.where(priced, np.log(model) - target, -np.inf)
        high = np.where(active & (error > 0.0), guess, high)
        low = np.where(active & (error < 0.0), guess, low)
        exact = active & (error == 0.0)
        vol[exact] = guess[exact]
        active &= ~exact
        vega = forward * _INV_SQRT_2PI * np.exp(-0.5 * d1 * d1) * sqrt_t
        halley = _halley_vol(guess, error, vega, model, d1, d2)
        inside = priced & (low < halley) & (halley < high)
        step = np.where(inside, halley, 0.5 * (low + high))
        tolerance = np.where(inside, _HALLEY_TOLERANCE, _VOL_TOLERANCE)
        done = active & (np.abs(step - guess) <= tolerance * step)
        vol[done] = step[done]
        active &= ~done
        guess = np.where(active, step, guess)
    vol[active] = guess[active]
    return vol


def forward_from_parity(
    call_price: float, put_price: float, strike: float, t: float, rate: float
) -> float:
    """Forward implied by put-call parity: ``F = K + (C - P) * exp(r t)``."""
    return strike + (call_price - put_price) * math.exp(rate * t)
