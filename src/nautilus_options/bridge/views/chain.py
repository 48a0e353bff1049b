"""The option chain of one expiry with implied volatilities and Black-76 Greeks.

The forward comes from put-call parity near the money (as the strategy's strike selection
uses it); each contract with a two-sided quote gets the implied volatility of its mid and
the Greeks at that volatility, with the fractional time to expiry.
"""

from __future__ import annotations

import math
from datetime import date

import numpy as np
from nautilus_trader.cache.base import CacheFacade
from nautilus_trader.model.instruments import OptionContract

from nautilus_options.bridge.schemas.chain import ChainOut, ChainRow, QuoteGreeks
from nautilus_options.bridge.views.times import utc
from nautilus_options.bridge.views.trading import index_price, touch
from nautilus_options.domain.pricing import black76_greeks, implied_vol, year_fraction
from nautilus_options.domain.quotes import mid_price
from nautilus_options.domain.spreads import Right
from nautilus_options.domain.time import ist_date
from nautilus_options.portfolio import option_right
from nautilus_options.strategy.selection import Chain, parity_forward

_RIGHTS: tuple[Right, Right] = ("CE", "PE")


def _options(cache: CacheFacade, underlying: str) -> list[OptionContract]:
    """The cached option contracts of ``underlying``."""
    return [
        instrument
        for instrument in cache.instruments()
        if isinstance(instrument, OptionContract) and instrument.underlying == underlying
    ]


def lists_options(cache: CacheFacade, underlying: str) -> bool:
    """Whether the node lists any option of ``underlying``."""
    return bool(_options(cache, underlying))


def chain_out(
    cache: CacheFacade,
    underlying: str,
    expiry: date | None,
    now_ns: int,
    rate: float,
) -> ChainOut | None:
    """The chain of ``underlying`` for the expiry on IST day ``expiry`` (default: the
    nearest one not yet expired); None when no such expiry is listed."""
    options = _options(cache, underlying)
    expiries = sorted({option.expiration_ns for option in options if option.expiration_ns > now_ns})
    chosen = [ns for ns in expiries if expiry is None or ist_date(ns) == expiry]
    if not chosen:
        return None
    expiry_ns = chosen[0]
    series = {
        (option.strike_price.as_double(), option_right(option)): option
        for option in options
        if option.expiration_ns == expiry_ns
    }
    strikes = sorted({strike for strike, _ in series})
    touches = {key: touch(cache, option.id) for key, option in series.items()}
    spot = index_price(cache, underlying)
    t = year_fraction(now_ns, expiry_ns)
    forward = spot
    if spot is not None:
        arrays = {
            (right, side): np.array(
                [touches.get((strike, right), (0.0, 0.0))[side] for strike in strikes]
            )
            for right in _RIGHTS
            for side in (0, 1)
        }
        chain = Chain(
            np.array(strikes),
            arrays[("CE", 0)],
            arrays[("CE", 1)],
            arrays[("PE", 0)],
            arrays[("PE", 1)],
            spot,
            expiry_ns,
        )
        forward = parity_forward(chain, t, rate)
    rows = [
        ChainRow(
            strike=strike,
            call=_quote(series, touches, strike, "CE", forward, t, rate),
            put=_quote(series, touches, strike, "PE", forward, t, rate),
        )
        for strike in strikes
    ]
    return ChainOut(
        underlying=underlying,
        expiry=utc(expiry_ns),
        expiries=[utc(ns) for ns in expiries],
        spot=spot,
        forward=forward,
        years_to_expiry=t,
        rate=rate,
        rows=rows,
    )


def _quote(
    series: dict[tuple[float, Right], OptionContract],
    touches: dict[tuple[float, Right], tuple[float, float]],
    strike: float,
    right: Right,
    forward: float | None,
    t: float,
    rate: float,
) -> QuoteGreeks | None:
    option = series.get((strike, right))
    if option is None:
        return None
    bid, ask = touches[(strike, right)]
    mid = mid_price(bid, ask)
    iv = delta = gamma = theta = vega = None
    if mid is not None and forward is not None and t > 0:
        vol = implied_vol(mid, forward, strike, t, rate, right == "CE")
        if math.isfinite(vol) and vol > 0:
            greeks = black76_greeks(forward, strike, t, vol, rate, right == "CE")
            iv, delta, gamma = vol, greeks.delta, greeks.gamma
            theta, vega = greeks.theta, greeks.vega
    return QuoteGreeks(
        instrument_id=option.id.value,
        bid=bid or None,
        ask=ask or None,
        mid=mid,
        iv=iv,
        delta=delta,
        gamma=gamma,
        theta=theta,
        vega=vega,
    )
