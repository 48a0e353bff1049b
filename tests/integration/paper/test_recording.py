"""The market recorder on a paper node: a catalog the backtest can read, written safely."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from kite_session import sim_env, small_simulator
from nautilus_trader.live.node import TradingNode
from nautilus_trader.model.data import QuoteTick, TradeTick
from nautilus_trader.model.instruments import OptionContract
from nautilus_trader.persistence.catalog.parquet import ParquetDataCatalog
from parity_node import eventually, paper_node_config, run_node

from nautilus_options.data.catalog import recover
from nautilus_options.data.instruments import index_instrument, option_contract
from nautilus_options.data.lock import CatalogLockedError, catalog_lock
from nautilus_options.domain.nse import parse_tradingsymbol
from nautilus_options.environments.recording import MarketRecorder
from nautilus_options.simulator import KiteSimulator

pytestmark = pytest.mark.slow


@pytest.fixture
def sim(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[KiteSimulator]:
    with small_simulator(strikes_each_side=6, rate_limit_scale=20.0) as simulator:
        env = sim_env(simulator.url, simulator.api_key, simulator.api_secret, tmp_path / "t.json")
        for key, value in env.items():
            monkeypatch.setenv(key, value)
        yield simulator


def test_a_session_is_recorded_as_the_backtest_reads_it(sim: KiteSimulator, tmp_path: Path) -> None:
    catalog_dir = tmp_path / "recording"
    config = paper_node_config(
        sim.url,
        sim.ws_url,
        tmp_path / "state",
        {"underlying": "NIFTY", "session": "always", "exit_check_interval_secs": 3600},
        {"initial_capital": 1_000_000.0},
        record=catalog_dir,
    )
    seen: dict[str, int] = {}

    async def act(node: TradingNode) -> None:
        recorder = next(a for a in node.trader.actors() if isinstance(a, MarketRecorder))
        with pytest.raises(CatalogLockedError), catalog_lock(catalog_dir):
            pass  # the recorder holds the writer lock while it runs
        await eventually(lambda: recorder.appender.rows_written > 0, 20, "a first flush")
        await eventually(lambda: recorder.appender.pending > 50, 20, "more rows")
        seen["options"] = sum(
            isinstance(i, OptionContract) for i in node.kernel.cache.instruments()
        )

    run_node(config, act)
    assert recover(catalog_dir) is None  # every flush was committed whole
    catalog = ParquetDataCatalog(str(catalog_dir))
    options = [i for i in catalog.instruments() if isinstance(i, OptionContract)]
    assert len(options) == seen["options"] == 26
    for option in options:  # the backtest builders' instruments, field for field
        built = option_contract(parse_tradingsymbol(option.raw_symbol.value), option.ts_init)
        assert OptionContract.to_dict(option) == OptionContract.to_dict(built)
    indices = {i.id.value: i for i in catalog.instruments() if i.id.symbol.value == "NIFTY"}
    assert sorted(indices) == ["NIFTY.NFO", "NIFTY.NSE"]
    increment = index_instrument("NIFTY").price_increment
    assert all(index.price_increment == increment for index in indices.values())
    nse = catalog.trade_ticks(instrument_ids=["NIFTY.NSE"])
    nfo = catalog.trade_ticks(instrument_ids=["NIFTY.NFO"])
    assert nse
    assert [(t.price, t.ts_init) for t in nse] == [(t.price, t.ts_init) for t in nfo]
    quotes = catalog.quote_ticks()
    assert {q.instrument_id for q in quotes} == {o.id for o in options}
    assert all(isinstance(q, QuoteTick) for q in quotes)
    assert all(isinstance(t, TradeTick) for t in nse)
    times = [q.ts_init for q in quotes if q.instrument_id == options[0].id]
    assert times == sorted(times)


_KILLED_FLUSH = """
import sys
from pathlib import Path
from nautilus_trader.model.data import TradeTick
from nautilus_trader.test_kit.stubs.data import TestDataStubs
from nautilus_options.data.instruments import index_instrument
from nautilus_options.environments.recording import CatalogAppender

appender = CatalogAppender(Path(sys.argv[1]))
appender.open()
appender.add_instrument(index_instrument("NIFTY"))
for i in range(10):
    appender.add(TestDataStubs.trade_tick(index_instrument("NIFTY"), ts_event=i, ts_init=i))
appender.flush()
"""


def test_a_flush_killed_midway_is_finished_by_the_next_reader(tmp_path: Path) -> None:
    catalog_dir = tmp_path / "recording"
    env = {**os.environ, "OPTIONS_NT_TEST_KILL_AFTER_MOVES": "1"}
    done = subprocess.run(
        [sys.executable, "-c", _KILLED_FLUSH, str(catalog_dir)], env=env, timeout=120, check=False
    )
    assert done.returncode == -9
    message = recover(catalog_dir)
    assert message is not None
    assert "rolled forward" in message
    catalog = ParquetDataCatalog(str(catalog_dir))
    assert len(catalog.trade_ticks(instrument_ids=["NIFTY.NSE"])) == 10
    assert [i.id.value for i in catalog.instruments()] == ["NIFTY.NSE"]
