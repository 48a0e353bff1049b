"""Order placement round trip on the Kite simulator with the official client, over loopback.

A ``kiteconnect.KiteConnect`` places ``--orders`` resting NIFTY limit orders (far below the
bid, so none fills) one after another and times each ``place_order`` call. Baseline, in the
same run: the round trip of ``GET /user/profile`` (auth, rate-limit check and envelope, no
order book), interleaved with the placements; the ratio is placement p50 over profile p50.

Usage::

    .venv/bin/python bench/bench_sim_orders.py [--orders 500] [--json]
"""

from __future__ import annotations

import argparse
import json
import platform
import time

import numpy as np
from kiteconnect import KiteConnect

from nautilus_options.simulator import KiteSimulator, SimulatorConfig


def ms(values: list[float], q: float) -> float:
    """The ``q`` quantile of ``values`` (seconds) in ms."""
    return round(float(np.quantile(values, q)) * 1000, 3)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--orders", type=int, default=500)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    config = SimulatorConfig(
        session="always", underlyings=("NIFTY",), rate_limit_scale=1e6, opening_balance=1e12
    )
    with KiteSimulator(config) as sim:
        kite = KiteConnect(sim.api_key, root=sim.url)
        kite.generate_session("bench", sim.api_secret)
        rows = [r for r in kite.instruments("NFO") if r["instrument_type"] == "PE"]
        symbol = sorted(rows, key=lambda r: (r["expiry"], -r["strike"]))[0]["tradingsymbol"]
        key = f"NFO:{symbol}"
        bid = kite.quote(key)[key]["depth"]["buy"][0]["price"]
        price = round(max(0.05, round(bid * 0.8 / 0.05) * 0.05), 2)
        place: list[float] = []
        profile: list[float] = []
        for _ in range(args.orders):
            started = time.perf_counter()
            kite.place_order("regular", "NFO", symbol, "BUY", 65, "NRML", "LIMIT", price=price)
            place.append(time.perf_counter() - started)
            started = time.perf_counter()
            kite.profile()
            profile.append(time.perf_counter() - started)
    result = {
        "orders": args.orders,
        "place_p50_ms": ms(place, 0.5),
        "place_p99_ms": ms(place, 0.99),
        "profile_p50_ms": ms(profile, 0.5),
        "profile_p99_ms": ms(profile, 0.99),
        "ratio_place_to_profile_p50": round(ms(place, 0.5) / ms(profile, 0.5), 2),
        "python": platform.python_version(),
    }
    if args.json:
        print(json.dumps(result))
        return
    for name, value in result.items():
        print(f"{name:<28} {value}")


if __name__ == "__main__":
    main()
