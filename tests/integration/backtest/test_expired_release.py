"""Purging expired contracts mid-run: the cache shrinks, the results do not change."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from nautilus_trader.cache.cache import Cache
from nautilus_trader.model.identifiers import InstrumentId

from nautilus_options import OptionsSpreadStrategyConfig
from nautilus_options.data.synthetic import SyntheticMarketConfig, generate_market
from nautilus_options.environments import expired, streaming
from nautilus_options.environments.backtest import BacktestSettings, run_backtest

pytestmark = pytest.mark.slow

# Eight trading days over two weekly expiries: the first expires mid-run.
MARKET = SyntheticMarketConfig(days=8, strikes_each_side=8, expiries=2)
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
COMPARED = ("spreads.csv", "capital.csv", "snapshots.csv", "fills.csv", "positions.csv")


@pytest.fixture(scope="module")
def catalog(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("market") / "catalog"
    generate_market(MARKET, path)
    return path


def _run(catalog: Path, out: Path) -> dict[str, Any]:
    settings = BacktestSettings(
        catalog=str(catalog),
        out=str(out),
        strategy=OptionsSpreadStrategyConfig(min_days_to_expiry=0),
        tearsheet=False,
        log_level="OFF",
    )
    return run_backtest(settings).summary


def test_released_contracts_are_expired_untraded_and_change_no_output(
    catalog: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    released: list[tuple[int, InstrumentId, int]] = []

    def recording(cache: Cache, now_ns: int) -> list[InstrumentId]:
        expiries = {i.id: getattr(i, "expiration_ns", 0) for i in cache.instruments()}
        ids = expired.release_expired(cache, now_ns)
        released.extend((now_ns, i, expiries[i]) for i in ids)
        assert not {cache.instrument(i) for i in ids} - {None}
        return ids

    monkeypatch.setattr(streaming, "release_expired", recording)
    summary = _run(catalog, tmp_path / "released")
    monkeypatch.setattr(streaming, "release_expired", lambda cache, now_ns: [])
    kept = _run(catalog, tmp_path / "kept")

    assert released, "the first expiry passed mid-run: its contracts should be released"
    fills = pd.read_csv(tmp_path / "released" / "fills.csv")
    assert summary["trades"] == kept["trades"]
    assert summary["trades"] > 0
    assert all(0 < expiry < now for now, _, expiry in released)
    assert not {str(i) for _, i, _ in released} & set(fills["instrument_id"])
    for name in COMPARED:
        with_release = UUID.sub("", (tmp_path / "released" / name).read_text())
        without = UUID.sub("", (tmp_path / "kept" / name).read_text())
        assert with_release == without, name
    for key in ("pnl_total", "charges_total", "ending_capital", "max_drawdown"):
        assert summary[key] == kept[key], key
