"""Parity: paper against the simulator decides as the backtest of its recording does.

A paper node trades a quick iron condor config against the in-process simulator for about a
minute, recording its feed (:class:`~nautilus_options.environments.recording.MarketRecorder`).
The recording is then backtested with the same strategy and capital config from the
instant the paper strategy started (so its check timer ticks at the same instants). Both
runs must send the same orders (spread, leg, intent, instrument, side, quantity) in the same
order, filled within one tick.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from kite_session import sim_env, small_simulator
from nautilus_trader.analysis.reporter import ReportProvider
from nautilus_trader.live.node import TradingNode
from nautilus_trader.model.data import TradeTick
from nautilus_trader.persistence.catalog.parquet import ParquetDataCatalog
from parity_compare import TICK, Decision, decisions, table
from parity_node import eventually, paper_node_config, run_node

from nautilus_options.domain.time import NS_PER_SECOND
from nautilus_options.environments.backtest import run_backtest, settings_from_mapping
from nautilus_options.portfolio import tag_value
from nautilus_options.simulator import KiteSimulator

pytestmark = pytest.mark.slow

CHECK_SECS = 5
#: The simulator's market step: long beside the node's latency (a few ms), so that a step
#: rarely falls between a decision and its order reaching the broker.
SIM_STEP_SECS = 2.0
OPENING_BALANCE = 1_000_000.0
#: A config that opens a spread at the first check and closes it within seconds.
STRATEGY: dict[str, Any] = {
    "underlying": "NIFTY",
    "session": "always",
    "spread_type": "iron_condor",
    "strike_rule": "points",
    "strike_value": 100.0,
    "wing_width": 100.0,
    "min_days_to_expiry": 0,
    "max_entries_per_day": 50,
    "reentry_cooldown_minutes": 0.0,
    "profit_target_pct": 5.0,
    "stop_loss_credit_multiple": 0.02,
    "mark_side": "conservative",
    "exit_check_interval_secs": CHECK_SECS,
    "reprice_steps": 0,
    "reprice_interval_secs": 1.0,
    "leg_timeout_secs": 30.0,
    "margin_source": "off",
    "max_lots": 1,
}
CAPITAL: dict[str, Any] = {"initial_capital": OPENING_BALANCE}
SPREADS = int(os.environ.get("OPTIONS_NT_PARITY_SPREADS", "5"))
PAPER_SECS = 80.0


@pytest.fixture
def sim(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[KiteSimulator]:
    with small_simulator(
        strikes_each_side=6,
        tick_interval=SIM_STEP_SECS,
        partial_fills=False,
        opening_balance=OPENING_BALANCE,
        rate_limit_scale=20.0,
    ) as simulator:
        env = sim_env(simulator.url, simulator.api_key, simulator.api_secret, tmp_path / "t.json")
        for key, value in env.items():
            monkeypatch.setenv(key, value)
        yield simulator


def _closed_spreads(node: TradingNode) -> int:
    """Spreads that sent closing orders and have no order working."""
    cache = node.kernel.cache
    closing = {tag_value(o.tags, "spread") for o in cache.orders() if "intent=close" in o.tags}
    working = {tag_value(o.tags, "spread") for o in cache.orders_open()}
    return len(closing - working)


def _paper(sim: KiteSimulator, tmp_path: Path) -> tuple[pd.DataFrame, int]:
    """Run paper; return its orders report and the instant its strategy started."""
    config = paper_node_config(
        sim.url,
        sim.ws_url,
        tmp_path / "state",
        STRATEGY,
        CAPITAL,
        record=tmp_path / "recording",
        log_level="INFO",
        log_dir=tmp_path / "paper-logs",
    )
    out: dict[str, Any] = {}

    async def act(node: TradingNode) -> None:
        (strategy,) = node.trader.strategies()
        # The check timer ticks on the grid of whole intervals from the strategy's start.
        out["start"] = strategy.clock.next_time_ns("spread-check") - CHECK_SECS * NS_PER_SECOND
        await eventually(lambda: _closed_spreads(node) >= SPREADS, PAPER_SECS, "closed spreads")

    def after(node: TradingNode) -> None:
        out["orders"] = ReportProvider.generate_orders_report(node.kernel.cache.orders())

    run_node(config, act, after)
    return out["orders"], out["start"]


def _backtest(recording: Path, start_ns: int, out: Path) -> pd.DataFrame:
    start = pd.Timestamp(start_ns, unit="ns", tz="UTC").ceil("us").isoformat()
    settings = settings_from_mapping(
        {
            "catalog": str(recording),
            "start": start,
            "out": str(out),
            "strategy": STRATEGY,
            "capital": CAPITAL,
            "venue": {"starting_balance": OPENING_BALANCE},
            "data": {"strike_band": False},
            "tearsheet": False,
        }
    )
    outcome = run_backtest(settings)
    return pd.read_csv(outcome.files["orders"])


def _moved(catalog: ParquetDataCatalog, decision: Decision, after_ns: int) -> bool:
    """Whether the recording shows the leg's touch changing in ``(after_ns, paper fill]``.

    Kite stamps fills in whole seconds, so the paper fill is taken as the end of its second.
    """
    quotes = catalog.quote_ticks(
        instrument_ids=[decision.instrument], start=after_ns - 60 * NS_PER_SECOND
    )
    before = [q for q in quotes if q.ts_init <= after_ns][-1:]
    fill_ns = decision.ts_last + NS_PER_SECOND
    during = [q for q in quotes if after_ns < q.ts_init <= fill_ns]
    touches = {(q.bid_price.as_double(), q.ask_price.as_double()) for q in before + during}
    return len(touches) > 1


def _check(paper: list[Decision], backtest: list[Decision], catalog: ParquetDataCatalog) -> int:
    """Assert the same orders, filled within a tick; return the fills moved by latency.

    A fill more than a tick away is accepted only when the recording shows the leg's
    quote changing between the backtest's decision and the paper fill: paper decided (its
    timer fires on a busy loop) or reached the broker later than the backtest, which runs
    without latency. Any other difference fails.
    """
    assert [d.key for d in paper] == [d.key for d in backtest]
    moved = 0
    for p, b in zip(paper, backtest, strict=True):
        assert (p.avg_px is None) == (b.avg_px is None), (p, b)
        if p.avg_px is None or b.avg_px is None or abs(p.avg_px - b.avg_px) <= TICK + 1e-9:
            continue
        assert _moved(catalog, p, b.ts_init), f"unexplained price difference: {p} vs {b}"
        moved += 1
    return moved


def test_paper_decides_as_the_backtest_of_its_recording(sim: KiteSimulator, tmp_path: Path) -> None:
    paper_orders, start_ns = _paper(sim, tmp_path)
    recording = tmp_path / "recording"
    index = ParquetDataCatalog(str(recording)).get_intervals(TradeTick, "NIFTY.NSE")
    end_ns = index[-1][1]
    backtest_orders = _backtest(recording, start_ns, tmp_path / "backtest")
    paper = decisions(paper_orders, until_ns=end_ns)
    backtest = decisions(backtest_orders, until_ns=end_ns)
    print(f"\nparity: {len(paper)} paper orders, {len(backtest)} backtest orders")
    print(table(paper, backtest))
    assert len({d.spread for d in paper}) >= SPREADS
    moved = _check(paper, backtest, ParquetDataCatalog(str(recording)))
    late = [p.ts_init - b.ts_init for p, b in zip(paper, backtest, strict=True)]
    print(
        f"fills more than a tick apart: {moved} of {len(paper)}, each after the leg's quote "
        f"moved between the backtest's decision and the paper fill; paper decided "
        f"{min(late) / 1e6:.1f}-{max(late) / 1e6:.1f} ms after the backtest"
    )
