"""Zerodha adapter benchmarks, in one run (figures are printed, not asserted).

1. Ticker decoder against the official client's parser on full-mode frames of 200 packets
   (target: at least 10x faster).
2. Tick to ``on_quote_tick`` latency on loopback at 5,000 ticks/s: a local WebSocket server
   sends full-mode frames (made by the simulator's encoder) to the data client of a real
   TradingNode (REST from the simulator); each quote's bid carries its sequence number, so
   the strategy's receive time is matched with the send time (target p99 < 2 ms).
3. Order placement round trip (submit to ``OrderFilled``) against the simulator.

Run: ``.venv/bin/python bench/bench_adapter_zerodha.py``
"""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np
from kiteconnect import KiteConnect, KiteTicker

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests/integration/adapters/zerodha"))

from nautilus_options.adapters.zerodha.parsing.ticker import decode_frame
from nautilus_options.simulator import KiteSimulator, SimulatorConfig
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


def _percentiles(values: list[float]) -> str:
    p50, p99 = np.percentile(values, [50, 99])
    return f"p50 {p50:.3f} ms, p99 {p99:.3f} ms (n={len(values)})"


def bench_node(sim: KiteSimulator) -> None:
    from kite_node import Recorder, RecorderConfig, build_node, eventually, run
    from nautilus_trader.model.enums import OrderSide, OrderStatus
    from nautilus_trader.model.identifiers import InstrumentId
    from nautilus_trader.model.objects import Quantity
    from websockets.asyncio.server import serve

    kite = KiteConnect(sim.api_key, root=sim.url)
    session = kite.generate_session("bench", sim.api_secret)
    os.environ.update(
        KITE_API_KEY=sim.api_key,
        KITE_API_SECRET=sim.api_secret,
        KITE_ACCESS_TOKEN=session["access_token"],
    )
    import kite_node

    kite_node.SIMULATOR["url"] = sim.url
    spot = next(r for r in kite.instruments("NSE") if r["tradingsymbol"] == "NIFTY 50")[
        "last_price"
    ]
    rows = sorted(kite.instruments("NFO"), key=lambda r: abs(r["strike"] - spot))[:10]
    tokens = [r["instrument_token"] for r in rows]
    ids = [f"{r['tradingsymbol']}.NFO" for r in rows]
    sent: dict[int, int] = {}
    latencies: list[float] = []
    rate, per_frame, total = 5_000, 25, 25_000

    async def stream(ws: Any) -> None:
        await ws.recv()  # first subscribe
        await asyncio.sleep(0.5)
        seq, interval = 1, per_frame / rate
        next_at = time.perf_counter()
        while seq < total:
            packets = []
            for i in range(per_frame):
                packets.append(
                    encode_packet(_quote(tokens[i % len(tokens)], seq * 0.05 + 100), "full", True)
                )
                sent[seq] = time.time_ns()
                seq += 1
            await ws.send(encode_frame(packets))
            next_at += interval
            await asyncio.sleep(max(0.0, next_at - time.perf_counter()))
        await asyncio.sleep(3600)

    async def start_server() -> Any:
        return await serve(stream, "127.0.0.1", 0)

    loop_holder: dict[str, Any] = {}

    def on_quote(tick: Any) -> None:
        received = time.time_ns()
        seq = round((tick.bid_price.as_double() - 100) / 0.05)
        if seq in sent:
            latencies.append((received - sent[seq]) / 1e6)

    with tempfile.TemporaryDirectory() as folder:
        node = build_node(
            sim, folder, RecorderConfig(quotes=tuple(ids)), data_extra={"max_connections": 1}
        )
        server = node.kernel.loop.run_until_complete(start_server())
        port = server.sockets[0].getsockname()[1]
        data_config = node.kernel.data_engine._clients[next(iter(node.kernel.data_engine._clients))]
        data_config._ticker._url = f"ws://127.0.0.1:{port}"

        async def act(node: Any) -> None:
            (strategy,) = node.trader.strategies()
            assert isinstance(strategy, Recorder)
            await eventually(lambda: len(latencies) >= total * 0.95 - 100, 60, "ticks")
            loop_holder["ticks"] = len(latencies)
            strategy.on_quote = None
            # order round trips against the simulator
            lot = 65
            rtts = []
            for _ in range(100):
                order = strategy.order_factory.market(
                    InstrumentId.from_str(ids[0]), OrderSide.BUY, Quantity.from_int(lot)
                )
                start = time.perf_counter()
                strategy.submit_order(order)
                await eventually(lambda o=order: o.status == OrderStatus.FILLED, 30, "fill")
                rtts.append((time.perf_counter() - start) * 1e3)
            loop_holder["rtt"] = rtts
            server.close()

        (strategy,) = node.trader.strategies()
        strategy.on_quote = on_quote  # type: ignore[attr-defined]
        run(node, act)
    warm = latencies[len(latencies) // 10 :]
    print(
        f"tick -> on_quote_tick at {rate} ticks/s over loopback: {_percentiles(warm)} "
        "(target p99 < 2 ms)"
    )
    print(
        f"order round trip (submit -> OrderFilled, simulator): {_percentiles(loop_holder['rtt'])}"
    )


def main() -> None:
    bench_decoder()
    config = SimulatorConfig(
        session="always",
        underlyings=("NIFTY",),
        expiries=1,
        strikes_each_side=6,
        tick_interval=0.05,
        rate_limit_scale=50.0,
        partial_fills=False,
    )
    with KiteSimulator(config) as sim:
        bench_node(sim)


if __name__ == "__main__":
    main()
