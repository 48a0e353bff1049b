"""Zerodha adapter benchmarks, in one run (figures are printed, not asserted).

1. Ticker decoder against the official client's parser on full-mode frames of 200 packets
   (target: at least 10x faster).
2. Tick to ``on_quote_tick`` latency on loopback at 5,000 ticks/s (target p99 < 2 ms). The
   tick source is **its own process** (a WebSocket server sending full-mode frames made by
   the simulator's encoder, 25 packets a frame), and so is the simulator (REST, order
   updates): the node's process runs only the node. Each quote's bid carries its sequence
   number; the sender records ``time.time_ns()`` as it sends each frame and hands the
   times back at the end, so send and receive are compared on the same (system) clock.
   The same run measures a **baseline**: a bare ``websockets`` receive loop in the node's
   process reading the same stream (its latency is the floor of loopback + the event loop).
3. Order placement round trip (submit to ``OrderFilled``) against the simulator.

``--profile`` runs the node's tick phase under cProfile and prints where the receive path
(websocket recv -> decode -> ``_handle_data`` -> data engine -> strategy) spends its time.

Run: ``.venv/bin/python bench/bench_adapter_zerodha.py [--profile]``
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import io
import multiprocessing as mp
import os
import pstats
import struct
import sys
import tempfile
import time
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import numpy as np
from kiteconnect import KiteConnect, KiteTicker

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests/integration/adapters/zerodha"))

from nautilus_options.adapters.zerodha.parsing.ticker import decode_frame
from nautilus_options.simulator import SimulatorConfig
from nautilus_options.simulator.market.state import Quote
from nautilus_options.simulator.ticker.encoder import encode_frame, encode_packet


def _quote(token: int, bid: float) -> Quote:
    bids = [(round(bid - 0.05 * i, 2), 65, 1) for i in range(5)]
    asks = [(round(bid + 0.05 * (i + 1), 2), 65, 1) for i in range(5)]
    return Quote(
        token,
        last_price=bid,
        last_quantity=65,
        volume=1000,
        average_price=bid,
        open=bid,
        high=bid,
        low=bid,
        close=bid,
        last_trade_time=1_764_400_000,
        timestamp=1_764_400_000,
        bids=bids,
        asks=asks,
    )


def bench_decoder() -> None:
    frame = encode_frame(
        [encode_packet(_quote(10240002 + 256 * i, 100 + i), "full", True) for i in range(200)]
    )
    official = KiteTicker("k", "t")
    repeats = 300
    start = time.perf_counter()
    for _ in range(repeats):
        official._parse_binary(frame)
    theirs = (time.perf_counter() - start) / repeats
    start = time.perf_counter()
    for _ in range(repeats * 10):
        decode_frame(frame)
    ours = (time.perf_counter() - start) / (repeats * 10)
    print(
        f"decoder, full frames of 200 packets: ours {ours * 1e6:.1f} us, "
        f"official {theirs * 1e6:.1f} us, "
        f"ratio {theirs / ours:.1f}x (target >= 10x)"
    )


RATE, PER_FRAME, TOTAL = 5_000, 25, 25_000
BID0, STEP = 100.0, 0.05


def _percentiles(values: list[float] | np.ndarray) -> tuple[float, float]:
    p50, p99 = np.percentile(values, [50, 99])
    return float(p50), float(p99)


def _show(values: list[float] | np.ndarray) -> str:
    p50, p99 = _percentiles(values)
    return f"p50 {p50:.3f} ms, p99 {p99:.3f} ms (n={len(values)})"


# -- the tick source (its own process) ------------------------------------------------------
def tick_source(tokens: list[int], conn: Any) -> None:
    """Serve one full stream per subscribing connection; send each stream's send times back."""
    from websockets.asyncio.server import serve

    async def stream(ws: Any) -> None:
        async for message in ws:  # the order-update connection never subscribes
            if '"subscribe"' in str(message):
                break
        else:
            return
        await asyncio.sleep(0.5)  # let the mode message through
        frames = TOTAL // PER_FRAME
        sent = np.zeros(frames, dtype=np.int64)
        interval, next_at = PER_FRAME / RATE, time.perf_counter()
        for index in range(frames):
            seq0 = index * PER_FRAME + 1
            frame = encode_frame(
                [
                    encode_packet(
                        _quote(tokens[i % len(tokens)], BID0 + (seq0 + i) * STEP), "full", True
                    )
                    for i in range(PER_FRAME)
                ]
            )
            sent[index] = time.time_ns()
            await ws.send(frame)
            next_at += interval
            await asyncio.sleep(max(0.0, next_at - time.perf_counter()))
        conn.send(sent)
        await ws.wait_closed()

    async def main() -> None:
        async with serve(stream, "127.0.0.1", 0) as server:
            conn.send(server.sockets[0].getsockname()[1])
            await asyncio.Future()

    asyncio.run(main())


def simulator(conn: Any) -> None:
    """The Kite simulator in its own process; sends its URLs and credentials."""
    from nautilus_options.simulator.server import serve

    config = SimulatorConfig(
        session="always",
        underlyings=("NIFTY",),
        expiries=1,
        strikes_each_side=6,
        tick_interval=0.05,
        rate_limit_scale=50.0,
        partial_fills=False,
    )
    serve(config, conn.send)


def _seq(bid: float) -> int:
    return round((bid - BID0) / STEP)


def _latencies(received: dict[int, int], sent: np.ndarray) -> np.ndarray:
    """ms from each frame's send to each of its packets' receive (first 10% dropped: warm-up)."""
    out = [
        (ns - int(sent[(seq - 1) // PER_FRAME])) / 1e6
        for seq, ns in received.items()
        if seq > 0 and (seq - 1) // PER_FRAME < len(sent)
    ]
    return np.asarray(out[len(out) // 10 :])


# -- the baseline: a bare receive loop in this process ---------------------------------------
def baseline(port: int, conn: Any) -> np.ndarray:
    """websockets recv of the same stream; seq of each packet read at its bid's offset."""
    from websockets.asyncio.client import connect

    received: dict[int, int] = {}
    unpack = struct.Struct(">i").unpack_from

    async def main() -> None:
        async with connect(f"ws://127.0.0.1:{port}", max_size=None) as ws:
            await ws.send('{"a": "subscribe", "v": [1]}')
            while len(received) < TOTAL - PER_FRAME:
                frame = await ws.recv()
                now = time.time_ns()
                if not isinstance(frame, bytes) or len(frame) < 4:
                    continue
                offset = 4
                for _ in range(struct.unpack_from(">h", frame, 0)[0]):
                    size = struct.unpack_from(">h", frame, offset - 2)[0]
                    bid_raw = unpack(frame, offset + 68)[0]  # first bid price (depth at 64)
                    received[_seq(bid_raw / 100)] = now
                    offset += size + 2

    asyncio.run(main())
    return _latencies(received, conn.recv())


# -- the node ---------------------------------------------------------------------------------
def bench_node(sim: Any, port: int, conn: Any, profile: bool) -> tuple[np.ndarray, list[float]]:
    from kite_node import Recorder, RecorderConfig, build_node, eventually, kite_config, run
    from nautilus_trader.model.enums import OrderSide, OrderStatus
    from nautilus_trader.model.identifiers import InstrumentId
    from nautilus_trader.model.objects import Quantity

    received: dict[int, int] = {}
    rtts: list[float] = []

    def on_quote(tick: Any) -> None:
        received[_seq(tick.bid_price.as_double())] = time.time_ns()

    profiler = cProfile.Profile() if profile else None
    with tempfile.TemporaryDirectory() as folder:
        ticks_kite = kite_config(sim, ticker_url=f"ws://127.0.0.1:{port}")
        node = build_node(
            sim,
            folder,
            RecorderConfig(quotes=tuple(sim.ids)),
            data_extra={"max_connections": 1, "kite": ticks_kite},
        )

        async def act(node: Any) -> None:
            (strategy,) = node.trader.strategies()
            assert isinstance(strategy, Recorder)
            if profiler is not None:
                profiler.enable()
            await eventually(lambda: len(received) >= TOTAL * 0.95 - 100, 60, "ticks")
            if profiler is not None:
                profiler.disable()
            strategy.on_quote = None
            for _ in range(100):
                order = strategy.order_factory.market(
                    InstrumentId.from_str(sim.ids[0]), OrderSide.BUY, Quantity.from_int(sim.lot)
                )
                start = time.perf_counter()
                strategy.submit_order(order)
                await eventually(lambda o=order: o.status == OrderStatus.FILLED, 30, "fill")
                rtts.append((time.perf_counter() - start) * 1e3)

        (strategy,) = node.trader.strategies()
        strategy.on_quote = on_quote  # type: ignore[attr-defined]
        run(node, act)
    if profiler is not None:
        text = io.StringIO()
        pstats.Stats(profiler, stream=text).sort_stats("tottime").print_stats(18)
        print("receive path under cProfile (tick phase, by own time):")
        print("\n".join(text.getvalue().splitlines()[:40]))
    return _latencies(received, conn.recv()), rtts


def _spawn(target: Any, *args: Any) -> tuple[Any, Any]:
    context = mp.get_context("spawn")
    parent, child = context.Pipe()
    process = context.Process(target=target, args=(*args, child), daemon=True)
    process.start()
    return process, parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--profile", action="store_true", help="cProfile the tick phase")
    args = parser.parse_args()
    bench_decoder()
    sim_process, sim_conn = _spawn(simulator)
    info = sim_conn.recv()
    kite = KiteConnect(info["api_key"], root=info["url"])
    session = kite.generate_session("bench", info["api_secret"])
    os.environ.update(
        KITE_API_KEY=info["api_key"],
        KITE_API_SECRET=info["api_secret"],
        KITE_ACCESS_TOKEN=session["access_token"],
    )
    import kite_node

    kite_node.SIMULATOR["url"] = info["url"]
    spot = next(r for r in kite.instruments("NSE") if r["tradingsymbol"] == "NIFTY 50")[
        "last_price"
    ]
    rows = sorted(kite.instruments("NFO"), key=lambda r: abs(r["strike"] - spot))[:10]
    sim = SimpleNamespace(
        url=info["url"],
        ws_url=info["ws_url"],
        ids=[f"{r['tradingsymbol']}.NFO" for r in rows],
        lot=int(rows[0]["lot_size"]),
    )
    source, conn = _spawn(tick_source, [r["instrument_token"] for r in rows])
    try:
        port = conn.recv()
        floor = baseline(port, conn)
        node, rtts = bench_node(sim, port, conn, args.profile)
    finally:
        for process in (source, sim_process):
            process.terminate()
            process.join(5)
    (b50, b99), (n50, n99) = _percentiles(floor), _percentiles(node)
    print(f"tick -> on_quote_tick at {RATE:,} ticks/s, source in its own process:")
    print(f"  baseline (bare websockets recv, same process): {_show(floor)}")
    print(f"  node (recv -> decode -> data engine -> strategy): {_show(node)} (target p99 < 2 ms)")
    print(f"  ratio node/baseline: p50 {n50 / b50:.1f}x, p99 {n99 / b99:.1f}x")
    print(f"order round trip (submit -> OrderFilled, simulator in its own process): {_show(rtts)}")


if __name__ == "__main__":
    main()
