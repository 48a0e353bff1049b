"""A Kite simulator in its own process for the restart tests (it outlives the node's kills).

Prints one JSON line (url, ws_url, api_key, api_secret, admin_key) and serves until
stdin closes or it is terminated.
"""

from __future__ import annotations

import json
import sys

from nautilus_options.simulator import KiteSimulator, SimulatorConfig


def main() -> None:
    """Start the simulator, say where it is, serve until stdin closes."""
    sim = KiteSimulator(
        SimulatorConfig(
            session="always",
            underlyings=("NIFTY",),
            expiries=1,
            strikes_each_side=6,
            tick_interval=0.5,
            partial_fills=False,
            rate_limit_scale=20.0,
        )
    ).start()
    keys = ("url", "ws_url", "api_key", "api_secret", "admin_key")
    print(json.dumps({key: getattr(sim, key) for key in keys}), flush=True)
    try:
        sys.stdin.read()
    finally:
        sim.stop()


if __name__ == "__main__":
    main()
