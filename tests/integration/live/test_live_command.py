"""``options-nt live`` against the simulator over loopback: refusals, pre-flight, kill switch.

Live can only be rehearsed on the simulator: ``--rest-url`` / ``--ticker-url`` point the
command at it and the environment carries its credentials.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from kite_session import sim_env, small_simulator
from kiteconnect import KiteConnect  # type: ignore[import-untyped]

from nautilus_options.cli import main
from nautilus_options.simulator import KiteSimulator

#: Trade quickly on the simulator's small always-open chain.
RUN_FILE: dict[str, Any] = {
    "strategy": {"exit_check_interval_secs": 1, "min_days_to_expiry": 0},
    "monitor": {"interval_secs": 1.0},
    "node": {"expiries": 1, "strikes_each_side": 10},
}


@pytest.fixture
def sim() -> Iterator[KiteSimulator]:
    with small_simulator(strikes_each_side=11) as simulator:
        yield simulator


def kite_env(sim: KiteSimulator, tmp_path: Path) -> tuple[dict[str, str], KiteConnect]:
    env = {**os.environ, **sim_env(sim.url, sim.api_key, sim.api_secret, tmp_path / "token.json")}
    kite = KiteConnect(sim.api_key, root=sim.url)
    kite.set_access_token(env["KITE_ACCESS_TOKEN"])
    return env, kite


def live_args(sim: KiteSimulator, tmp_path: Path, *extra: str) -> list[str]:
    run_file = tmp_path / "run.yaml"
    run_file.write_text(yaml.safe_dump(RUN_FILE))
    return [
        sys.executable, "-m", "nautilus_options", "live",
        "--config", str(run_file), "--out", str(tmp_path / "out"),
        "--rest-url", sim.url, "--ticker-url", sim.ws_url, "--session", "always",
        *extra,
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("extra", "credentials", "message"),
    [
        ((), False, "no credentials"),
        (("--max-lots", "1", "--max-daily-loss", "5000"), True, "explicit confirmation"),
        (("--confirm-live", "--max-lots", "1"), True, "risk limits are required"),
        (("--confirm-live", "--max-daily-loss", "5000"), True, "node.max_lots"),
    ],
)
def test_live_refuses_to_start_with_one_line(
    sim: KiteSimulator,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    extra: tuple[str, ...],
    credentials: bool,
    message: str,
) -> None:
    env, _ = kite_env(sim, tmp_path)
    for key in ("KITE_API_KEY", "KITE_ACCESS_TOKEN", "KITE_TOKEN_FILE"):
        if credentials:
            monkeypatch.setenv(key, env[key])
        else:
            monkeypatch.delenv(key, raising=False)
    monkeypatch.setenv("KITE_TOKEN_FILE", str(tmp_path / "no-token.json"))
    code = main(live_args(sim, tmp_path, *extra)[3:])  # the arguments after "-m nautilus_options"
    lines = capsys.readouterr().err.strip().splitlines()
    assert code == 2
    assert len(lines) == 1
    assert message in lines[0]
    assert not (tmp_path / "out").exists()


def test_preflight_refuses_an_unknown_position(sim: KiteSimulator, tmp_path: Path) -> None:
    env, kite = kite_env(sim, tmp_path)
    option = next(r for r in kite.instruments("NFO") if r["instrument_type"] == "CE")
    kite.place_order(
        variety="regular", exchange="NFO", tradingsymbol=option["tradingsymbol"],
        transaction_type="BUY", quantity=option["lot_size"], product="NRML",
        order_type="MARKET", market_protection=-1,
    )  # fmt: skip
    deadline = time.monotonic() + 20
    while not any(p["quantity"] for p in kite.positions()["net"]):
        assert time.monotonic() < deadline, "the unknown position never filled"
        time.sleep(0.1)
    args = live_args(sim, tmp_path, "--confirm-live", "--max-lots", "1", "--max-daily-loss", "5000")
    done = subprocess.run(args, env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert "[ok] token valid" in done.stdout
    assert "[ok] margins available" in done.stdout
    assert "[ok] instruments loaded" in done.stdout
    assert "[ok] market session open" in done.stdout
    assert f"[FAIL] no unknown positions: held: {option['tradingsymbol']}" in done.stdout
    assert "no order placed" in done.stdout
    assert len(kite.orders()) == 1  # only the one placed here


@pytest.mark.slow
def test_kill_switch_on_sigusr1_cancels_flattens_hedge_last_and_halts(
    sim: KiteSimulator, tmp_path: Path
) -> None:
    env, kite = kite_env(sim, tmp_path)
    args = live_args(sim, tmp_path, "--confirm-live", "--max-lots", "1", "--max-daily-loss", "1e9")
    process = subprocess.Popen(
        args, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        lines = wait_for_line(process, "first spread opened", 120)
        assert any("[ok] no unknown positions" in line for line in lines)
        process.send_signal(signal.SIGUSR1)
        out, err = process.communicate(timeout=90)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 3, err[-2000:]
    assert "KILLED (SIGUSR1)" in out
    assert_flat_hedge_last(kite)
    assert (tmp_path / "out" / "summary.json").exists()


def wait_for_line(process: subprocess.Popen[str], text: str, timeout: float) -> list[str]:
    """Lines of ``process``'s stdout up to the first containing ``text`` (bounded)."""
    assert process.stdout is not None
    os.set_blocking(process.stdout.fileno(), False)
    lines: list[str] = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if line:
            lines.append(line)
            if text in line:
                os.set_blocking(process.stdout.fileno(), True)
                return lines
        elif process.poll() is not None:
            break
        else:
            time.sleep(0.05)
    raise AssertionError(f"no {text!r} within {timeout} s; got {lines[-20:]}")


def assert_flat_hedge_last(kite: KiteConnect) -> None:
    """No open order, no open position; the closing orders bought shorts back before
    selling the hedges."""
    orders = kite.orders()
    assert not [
        o for o in orders if o["status"] in ("OPEN", "TRIGGER PENDING", "PUT ORDER REQ RECEIVED")
    ]
    assert all(p["quantity"] == 0 for p in kite.positions()["net"])
    filled = sorted(
        (o for o in orders if o["status"] == "COMPLETE"), key=lambda o: o["order_timestamp"]
    )
    sides = [o["transaction_type"] for o in filled]
    # opening: hedges (BUY) then shorts (SELL); closing: shorts (BUY) then hedges (SELL)
    closing = sides[len(sides) // 2 :]
    assert closing == sorted(closing), sides  # every BUY before every SELL


@pytest.mark.slow
def test_a_restart_passes_preflight_with_its_own_spread_held_and_takes_it_over(
    sim: KiteSimulator, tmp_path: Path
) -> None:
    env, kite = kite_env(sim, tmp_path)
    limits = ("--confirm-live", "--max-lots", "1", "--max-daily-loss", "1e9")
    first = subprocess.Popen(
        live_args(sim, tmp_path, *limits),
        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        wait_for_line(first, "first spread opened", 120)
        deadline = time.monotonic() + 60
        while len([p for p in kite.positions()["net"] if p["quantity"]]) < 4:
            assert time.monotonic() < deadline, "the spread's four legs never filled"
            time.sleep(0.2)
        first.send_signal(signal.SIGINT)  # leaves open spreads (the default)
        _, err = first.communicate(timeout=90)
    finally:
        if first.poll() is None:
            first.kill()
    assert first.returncode == 0, err[-2000:]

    out2 = tmp_path / "out2"
    args = [*live_args(sim, tmp_path, *limits), "--out", str(out2)]
    second = subprocess.Popen(
        args, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        lines = wait_for_line(second, "Ctrl-C", 60)
        assert any("[ok] no unknown positions: none (4 held by this node" in x for x in lines)
        adopted = "OptionsSpreadStrategy-000-S0001: adopted (open)"
        deadline = time.monotonic() + 60
        while not any(adopted in log.read_text() for log in out2.glob("nautilus*.log")):
            assert time.monotonic() < deadline, "the restarted node did not take the spread over"
            assert second.poll() is None, second.communicate()[1][-2000:]
            time.sleep(0.2)
        second.send_signal(signal.SIGUSR1)
        second.communicate(timeout=90)
    finally:
        if second.poll() is None:
            second.kill()
    assert second.returncode == 3
    assert_flat_hedge_last(kite)
