"""Ticker broadcast of a 200-instrument NIFTY chain in full mode to one client on loopback.

The simulator (NIFTY only, 2 expiries x 51 strikes x CE/PE = 204 options + the index) steps
its market every ``--interval`` seconds and broadcasts what changed (after every step,
or conflated over ``--broadcast`` seconds) to one WebSocket client subscribed to every
instrument in full mode; the client, in its own process as a trading node would be,
counts packets for ``--seconds``. Frame delay is the time from the frame being queued for
the connection (server side) to the client receiving it, both read from ``time.monotonic_ns`` (one
system-wide clock) and matched by the frame's CRC-32.

Baselines, in the same run and process:

* ``raw``: a bare ``websockets`` server on loopback sending the same pre-encoded frames
  (205 full packets) as fast as the same client process reads them: the transport's ceiling;
  the ratio ``broadcast / raw`` is the share of it the simulator reaches;
* ``encode``: the vectorised encoder alone on the chain (no I/O, server idle).

Usage::

    .venv/bin/python bench/bench_sim_ticker.py [--seconds 10] [--interval 0.005] [--json]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import platform
import subprocess
import sys
import threading
import time
import zlib
from typing import Any

import numpy as np
from websockets.asyncio.server import serve
from websockets.sync.client import connect

from nautilus_options.simulator import KiteSimulator, SimulatorConfig
from nautilus_options.simulator.ticker import server as ticker_server
from nautilus_options.simulator.ticker.encoder import MODE_CODE, encode_rows

TARGET_PACKETS_PER_S = 20_000


def client(url: str, seconds: float, subscribe: bool) -> None:
    """The client process: receive for ``seconds``, print frames as (crc32, packets, ns)."""
    with connect(url, max_size=None, compression=None) as ws:
        if subscribe:
            tokens = json.loads(sys.stdin.readline())
            ws.send(json.dumps({"a": "subscribe", "v": tokens}))
            ws.send(json.dumps({"a": "mode", "v": ["full", tokens]}))
        warm = time.monotonic() + 1.0
        while time.monotonic() < warm:
            ws.recv(timeout=5)
        seen: list[tuple[int, int, int]] = []
        started = time.monotonic()
        while time.monotonic() - started < seconds:
            message = ws.recv(timeout=5)
            now = time.monotonic_ns()
            if isinstance(message, bytes) and len(message) > 1:
                seen.append((zlib.crc32(message), int.from_bytes(message[:2], "big"), now))
        print(json.dumps({"elapsed": time.monotonic() - started, "frames": seen}), flush=True)


def run_client(url: str, seconds: float, tokens: list[int] | None = None) -> dict[str, Any]:
    """Run :func:`client` in a subprocess and return what it printed."""
    args = [sys.executable, __file__, "--client", url, "--seconds", str(seconds)]
    if tokens is not None:
        args.append("--subscribe")
    process = subprocess.run(
        args,
        input=json.dumps(tokens) + "\n" if tokens is not None else "",
        capture_output=True,
        text=True,
        timeout=seconds + 60,
        check=True,
    )
    result: dict[str, Any] = json.loads(process.stdout)
    return result


QUEUED: dict[int, int] = {}


def raw_baseline(frame: bytes, seconds: float) -> float:
    """Packets/s of a bare websockets server sending ``frame`` in a loop to one client."""
    ready, stop = threading.Event(), threading.Event()
    port: list[int] = []

    async def handler(ws: Any) -> None:
        with contextlib.suppress(Exception):
            while not stop.is_set():
                await ws.send(frame)

    async def main() -> None:
        async with serve(handler, "127.0.0.1", 0, compression=None, max_size=None) as server:
            port.append(server.sockets[0].getsockname()[1])
            ready.set()
            while not stop.is_set():
                await asyncio.sleep(0.05)

    thread = threading.Thread(target=asyncio.run, args=(main(),), daemon=True)
    thread.start()
    ready.wait(10)
    seen = run_client(f"ws://127.0.0.1:{port[0]}", seconds)
    stop.set()
    thread.join(10)
    return sum(p for _, p, _ in seen["frames"]) / float(seen["elapsed"])


def encode_baseline(sim: KiteSimulator, seconds: float = 2.0) -> tuple[float, bytes]:
    """Packets/s of the vectorised encoder on the whole chain in full mode; one frame."""
    table = sim.call(lambda core: core.hub.table)
    rows = np.arange(len(table.tokens))
    modes = np.full(len(rows), MODE_CODE["full"], dtype=np.int8)
    frame = encode_rows(table, rows, modes)
    packets = 0
    started = time.perf_counter()
    while time.perf_counter() - started < seconds:
        encode_rows(table, rows, modes)
        packets += len(rows)
    return packets / (time.perf_counter() - started), frame


def percentile(values: list[float], q: float) -> float | None:
    """The ``q`` quantile in ms, or None without values."""
    return round(float(np.quantile(values, q)) * 1000, 3) if values else None


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--interval", type=float, default=0.005, help="market step interval (s)")
    parser.add_argument(
        "--broadcast", type=float, default=0.0, help="least broadcast interval (s; 0: every step)"
    )
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--client", help=argparse.SUPPRESS)
    parser.add_argument("--subscribe", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.client:
        client(args.client, args.seconds, args.subscribe)
        return

    original_put = ticker_server.Connection.put

    def timed_put(self: Any, message: bytes | str) -> None:
        if isinstance(message, bytes) and len(message) > 1:
            QUEUED[zlib.crc32(message)] = time.monotonic_ns()
        original_put(self, message)

    ticker_server.Connection.put = timed_put  # type: ignore[method-assign]
    config = SimulatorConfig(
        session="always",
        underlyings=("NIFTY",),
        expiries=2,
        strikes_each_side=25,
        tick_interval=args.interval,
        broadcast_interval=args.broadcast,
        heartbeat_interval=5.0,
    )
    with KiteSimulator(config) as sim:
        from kiteconnect import KiteConnect

        kite = KiteConnect(sim.api_key, root=sim.url)
        kite.generate_session("bench", sim.api_secret)
        tokens = sim.call(lambda core: list(core.market.quotes))
        url = f"{sim.ws_url}/?api_key={sim.api_key}&access_token={kite.access_token}"
        seen = run_client(url, args.seconds, tokens)
        elapsed = float(seen["elapsed"])
        frames = len(seen["frames"])
        packets = sum(p for _, p, _ in seen["frames"])
        delays = [(ns - QUEUED[crc]) / 1e9 for crc, _, ns in seen["frames"] if crc in QUEUED]
        steps = sim.call(lambda core: core.steps)
        time.sleep(0.2)  # let the server go idle before the encoder baseline
        encode_rate, frame = encode_baseline(sim)
    ticker_server.Connection.put = original_put  # type: ignore[method-assign]
    raw_rate = raw_baseline(frame, min(args.seconds, 5.0))
    rate = packets / elapsed
    result = {
        "instruments": len(tokens),
        "seconds": round(elapsed, 2),
        "frames": frames,
        "packets": packets,
        "packets_per_s": round(rate),
        "target_packets_per_s": TARGET_PACKETS_PER_S,
        "meets_target": rate >= TARGET_PACKETS_PER_S,
        "frame_delay_p50_ms": percentile(delays, 0.5),
        "frame_delay_p99_ms": percentile(delays, 0.99),
        "market_steps": steps,
        "raw_send_baseline_packets_per_s": round(raw_rate),
        "ratio_to_raw_send": round(rate / raw_rate, 3),
        "encode_baseline_packets_per_s": round(encode_rate),
        "ratio_to_encode": round(rate / encode_rate, 3),
        "python": platform.python_version(),
    }
    if args.json:
        print(json.dumps(result))
        return
    for key, value in result.items():
        print(f"{key:<32} {value}")


if __name__ == "__main__":
    main()
