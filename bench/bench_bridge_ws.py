"""Fan-out of the bridge's event stream: 50 WebSocket clients at 5,000 events/s, on loopback.

A Nautilus ``MessageBus`` (the node's bus, on its own thread) publishes ``--rate`` events a
second for ``--seconds``; a subscriber on the bus hands each to the bridge's
:class:`~nautilus_options.bridge.stream.EventHub`, served by the bridge's server (uvicorn, its
own thread, this process) to ``--clients`` WebSocket clients subscribed to the topic, in
``--workers`` separate processes (as browsers would be). Delivery latency is the client's
receive time minus the event's ``ts`` (both wall clock, same machine); every client must get
every event.

Node throughput, in the same run: the bus publishing ``--burst`` events as fast as it can,
``--repeat`` times, to a no-op subscriber (baseline), then to the bridge's subscriber with
the bridge serving one socket subscribed to nothing (the cost of publishing), then with every
client connected and reading (each burst fully delivered before the next: the serving thread
shares the interpreter with the node); ratios are median rates over the baseline's.

Scheduling baseline, in the same run: while the events are paced, a thread of the node's
process sleeps 5 ms over and over and records how late it wakes; on a loaded machine the
latency's tail follows that lateness (time waiting for a core), not the bridge's work.

Usage::

    .venv/bin/python bench/bench_bridge_ws.py [--clients 50] [--rate 5000] [--seconds 10]
        [--burst 5000] [--repeat 5] [--json]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import platform
import statistics
import subprocess
import sys
import threading
import time
from collections import Counter
from typing import Any

import numpy as np
from fastapi import FastAPI
from nautilus_trader.common.component import LiveClock, MessageBus
from nautilus_trader.model.identifiers import TraderId
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import connect as sync_connect

from nautilus_options.bridge.principal import Principal, Scope
from nautilus_options.bridge.server import BridgeServer
from nautilus_options.bridge.stream import WS_PATH, EventHub, stream_router

TOKEN = "bench-token"
TOPIC = "events.bench"
BUCKET_MS = 0.1  # latency histogram resolution
WAIT_S = 300.0


# ------------------------------------------------------------------------ client processes
class _Clients:
    """``count`` clients in this process; prints ``reached N`` once all got event N."""

    def __init__(
        self, count: int, measured: range, milestones: list[int], compression: str | None
    ) -> None:
        self.count = count
        self.compression = compression
        self.measured = measured
        self.pending = {n: count for n in milestones}
        self.latencies: Counter[int] = Counter()

    def passed(self, n: int) -> None:
        self.pending[n] -= 1
        if self.pending[n] == 0:
            print(f"reached {n}", flush=True)

    async def client(self, url: str, last: int) -> dict[str, Any]:
        """Read until event ``last``; each frame's events are charged the latency of its oldest
        (an upper bound), read without decoding the whole frame to keep the client cheap."""
        received = 0
        async with connect(url, max_size=None, compression=self.compression) as ws:
            await ws.send(json.dumps({"type": "auth", "token": TOKEN}))
            await ws.send(json.dumps({"type": "subscribe", "topics": ["orders"]}))
            try:
                async for frame in ws:
                    now = time.time() * 1000
                    assert isinstance(frame, str)
                    events = frame.count('"type":"event"')
                    if not events:
                        continue
                    received += events
                    first = _number(frame, '"n":', frame.find('"type":"event"'))
                    newest = _number(frame, '"n":', frame.rfind('"type":"event"'))
                    oldest_ts = _number(frame, '"ts":', frame.find('"type":"event"'))
                    counted = len(
                        range(
                            max(int(first), self.measured.start),
                            min(int(newest) + 1, self.measured.stop),
                        )
                    )
                    if counted:
                        self.latencies[int((now - oldest_ts) / BUCKET_MS)] += counted
                    for n in [m for m in self.pending if first <= m <= newest]:
                        self.passed(n)
                    if newest >= last:
                        return {"received": received, "closed": None}
            except ConnectionClosed:
                pass
        return {"received": received, "closed": [ws.close_code, ws.close_reason]}

    async def run(self, url: str) -> None:
        last = max(self.pending)
        tasks = [asyncio.create_task(self.client(url, last)) for _ in range(self.count)]
        print("ready", flush=True)
        started = (time.process_time(), time.perf_counter())
        results = await asyncio.gather(*tasks)
        busy = (time.process_time() - started[0]) / (time.perf_counter() - started[1])
        print(json.dumps({"clients": results, "latencies": self.latencies, "cpu": busy}))


def _number(text: str, key: str, start: int) -> float:
    """The number after the first ``key`` at or after ``start`` in ``text``."""
    begin = text.index(key, start) + len(key)
    end = begin
    while text[end] not in ",}]":
        end += 1
    return float(text[begin:end])


# ------------------------------------------------------------------------------ the node
def _event(n: int) -> dict[str, Any]:
    return {"n": n, "client_order_id": f"O-{n}", "status": "ACCEPTED", "quantity": 65}


def _publish_paced(bus: MessageBus, rate: int, seconds: float) -> tuple[float, float]:
    """Publish ``rate`` events a second for ``seconds``: the rate achieved and the process's
    CPU share meanwhile (node and server threads together)."""
    total = int(rate * seconds)
    started, cpu = time.perf_counter(), time.process_time()
    n = 0
    while n < total:
        due = min(total, int((time.perf_counter() - started) * rate) + 1)
        while n < due:
            n += 1
            bus.publish(TOPIC, _event(n))
        time.sleep(0.0005)
    elapsed = time.perf_counter() - started
    return total / elapsed, (time.process_time() - cpu) / elapsed


class _Switch:
    """The bus subscriber: hands events to the hub, or drops them (the baseline)."""

    def __init__(self, hub: EventHub) -> None:
        self.hub = hub
        self.bridged = False

    def __call__(self, message: dict[str, Any]) -> None:
        if self.bridged:
            self.hub.publish("orders", message)

    def burst(self, bus: MessageBus, bridged: bool, first: int, count: int) -> float:
        """Publish ``count`` events as fast as possible; events a second."""
        self.bridged = bridged
        started = time.perf_counter()
        for n in range(first, first + count):
            bus.publish(TOPIC, _event(n))
        return count / (time.perf_counter() - started)


class _Lateness:
    """A thread that sleeps ``step_s`` over and over, recording how late it wakes (ms)."""

    def __init__(self, step_s: float = 0.005) -> None:
        self.step_s = step_s
        self.late_ms: list[float] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="lateness", daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            started = time.perf_counter()
            time.sleep(self.step_s)
            self.late_ms.append((time.perf_counter() - started - self.step_s) * 1000)

    def __enter__(self) -> _Lateness:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def quantiles(self) -> dict[str, float]:
        """p50, p99 and max lateness, ms."""
        late = np.array(self.late_ms)
        return {
            "late_p50_ms": round(float(np.quantile(late, 0.5)), 1),
            "late_p99_ms": round(float(np.quantile(late, 0.99)), 1),
            "late_max_ms": round(float(late.max()), 1),
        }


def _quantiles(histogram: Counter[int]) -> dict[str, float]:
    buckets = np.array(sorted(histogram))
    counts = np.array([histogram[b] for b in buckets]).cumsum()

    def q(p: float) -> float:
        return round(float(buckets[np.searchsorted(counts, p * counts[-1])] * BUCKET_MS), 1)

    return {"p50_ms": q(0.5), "p99_ms": q(0.99), "max_ms": q(1.0)}


def _wait_line(worker: subprocess.Popen[str], expected: str) -> None:
    assert worker.stdout is not None
    line = worker.stdout.readline().strip()
    if line != expected:
        raise RuntimeError(f"a client process said {line!r} instead of {expected!r}")


def _result(worker: subprocess.Popen[str]) -> dict[str, Any]:
    assert worker.stdout is not None
    output = worker.stdout.read()  # not communicate(): it would skip what readline buffered
    worker.wait(timeout=WAIT_S)
    if worker.returncode != 0 or not output.strip():
        raise RuntimeError(f"a client process ended with {worker.returncode}: {output[-500:]!r}")
    result: dict[str, Any] = json.loads(output)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--workers", type=int, default=2, help="client processes")
    parser.add_argument("--rate", type=int, default=5_000, help="events a second")
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--warmup", type=float, default=2.0, help="seconds paced, not counted")
    parser.add_argument("--burst", type=int, default=5_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument(
        "--deflate",
        action="store_true",
        help="clients offer permessage-deflate as browsers do (the bridge declines it)",
    )
    parser.add_argument("--json", action="store_true")
    parser.add_argument(
        "--client-process", nargs=5, metavar=("URL", "N", "MEASURED", "STONES", "COMPRESSION")
    )
    args = parser.parse_args()
    if args.client_process:
        url, count, measured, stones, compression = args.client_process
        start, stop = (int(n) for n in measured.split(":"))
        milestones = [int(n) for n in stones.split(",")]
        clients = _Clients(int(count), range(start, stop), milestones, compression or None)
        asyncio.run(clients.run(url))
        return

    hub = EventHub(epoch="bench")
    app = FastAPI()
    reader = Principal("bench", frozenset({Scope.READ}))
    app.include_router(stream_router(hub, {TOKEN: reader}.get), prefix="/api/v1")
    server = BridgeServer(app, port=0).start()
    url = f"ws://127.0.0.1:{server.port}{WS_PATH}"
    bus = MessageBus(trader_id=TraderId("BENCH-001"), clock=LiveClock())
    sink = _Switch(hub)
    bus.subscribe(TOPIC, sink)
    baseline: list[float] = []
    # The bridge attached (one socket subscribed to nothing), before any client connects;
    # bursts alternate with the baseline's, so both see the same machine.
    attached: list[float] = []
    with sync_connect(url) as idle:
        idle.send(json.dumps({"type": "auth", "token": TOKEN}))
        idle.send(json.dumps({"type": "subscribe", "topics": []}))
        while hub.connections < 1:
            time.sleep(0.01)
        for _ in range(args.repeat):
            baseline.append(sink.burst(bus, bridged=False, first=1, count=args.burst))
            attached.append(sink.burst(bus, bridged=True, first=1, count=args.burst))
    warm = int(args.rate * args.warmup)
    paced = warm + int(args.rate * args.seconds)
    milestones = [paced + k * args.burst for k in range(args.repeat + 1)]
    stones = ",".join(str(n) for n in milestones)
    shares = [
        args.clients // args.workers + (i < args.clients % args.workers)
        for i in range(args.workers)
    ]
    workers = [
        subprocess.Popen(
            [
                sys.executable,
                __file__,
                "--client-process",
                url,
                str(n),
                f"{warm + 1}:{paced + 1}",
                stones,
                "deflate" if args.deflate else "",
            ],
            stdout=subprocess.PIPE,
            text=True,
        )
        for n in shares
    ]
    for worker in workers:
        _wait_line(worker, "ready")
    deadline = time.monotonic() + WAIT_S
    while hub.connections < args.clients and time.monotonic() < deadline:
        time.sleep(0.01)

    sink.bridged = True
    with _Lateness() as lateness:
        rate, cpu = _publish_paced(bus, args.rate, args.warmup + args.seconds)
    bridged = []
    for k, milestone in enumerate(milestones):
        for worker in workers:
            _wait_line(worker, f"reached {milestone}")
        if k < args.repeat:
            baseline.append(sink.burst(bus, bridged=False, first=1, count=args.burst))
            bridged.append(sink.burst(bus, bridged=True, first=milestone + 1, count=args.burst))
    outputs = [_result(worker) for worker in workers]
    server.stop()

    histogram: Counter[int] = Counter()
    for output in outputs:
        histogram.update({int(k): v for k, v in output["latencies"].items()})
    closed = [c["closed"] for output in outputs for c in output["clients"] if c["closed"]]
    result = {
        "clients": args.clients,
        "deflate": args.deflate,
        "rate_target": args.rate,
        "rate_published": round(rate),
        "seconds": args.seconds,
        "warmup_s": args.warmup,
        "events": paced - warm,
        "deliveries": int(sum(histogram.values())),
        "deliveries_expected": (paced - warm) * args.clients,
        **_quantiles(histogram),
        **lateness.quantiles(),
        "server_process_cpu": round(cpu, 2),
        "client_process_cpu": [round(output["cpu"], 2) for output in outputs],
        "burst": args.burst,
        "node_events_per_s_baseline": round(statistics.median(baseline)),
        "node_events_per_s_bridge_no_clients": round(statistics.median(attached)),
        "node_events_per_s_with_bridge": round(statistics.median(bridged)),
        "throughput_ratio_no_clients": round(
            statistics.median(attached) / statistics.median(baseline), 3
        ),
        "throughput_ratio": round(statistics.median(bridged) / statistics.median(baseline), 3),
        "clients_closed": len(closed),
        "python": platform.python_version(),
    }
    if args.json:
        print(json.dumps(result))
        return
    print(
        f"fan-out: {args.clients} clients, {result['rate_published']} events/s for "
        f"{args.seconds:g} s ({paced - warm} events, after {args.warmup:g} s of warm-up), "
        f"compression {'on' if args.deflate else 'off'}"
    )
    print(f"  delivered {result['deliveries']} of {result['deliveries_expected']}")
    print(
        f"  latency p50 {result['p50_ms']} ms, p99 {result['p99_ms']} ms, "
        f"max {result['max_ms']} ms (target p99 < 50 ms)"
    )
    print(
        f"  scheduling baseline: a 5 ms sleep woke late by p50 {result['late_p50_ms']} ms, "
        f"p99 {result['late_p99_ms']} ms, max {result['late_max_ms']} ms"
    )
    print(
        f"  CPU share: node and server process {result['server_process_cpu']:.0%}, "
        f"client processes {', '.join(f'{c:.0%}' for c in result['client_process_cpu'])}"
    )
    print(
        f"node bus, {args.burst} events as fast as possible (medians of {args.repeat} bursts,"
        " alternating with the baseline's):"
    )
    print(f"  baseline (no-op subscriber)      {result['node_events_per_s_baseline']:>9} events/s")
    print(
        f"  bridge attached, no subscriber   {result['node_events_per_s_bridge_no_clients']:>9}"
        f" events/s  ratio {result['throughput_ratio_no_clients']}"
    )
    print(
        f"  bridge and its {args.clients} clients"
        f"       {result['node_events_per_s_with_bridge']:>9}"
        f" events/s  ratio {result['throughput_ratio']}"
    )
    print(f"  clients closed by the server: {len(closed)}")


if __name__ == "__main__":
    main()
