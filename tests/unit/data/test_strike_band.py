"""Laws of the strike band: the expiries a strategy can enter, the strikes it can reach."""

from __future__ import annotations

import numpy as np

from nautilus_options.data.band import ExpiryWindow, expiry_windows, strikes_in_band
from nautilus_options.domain.time import NS_PER_DAY

DAY = NS_PER_DAY


def test_an_expiry_opens_when_the_previous_one_has_fewer_than_min_days_left() -> None:
    windows = expiry_windows([10 * DAY, 17 * DAY, 24 * DAY], 0, 30 * DAY, min_days=2)
    assert [w.expiry_ns for w in windows] == [10 * DAY, 17 * DAY, 24 * DAY]
    assert windows[0].first_ns == 0
    assert windows[1].first_ns == 8 * DAY + 1
    assert windows[2].last_ns == 24 * DAY


def test_expiries_that_cannot_be_entered_in_the_range_are_dropped() -> None:
    # The run ends before the third expiry can be entered, and starts too late for the first.
    windows = expiry_windows([10 * DAY, 17 * DAY, 24 * DAY], 9 * DAY, 12 * DAY, min_days=2)
    assert [w.expiry_ns for w in windows] == [17 * DAY]


def test_strikes_within_reach_of_the_index_range_plus_one_listed_each_side() -> None:
    strikes = [float(s) for s in range(24_000, 28_001, 50)]
    times = np.array([0, DAY, 2 * DAY], dtype=np.int64)
    prices = np.array([25_900.0, 26_100.0, 26_000.0])
    kept = strikes_in_band(strikes, times, prices, ExpiryWindow(3 * DAY, 0, 2 * DAY), _reach)
    assert min(kept) == 25_900 - 300 - 50
    assert max(kept) == 26_100 + 300 + 50


def test_every_strike_is_kept_without_index_prices_in_the_window() -> None:
    strikes = [100.0, 200.0]
    empty = np.array([], dtype=np.int64)
    kept = strikes_in_band(strikes, empty, np.array([]), ExpiryWindow(DAY, 0, DAY), _reach)
    assert kept == {100.0, 200.0}


def _reach(level: float, years: float) -> float:
    return 300.0
