"""Per-call time of ``domain.pricing`` against NautilusTrader's Rust Black-Scholes kernels.

Solves the implied vol of every quoted strike of a NIFTY-like chain (forward 24,500, strikes
22,500-26,500 every 50 points, calls and puts, 5 days to expiry, a vol smile) with
:func:`~nautilus_options.domain.pricing.implied_vol` and with ``nautilus_pyo3.imply_vol``
(generalised Black-Scholes with zero carry, i.e. Black-76) in the same run, and the greeks
with :func:`~nautilus_options.domain.pricing.black76_greeks` and
``nautilus_pyo3.black_scholes_greeks``. Also times
:func:`~nautilus_options.domain.pricing.implied_vol_array` over the whole chain at once.
Each figure is the best of ``--repeat`` timed loops (``timeit`` convention).

Usage::

    .venv/bin/python bench/bench_pricing.py [--repeat N] [--json]
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import timeit
from collections.abc import Callable
from typing import Any

import numpy as np
from nautilus_trader.core.nautilus_pyo3 import black_scholes_greeks, imply_vol

from nautilus_options.domain.pricing import (
    black76_greeks,
    black76_price,
    implied_vol,
    implied_vol_array,
)

FORWARD, T, RATE = 24_500.0, 5.0 / 365.0, 0.065
TARGET_MICROS = 20.0
TICK = 0.05


def chain() -> list[tuple[float, float, bool, float]]:
    """``(price, strike, is_call, vol)`` of every strike worth at least one tick."""
    rows = []
    for strike in np.arange(22_500.0, 26_501.0, 50.0):
        vol = 0.13 + 0.4 * math.log(strike / FORWARD) ** 2
        for is_call in (True, False):
            price = black76_price(FORWARD, float(strike), T, vol, RATE, is_call)
            if price >= TICK:
                rows.append((price, float(strike), is_call, vol))
    return rows


def per_call_micros(fn: Callable[[], object], calls: int, repeat: int) -> float:
    """Best time of ``repeat`` loops of ``fn`` divided by the ``calls`` it makes, in µs."""
    loops = max(1, 20_000 // calls)
    best = min(timeit.repeat(fn, number=loops, repeat=repeat))
    return best / (loops * calls) * 1e6


def measure(repeat: int) -> dict[str, Any]:
    """Time each solver on the chain and check that they agree."""
    rows = chain()
    prices = np.array([r[0] for r in rows])
    strikes = np.array([r[1] for r in rows])
    calls = np.array([r[2] for r in rows])
    ours = [implied_vol(p, FORWARD, k, T, RATE, c) for p, k, c, _ in rows]
    theirs = [imply_vol(FORWARD, RATE, 0.0, c, k, T, p) for p, k, c, _ in rows]
    worst = max(abs(a - b) / b for a, b in zip(ours, theirs, strict=True))
    timings = {
        "implied_vol": lambda: [implied_vol(p, FORWARD, k, T, RATE, c) for p, k, c, _ in rows],
        "nautilus_imply_vol": lambda: [
            imply_vol(FORWARD, RATE, 0.0, c, k, T, p) for p, k, c, _ in rows
        ],
        "black76_greeks": lambda: [
            black76_greeks(FORWARD, k, T, v, RATE, c) for _, k, c, v in rows
        ],
        "nautilus_black_scholes_greeks": lambda: [
            black_scholes_greeks(FORWARD, RATE, 0.0, v, c, k, T) for _, k, c, v in rows
        ],
        "implied_vol_array": lambda: implied_vol_array(prices, FORWARD, strikes, T, RATE, calls),
    }
    micros = {name: per_call_micros(fn, len(rows), repeat) for name, fn in timings.items()}
    return {
        "options": len(rows),
        "micros_per_option": micros,
        "implied_vol_ratio": micros["implied_vol"] / micros["nautilus_imply_vol"],
        "greeks_ratio": micros["black76_greeks"] / micros["nautilus_black_scholes_greeks"],
        "max_rel_diff_vs_nautilus": worst,
        "target_micros": TARGET_MICROS,
        "meets_target": micros["implied_vol"] < TARGET_MICROS,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5, help="timed loops per figure (best)")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args()
    result = measure(args.repeat)
    if args.json:
        print(json.dumps(result))
        return 0
    print(f"{result['options']} options of one expiry, µs per option (best of {args.repeat}):")
    for name, value in result["micros_per_option"].items():
        print(f"  {name:<30} {value:8.2f}")
    verdict = "meets" if result["meets_target"] else "MISSES"
    print(
        f"implied_vol / Rust imply_vol = {result['implied_vol_ratio']:.1f}x "
        f"({verdict} the {TARGET_MICROS:.0f} µs target); black76_greeks / Rust greeks = "
        f"{result['greeks_ratio']:.1f}x; max relative vol difference "
        f"{result['max_rel_diff_vs_nautilus']:.1e}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
