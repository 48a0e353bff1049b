"""The generated option chains have no static arbitrage at their quoted prices.

Laws, for every quote time and expiry of a generated market, calls and puts alike:

* buying any butterfly at the asks and selling its body at the bid never pays a credit;
* no vertical spread can be bought for a credit, or sold for more than its width;
* mid prices are convex in strike, up to the rounding of bid and ask to the tick.
"""

from __future__ import annotations

from datetime import date

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from nautilus_options.data import market_model
from nautilus_options.data.market_config import SyntheticMarketConfig
from nautilus_options.domain.nse import contract_spec, expiry_ns

TICK = market_model.TICK
EPS = 1e-9

configs = st.builds(
    SyntheticMarketConfig,
    underlying=st.sampled_from(["NIFTY", "BANKNIFTY"]),
    start=st.sampled_from([date(2026, 1, 5), date(2026, 1, 12), date(2026, 1, 27)]),
    days=st.integers(1, 3),
    seed=st.integers(0, 2**32),
    strikes_each_side=st.integers(5, 40),
    expiries=st.integers(1, 2),
    bar_minutes=st.sampled_from([15, 25, 75, 125]),
    atm_vol=st.floats(0.05, 0.6),
    skew=st.floats(-0.4, 0.2),
    smile=st.floats(0.0, 0.15),
    term_slope=st.floats(-0.1, 0.1),
    jumps_per_day=st.floats(0, 3),
    wing_widening=st.floats(0, 0.5),
)


def _chains(config: SyntheticMarketConfig) -> list[tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """(strikes, bid, ask) of every day and expiry; bid/ask of shape (2, steps, strikes)."""
    rng = np.random.default_rng(config.seed)
    path = market_model.simulate_index(config, rng)
    chain, _ = market_model.chain(config, [float(p[0]) for p in path.price])
    out = []
    for day, today in enumerate(chain):
        ts, spot, vol = path.ts[day][:-2], path.price[day][:-2], path.atm_vol[day]
        for expiry, strikes in today:
            alive = ts < np.uint64(expiry_ns(expiry))
            k = np.asarray(strikes, dtype=np.float64)
            lot = contract_spec(config.underlying, expiry).lot_size
            bid, ask, _, _ = market_model.quote_day(
                config, rng, ts[alive], spot[alive], vol[alive], expiry, k, lot
            )
            out.append((k, bid, ask))
    return out


def _butterflies(k: np.ndarray, bid: np.ndarray, ask: np.ndarray) -> np.ndarray:
    """Cost of buying each (possibly broken-wing) butterfly of adjacent strikes at bid/ask."""
    left, right = k[1:-1] - k[:-2], k[2:] - k[1:-1]
    return (ask[..., :-2] * right + ask[..., 2:] * left - bid[..., 1:-1] * (left + right)) / (
        left + right
    )


@given(configs)
def test_generated_chains_have_no_static_arbitrage(config: SyntheticMarketConfig) -> None:
    for k, bid, ask in _chains(config):
        assert np.all(bid >= TICK - EPS)
        assert np.all(ask > bid)
        if k.size < 3:
            continue
        calls, puts = (bid[0], ask[0]), (bid[1], ask[1])
        for side_bid, side_ask in (calls, puts):
            assert _butterflies(k, side_bid, side_ask).min() >= -EPS
            mid = (side_bid + side_ask) / 2
            assert _butterflies(k, mid, mid).min() >= -2 * TICK - EPS
        width = k[None, None, :] - k[None, :, None]  # [i, j] = K_j - K_i
        upper = np.triu(np.ones((k.size, k.size), dtype=bool), 1)[None]
        # Calls: buying K_i and selling K_j > K_i costs something, and at most K_j - K_i.
        call_cost = calls[1][:, :, None] - calls[0][:, None, :]
        call_credit = calls[0][:, :, None] - calls[1][:, None, :]
        assert np.where(upper, call_cost, 1.0).min() >= -EPS
        assert np.where(upper, call_credit - width, -1.0).max() <= EPS
        # Puts: buying K_j and selling K_i < K_j likewise.
        put_cost = puts[1][:, None, :] - puts[0][:, :, None]
        put_credit = puts[0][:, None, :] - puts[1][:, :, None]
        assert np.where(upper, put_cost, 1.0).min() >= -EPS
        assert np.where(upper, put_credit - width, -1.0).max() <= EPS


def test_the_default_market_has_no_butterfly_credit() -> None:
    """The embedded default's first week, at full size (the outside review found 42)."""
    config = SyntheticMarketConfig(days=5, bar_minutes=5)
    credits = sum(
        int((_butterflies(k, bid[side], ask[side]) < -EPS).sum())
        for k, bid, ask in _chains(config)
        for side in (0, 1)
    )
    assert credits == 0
