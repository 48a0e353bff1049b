"""Ticker broadcast of a 200-instrument NIFTY chain in full mode to one client on loopback.

The simulator (NIFTY only, 2 expiries x 51 strikes x CE/PE = 204 options + the index) steps
its market every ``--interval`` seconds and broadcasts every instrument in full mode to
one WebSocket client, which counts packets for ``--seconds``. Frame delay is the time from
the frame being queued for the connection (server side) to the client receiving it, both
read from ``time.perf_counter`` in this one process (server in its thread, client in the
main thread: they share the GIL, so the figures are a floor on what separate processes
would do). Baseline, in the same run: the raw encode rate of the same 205 full packets
into frames with no network; the ratio is broadcast packets/s over encode packets/s.

Usage::

    .venv/bin/python bench/bench_sim_ticker.py [--seconds 10] [--interval 0.005] [--json]
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import time
from typing import Any

from websockets.sync.client import connect

from nautilus_options.simulator import KiteSimulator, SimulatorConfig
from nautilus_options.simulator.ticker import server as ticker_server
from nautilus_options.simulator.ticker.encoder import encode_frame, encode_packet

TARGET_PACKETS_PER_S = 20_000


def encode_baseline(sim: KiteSimulator, seconds: float = 2.0) -> float:
    """Packets/s of encoding the chain's full packets into frames (no I/O)."""
    quotes = sim.call(lambda core: list(core.market.quotes.values()))
    indices = sim.call(lambda core: set(core.hub.indices))
    packets = 0
    started = time.perf_counter()
    while time.perf_counter() - started < seconds:
        encode_frame([encode_packet(q, "full", q.token not in indices) for q in quotes])
        packets += len(quotes)
    return packets / (time.perf_counter() - started)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--interval", type=float, default=0.005, help="market step interval (s)")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()

    queued: dict[int, float] = {}
    original_put = ticker_server.Connection.put

    def timed_put(self: Any, message: bytes | str) -> None:
        if isinstance(message, bytes) and len(message) > 1:
            queued[hash(message)] = time.perf_counter()
        original_put(self, message)

    ticker_server.Connection.put = timed_put  # type: ignore[method-assign]
    config = SimulatorConfig(
        session="always",
        underlyings=("NIFTY",),
        expiries=2,
        strikes_each_side=25,
        tick_interval=args.interval,
        heartbeat_interval=5.0,
    )
    with KiteSimulator(config) as sim:
        from kiteconnect import KiteConnect

        kite = KiteConnect(sim.api_key, root=sim.url)
        kite.generate_session("bench", sim.api_secret)
        tokens = sim.call(lambda core: list(core.market.quotes))
        delays: list[float] = []
        packets = frames = 0
        with connect(
            f"{sim.ws_url}/?api_key={sim.api_key}&access_token={kite.access_token}", max_size=None
        ) as ws:
            ws.send(json.dumps({"a": "subscribe", "v": tokens}))
            ws.send(json.dumps({"a": "mode", "v": ["full", tokens]}))
            warm_until = time.perf_counter() + 1.0
            while time.perf_counter() < warm_until:
                ws.recv(timeout=5)
            started = time.perf_counter()
            while time.perf_counter() - started < args.seconds:
                message = ws.recv(timeout=5)
                received = time.perf_counter()
                if not isinstance(message, bytes) or len(message) <= 1:
                    continue
                frames += 1
                packets += int.from_bytes(message[:2], "big")
                sent = queued.pop(hash(message), None)
                if sent is not None:
                    delays.append(received - sent)
            elapsed = time.perf_counter() - started
        steps = sim.call(lambda core: core.steps)
        baseline = encode_baseline(sim)
    ticker_server.Connection.put = original_put  # type: ignore[method-assign]
    rate = packets / elapsed
    delays.sort()
    result = {
        "instruments": len(tokens),
        "seconds": round(elapsed, 2),
        "frames": frames,
        "packets": packets,
        "packets_per_s": round(rate),
        "target_packets_per_s": TARGET_PACKETS_PER_S,
        "frame_delay_p50_ms": round(statistics.median(delays) * 1000, 3) if delays else None,
        "frame_delay_p99_ms": round(delays[int(len(delays) * 0.99) - 1] * 1000, 3)
        if delays
        else None,
        "encode_baseline_packets_per_s": round(baseline),
        "ratio_to_encode_baseline": round(rate / baseline, 3),
        "market_steps": steps,
        "python": platform.python_version(),
    }
    if args.json:
        print(json.dumps(result))
        return
    for key, value in result.items():
        print(f"{key:<32} {value}")


if __name__ == "__main__":
    main()
