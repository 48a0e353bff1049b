"""A paper session end to end: the full stack on the in-process simulator opens a spread,
then a clean stop flattens it hedge-last and writes the backtest's outputs."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import msgspec
import pytest
from kiteconnect import KiteConnect  # type: ignore[import-untyped]
from nautilus_trader.model.enums import PositionSide

from nautilus_options.adapters.zerodha.factories import clear_shared
from nautilus_options.environments.paper import (
    DEMO_SETTINGS,
    build_paper_config,
    login_simulator,
    start_simulator,
    with_simulator,
)
from nautilus_options.environments.session import NodeSession
from nautilus_options.environments.trading_settings import (
    TradingSettings,
    trading_settings_from_mapping,
)
from nautilus_options.simulator import KiteSimulator

pytestmark = pytest.mark.slow


def fast_settings(out: Path, **node: object) -> TradingSettings:
    """The demo, checking every second on a simulator stepping every 0.2 s."""
    return trading_settings_from_mapping(
        {
            **DEMO_SETTINGS,
            "strategy": {**DEMO_SETTINGS["strategy"], "exit_check_interval_secs": 1},
            "monitor": {"interval_secs": 1.0},
            "node": {"strikes_each_side": 10, **node},
            "paper": {"tick_interval": 0.2},
        },
        out=str(out),
    )


def broker(sim: KiteSimulator, token: Path) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The simulator's orders and net positions, as the official client reads them."""
    kite = KiteConnect(sim.api_key, root=sim.url)
    kite.set_access_token(json.loads(token.read_text())["access_token"])
    return kite.orders(), kite.positions()["net"]


def test_paper_session_opens_a_spread_flattens_at_stop_and_writes_outputs(
    tmp_path: Path,
) -> None:
    settings = fast_settings(tmp_path, on_stop="flatten")
    sim = start_simulator(settings)
    try:
        settings = with_simulator(settings, sim)
        token = login_simulator(settings.paper, tmp_path / "token.json")
        config = build_paper_config(settings, tmp_path, token)
        session = NodeSession(config, tmp_path, initial_capital=1_000_000.0, on_stop="flatten")
        deadline = time.monotonic() + 90
        opened: list[float] = []

        def tick(s: NodeSession) -> None:
            if s.opened_spreads() and not opened:
                opened.append(time.monotonic())
                s.request_stop()
            elif time.monotonic() > deadline:
                s.request_stop()

        outcome = session.run(on_tick=tick, tick_secs=0.2)
    finally:
        sim.stop()
        clear_shared()
    assert opened, "no spread opened within 90 s"
    files = outcome.files
    for name in ("capital", "fills", "orders", "positions", "spreads", "summary", "report"):
        assert files[name].exists(), name
    # The node's log file appears with its first line at the configured level.
    assert "log" not in files or files["log"].exists()
    summary = json.loads(files["summary"].read_text())
    assert summary["killed"] is None
    assert summary["entries"] >= 1
    # flattened at the stop: the shorts' closing orders went first, then the hedges'
    sides = [side for _, side in session.kill_switch.closing_log]
    assert sides, "nothing was closed at the stop"
    first_long = sides.index(PositionSide.LONG)
    assert all(side == PositionSide.SHORT for side in sides[:first_long])
    assert PositionSide.SHORT not in sides[first_long:]


def test_kill_file_cancels_flattens_hedge_last_and_halts(tmp_path: Path) -> None:
    kill_file = tmp_path / "KILL"
    settings = fast_settings(tmp_path, kill_file=str(kill_file), kill_check_secs=0.2)
    sim = start_simulator(settings)
    try:
        settings = with_simulator(settings, sim)
        token = login_simulator(settings.paper, tmp_path / "token.json")
        session = NodeSession(
            build_paper_config(settings, tmp_path, token), tmp_path, initial_capital=1_000_000.0
        )
        deadline = time.monotonic() + 90

        def tick(s: NodeSession) -> None:
            if s.opened_spreads():
                kill_file.touch()
            if time.monotonic() > deadline:
                s.request_stop()

        outcome = session.run(on_tick=tick, tick_secs=0.2)
        orders, positions = broker(sim, token)
    finally:
        sim.stop()
        clear_shared()
    assert outcome.summary["killed"] == f"kill file {kill_file}"
    assert not [o for o in orders if o["status"] == "OPEN"]
    assert positions
    assert all(p["quantity"] == 0 for p in positions)
    sides = [side for _, side in session.kill_switch.closing_log]
    first_long = sides.index(PositionSide.LONG)
    assert set(sides[:first_long]) == {PositionSide.SHORT}
    assert set(sides[first_long:]) == {PositionSide.LONG}


def test_a_clean_stop_mid_legging_leaves_no_order_working_at_the_broker(tmp_path: Path) -> None:
    settings = fast_settings(tmp_path)  # on_stop: leave
    settings = msgspec.structs.replace(
        settings,
        backtest=msgspec.structs.replace(
            settings.backtest,
            strategy=msgspec.structs.replace(
                settings.backtest.strategy, reprice_interval_secs=60.0, leg_timeout_secs=120.0
            ),
        ),
    )
    sim = start_simulator(settings)
    try:
        settings = with_simulator(settings, sim)
        token = login_simulator(settings.paper, tmp_path / "token.json")
        session = NodeSession(
            build_paper_config(settings, tmp_path, token), tmp_path, initial_capital=1_000_000.0
        )
        deadline = time.monotonic() + 90
        working: list[int] = []

        def tick(s: NodeSession) -> None:
            strategy = s.strategy
            if open_orders := strategy.cache.orders_open(strategy_id=strategy.id):
                working.append(len(open_orders))
                s.request_stop()
            elif time.monotonic() > deadline:
                s.request_stop()

        session.run(on_tick=tick, tick_secs=0.05)
        orders, _ = broker(sim, token)
    finally:
        sim.stop()
        clear_shared()
    assert working, "no order was working within 90 s"
    assert orders
    assert not [o for o in orders if o["status"] in ("OPEN", "TRIGGER PENDING")], orders
