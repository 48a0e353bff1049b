"""Restart safety: a paper node SIGKILLed mid-spread and restarted on the same Redis.

The simulator runs in its own process (``restart_sim.py``) and survives; the node runs in
another (``restart_node.py``) and kills itself at a named point of its first spread. The
restarted node must reconcile its orders and positions with the broker, recognise the spread
from its tags and finish it by the strategy's rules (an incomplete spread is unwound), restore
the capital manager, send no order twice, and never hold a naked short (checked on the
broker's trade history, not only at the end). The ``write-lost`` cases also delete the newest
order from Redis after the kill, as when the process dies before Nautilus' background write:
the order journal must put it back as the strategy's own.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import redis
from kite_session import sim_env
from kiteconnect import KiteConnect  # type: ignore[import-untyped]

pytestmark = [pytest.mark.redis, pytest.mark.slow]

HOST, PORT = "127.0.0.1", 6379
HERE = Path(__file__).parent
INITIAL_CAPITAL = 1_000_000.0
SPREAD = "OptionsSpreadStrategy-000-S0001"
#: Opens a spread at the first check (5 s), closes it at once (conservative mark stop).
STRATEGY: dict[str, Any] = {
    "underlying": "NIFTY",
    "session": "always",
    "spread_type": "iron_condor",
    "strike_rule": "points",
    "strike_value": 100.0,
    "wing_width": 100.0,
    "min_days_to_expiry": 0,
    "max_entries_per_day": 1,
    "stop_loss_credit_multiple": 0.02,
    "mark_side": "conservative",
    "exit_check_interval_secs": 5,
    "reprice_steps": 0,
    "reprice_interval_secs": 1.0,
    "leg_timeout_secs": 30.0,
    "margin_source": "off",
    "max_lots": 1,
}
#: The restarted node runs at least this long (start, reconciliation, adoption, a check).
SETTLE_AFTER_SECS = 12.0
#: Where the first node dies, and what the cache database then loses (as when the process dies
#: before Nautilus' background write): nothing, its newest order, or every position.
KILL_POINTS = (
    pytest.param("first_hedge", None, id="first_hedge"),
    pytest.param("first_hedge", "positions", id="first_hedge-positions-lost"),
    pytest.param("hedges", None, id="hedges"),
    pytest.param("short_sent", None, id="short_sent"),
    pytest.param("short_sent", "order", id="short_sent-write-lost"),
    pytest.param("exit", None, id="exit"),
    pytest.param("exit", "order", id="exit-write-lost"),
)
OUTCOMES: list[dict[str, Any]] = []


@dataclass
class Simulator:
    """The simulator process and where it serves."""

    process: subprocess.Popen[str]
    info: dict[str, str]

    def kite(self, env: dict[str, str]) -> Any:
        """A kiteconnect client on the node's session."""
        kite = KiteConnect(self.info["api_key"], root=self.info["url"])
        kite.set_access_token(env["KITE_ACCESS_TOKEN"])
        return kite


@pytest.fixture
def trader_id() -> Iterator[str]:
    client = redis.Redis(host=HOST, port=PORT)
    try:
        client.ping()
    except redis.ConnectionError:
        message = f"no Redis on {HOST}:{PORT} (start it with scripts/services.sh)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    trader = f"RESTART-{uuid.uuid4().hex[:8].upper()}"
    yield trader
    keys = list(client.scan_iter(match=f"trader-{trader}:*"))
    if keys:
        client.delete(*keys)
    client.close()


@pytest.fixture
def sim() -> Iterator[Simulator]:
    process = subprocess.Popen(
        [sys.executable, str(HERE / "restart_sim.py")],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    info = json.loads(process.stdout.readline())
    yield Simulator(process, info)
    assert process.stdin is not None
    process.stdin.close()
    process.wait(timeout=30)
    process.stdout.close()


@pytest.fixture
def nodes() -> Iterator[list[subprocess.Popen[bytes]]]:
    """Node processes a test started; any still running at its end is killed and reaped."""
    started: list[subprocess.Popen[bytes]] = []
    yield started
    for process in started:
        if process.poll() is None:
            process.kill()
        process.wait(timeout=60)


@pytest.fixture(scope="module", autouse=True)
def outcomes_table() -> Iterator[None]:
    yield
    if OUTCOMES:
        columns = list(OUTCOMES[0])
        print("\n" + " | ".join(columns))
        for row in OUTCOMES:
            print(" | ".join(str(row[c]) for c in columns))


def _wait(
    condition: Callable[[], bool],
    timeout: float,
    what: str,
    story: Callable[[], str] = lambda: "",
) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}{story()}")
        time.sleep(0.1)


def _story(log_dir: Path, kite: Any) -> str:
    """What the restarted node said and the broker holds, for a failure's message."""
    keys = ("adopted", "kept", "restored", "EXTERNAL", "closed", "ERROR", "Reconcil")
    lines = [
        line[:240]
        for log in sorted(log_dir.glob("*.log"))
        for line in log.read_text(errors="replace").splitlines()
        if any(key in line for key in keys)
    ]
    held = {p["tradingsymbol"]: p["quantity"] for p in kite.positions()["net"] if p["quantity"]}
    working = [(o["tradingsymbol"], o["status"]) for o in kite.orders() if o["status"] == "OPEN"]
    return f"\nbroker holds {held}, working {working}\nnode log:\n" + "\n".join(lines[-40:])


def _start_node(
    tmp: Path, run: str, sim: Simulator, env: dict[str, str], trader_id: str, kill_at: str | None
) -> tuple[subprocess.Popen[bytes], Path, dict[str, Any]]:
    settings = {
        "rest_url": sim.info["url"],
        "ticker_url": sim.info["ws_url"],
        "state_dir": str(tmp / "state"),
        "strategy": STRATEGY,
        "capital": {"initial_capital": INITIAL_CAPITAL},
        "redis_port": PORT,
        "trader_id": trader_id,
        "log_dir": str(tmp / run),
        "stop_file": str(tmp / f"{run}.stop"),
        "summary_file": str(tmp / f"{run}.json"),
        "kill_at": kill_at,
    }
    path = tmp / f"{run}-settings.json"
    path.write_text(json.dumps(settings))
    process = subprocess.Popen(
        [sys.executable, str(HERE / "restart_node.py"), str(path)],
        env={**os.environ, **env, "PYTHONPATH": str(HERE)},
        cwd=tmp,
    )
    return process, tmp / run, settings


def _lose_newest_order(trader_id: str, state_dir: Path) -> str:
    """Delete the newest journaled order from Redis: its events and every index entry."""
    lines = (state_dir / "kite-orders.jsonl").read_text().splitlines()
    client_order_id = str(json.loads(lines[-1])["client_order_id"])
    client = redis.Redis(host=HOST, port=PORT)
    try:
        assert client.delete(f"trader-{trader_id}:orders:{client_order_id}") == 1
        for key in client.scan_iter(match=f"trader-{trader_id}:index:*"):
            kind = client.type(key)
            if kind == b"set":
                client.srem(key, client_order_id)
            elif kind == b"hash":
                client.hdel(key, client_order_id)
    finally:
        client.close()
    return client_order_id


def _lose_positions(trader_id: str) -> None:
    """Delete every position from Redis (if the kill left any): events and index entries."""
    client = redis.Redis(host=HOST, port=PORT)
    try:
        prefix = f"trader-{trader_id}:positions:"
        lost = [key.decode().removeprefix(prefix) for key in client.scan_iter(match=f"{prefix}*")]
        if lost:
            client.delete(*[f"{prefix}{position}" for position in lost])
            for key in client.scan_iter(match=f"trader-{trader_id}:index:*"):
                kind = client.type(key)
                if kind == b"set":
                    client.srem(key, *lost)
                elif kind == b"hash":
                    client.hdel(key, *lost)
    finally:
        client.close()


def _settled(kite: Any, pause: float = 0.0) -> bool:
    """No order working at the broker, and every position flat or a whole iron condor."""
    time.sleep(pause)
    if any(o["status"] not in ("COMPLETE", "CANCELLED", "REJECTED") for o in kite.orders()):
        return False
    held = [p["quantity"] for p in kite.positions()["net"] if p["quantity"]]
    return not held or (len(held) == 4 and sum(held) == 0)


def _naked_short_units(trades: list[dict[str, Any]]) -> int:
    """Most units ever short beyond the longs of the same right, over the broker's trades."""
    held: dict[str, int] = {}
    worst = 0
    for trade in sorted(trades, key=lambda t: t["trade_id"]):
        sign = 1 if trade["transaction_type"] == "BUY" else -1
        symbol = trade["tradingsymbol"]
        held[symbol] = held.get(symbol, 0) + sign * int(trade["quantity"])
        for right in ("CE", "PE"):
            longs = sum(q for s, q in held.items() if s.endswith(right) and q > 0)
            shorts = -sum(q for s, q in held.items() if s.endswith(right) and q < 0)
            worst = max(worst, shorts - longs)
    return worst


@pytest.mark.parametrize(("kill_at", "write_lost"), KILL_POINTS)
def test_a_node_killed_mid_spread_finishes_it_after_a_restart(
    kill_at: str,
    write_lost: str | None,
    sim: Simulator,
    trader_id: str,
    tmp_path: Path,
    nodes: list[subprocess.Popen[bytes]],
) -> None:
    env = sim_env(sim.info["url"], sim.info["api_key"], sim.info["api_secret"], tmp_path / "t")
    kite = sim.kite(env)
    first, _, _ = _start_node(tmp_path, "run1", sim, env, trader_id, kill_at)
    nodes.append(first)
    assert first.wait(timeout=120) == -9, "the node did not kill itself at the kill point"
    lost = _lose_newest_order(trader_id, tmp_path / "state") if write_lost == "order" else None
    if write_lost == "positions":
        _lose_positions(trader_id)
    at_kill = {p["tradingsymbol"]: p["quantity"] for p in kite.positions()["net"]}

    second, _, settings = _start_node(tmp_path, "run2", sim, env, trader_id, None)
    nodes.append(second)
    started = time.monotonic()
    try:
        # Past the node's start and its first checks, then quiet at the broker twice running.
        _wait(lambda: time.monotonic() - started > SETTLE_AFTER_SECS, 60, "the node's start")
        _wait(
            lambda: _settled(kite) and _settled(kite, pause=2.0),
            90,
            "the broker to settle",
            lambda: _story(tmp_path / "run2", kite),
        )
    finally:
        Path(settings["stop_file"]).touch()
    assert second.wait(timeout=60) == 0
    summary = json.loads(Path(settings["summary_file"]).read_text())
    mine = [o for o in summary["orders"] if o["spread"] == SPREAD]
    if lost is not None:  # put back from the order journal as the strategy's own
        assert lost in {o["id"] for o in mine}, f"{lost} was not restored to its spread"
    unwind = [o for o in mine if o["reason"] == "unwind"]
    # Recognised from its tags: the restarted strategy closed the spread's legs as an unwind
    # (an incomplete spread) or kept it (a complete one, still whole at the broker).
    exits = {o["reason"] for o in mine if o["intent"] == "close"}
    adopted = "unwinding" if unwind else "open"
    outcome = "unwound" if unwind else f"held, closed by {'/'.join(sorted(exits))}"
    if not unwind and not exits:
        outcome = "held"
        assert len(summary["net"]) == 4, "the spread was not taken over after the restart"
    assert all(o["status"] in ("FILLED", "CANCELED") for o in mine)

    broker = {p["tradingsymbol"]: p["quantity"] for p in kite.positions()["net"] if p["quantity"]}
    assert summary["net"] == broker, "node and broker positions differ"
    orders = kite.orders()
    tags = [o["tag"] for o in orders]
    assert len(tags) == len(set(tags)), "an order was placed twice"
    naked = _naked_short_units(kite.trades())
    assert naked == 0, f"{naked} units were short without their hedge"
    assert summary["working_orders"] == []
    if summary["net"]:  # still held: its reservation survived the kill
        assert summary["deployed"] > 0
    else:
        assert summary["deployed"] == pytest.approx(0.0)
    assert summary["capital"] == pytest.approx(INITIAL_CAPITAL + summary["realized_pnl"], abs=0.01)
    OUTCOMES.append(
        {
            "kill point": kill_at + (f" ({write_lost} lost)" if write_lost else ""),
            "held at kill": " ".join(f"{s}:{q}" for s, q in sorted(at_kill.items()) if q),
            "adopted as": adopted,
            "outcome": outcome,
            "broker orders": len(orders),
            "naked units": naked,
            "capital restored": summary["restored"],
            "capital": round(summary["capital"], 2),
        }
    )
