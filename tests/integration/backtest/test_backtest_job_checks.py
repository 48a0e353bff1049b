"""The backtest job finds problems before simulating, cleans its folder, keeps stdout clean
and settles expiries at the bhavcopy's settlement prices."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from nautilus_trader.backtest.node import BacktestNode
from nautilus_trader.model.data import InstrumentClose
from nautilus_trader.model.enums import InstrumentCloseType
from nautilus_trader.model.instruments import OptionContract
from nautilus_trader.model.objects import Price
from nautilus_trader.persistence.catalog import ParquetDataCatalog

from nautilus_options.data.synthetic import SyntheticMarketConfig, generate_market
from nautilus_options.environments.backtest import run_backtest, settings_from_mapping
from nautilus_options.errors import ConfigError, DataError

pytestmark = pytest.mark.slow

# One trading day, the nearest weekly expiring on it (6 Jan 2026).
ONE_DAY = {"start": "2026-01-06", "end": "2026-01-06", "tearsheet": False}
STRATEGY = {"min_days_to_expiry": 0}
SETTLEMENT_PX = 7.77


@pytest.fixture(scope="module")
def catalog(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("market") / "catalog"
    generate_market(SyntheticMarketConfig(days=2, strikes_each_side=6, expiries=1), path)
    return path


def _run(catalog: Path, out: Path, **values: Any) -> dict[str, Any]:
    settings = settings_from_mapping(
        {"catalog": str(catalog), "out": str(out), "strategy": STRATEGY, **ONE_DAY, **values}
    )
    return run_backtest(settings).summary


def _no_simulation(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(self: BacktestNode) -> None:
        raise AssertionError("the simulation started before the problem was found")

    monkeypatch.setattr(BacktestNode, "build", refuse)


def test_an_empty_catalog_is_refused_at_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _no_simulation(monkeypatch)
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(DataError, match="catalog holds no data for the period") as exc:
        run_backtest(settings_from_mapping({"catalog": str(empty), "out": str(tmp_path / "o")}))
    assert str(empty) in str(exc.value)
    assert not (tmp_path / "o").exists()


def test_the_cli_says_so_in_one_line(tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    command = [sys.executable, "-m", "nautilus_options", "backtest", "--catalog", str(empty)]
    done = subprocess.run(
        [*command, "--out", str(tmp_path / "o"), "--json"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2
    assert "catalog holds no data for the period" in done.stderr
    assert "Traceback" not in done.stderr
    error = json.loads(done.stdout)["error"]  # --json: the one object stdout promises
    assert "catalog holds no data for the period" in error["message"]


def test_an_unwritable_out_is_refused_before_running(
    catalog: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _no_simulation(monkeypatch)
    read_only = Path("/sys")  # read-only even for root
    with pytest.raises(ConfigError, match="cannot write to output directory /sys") as exc:
        _run(catalog, read_only)
    assert exc.value.field == "out"


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders")
def test_a_read_only_out_is_refused_before_running(
    catalog: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _no_simulation(monkeypatch)
    out = tmp_path / "read-only"
    out.mkdir(mode=0o555)
    with pytest.raises(ConfigError, match="cannot write to output directory"):
        _run(catalog, out)


def test_a_reused_out_loses_only_the_previous_outputs(catalog: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    for stale in ("tearsheet.html", "capital.csv", "order_events.csv", "nautilus.log"):
        (out / stale).write_text("previous run", encoding="utf-8")
    (out / "notes.txt").write_text("mine", encoding="utf-8")

    _run(catalog, out)

    assert not (out / "tearsheet.html").exists()  # this run writes none
    assert (out / "notes.txt").read_text(encoding="utf-8") == "mine"
    for written in ("capital.csv", "order_events.csv"):
        assert (out / written).read_text(encoding="utf-8") != "previous run"


@pytest.mark.parametrize("level", ["DEBUG", "INFO", "WARNING"])
def test_json_is_the_only_stdout_at_every_log_level(
    catalog: Path, tmp_path: Path, level: str
) -> None:
    run_file = tmp_path / "run.json"
    run_file.write_text(
        json.dumps({"log_level": level, "strategy": STRATEGY, **ONE_DAY}), encoding="utf-8"
    )
    command = [sys.executable, "-m", "nautilus_options", "backtest", "--config", str(run_file)]
    command += ["--catalog", str(catalog), "--out", str(tmp_path / "out"), "--json"]
    done = subprocess.run(command, capture_output=True, text=True, timeout=300, check=True)

    summary, end = json.JSONDecoder().raw_decode(done.stdout)
    assert done.stdout[end:].strip() == ""
    assert summary["files"]["log"] == str(tmp_path / "out" / "nautilus.log")
    if level != "WARNING":  # a quiet run may warn of nothing
        assert "[INFO]" in Path(summary["files"]["log"]).read_text(encoding="utf-8")


def _write_settlement_prices(catalog: Path, price: float) -> list[str]:
    """Store a bhavcopy-style settlement price for every option of the catalog."""
    store = ParquetDataCatalog(str(catalog))
    options = [i for i in store.instruments() if isinstance(i, OptionContract)]
    closes = [
        InstrumentClose(
            option.id,
            Price(price, 2),
            InstrumentCloseType.CONTRACT_EXPIRED,
            option.expiration_ns,
            option.expiration_ns,
        )
        for option in sorted(options, key=lambda option: option.id.value)
    ]
    store.write_data(closes)
    return [option.id.value for option in options]


def test_expiry_settles_at_the_bhavcopy_settlement_price(tmp_path: Path) -> None:
    catalog = tmp_path / "catalog"
    generate_market(SyntheticMarketConfig(days=2, strikes_each_side=6, expiries=1), catalog)
    _write_settlement_prices(catalog, SETTLEMENT_PX)
    held = {
        **STRATEGY,
        "spread_type": "iron_butterfly",
        "wing_width": 50.0,
        "hold_to_expiry": True,
        "exit_minutes_before_expiry": None,
        "profit_target_pct": None,
        "stop_loss_credit_multiple": None,
    }

    _run(catalog, tmp_path / "out", strategy=held)

    fills = pd.read_csv(tmp_path / "out" / "fills.csv")
    settled = fills[fills["client_order_id"].str.contains("-LEG-(?:CASH|OTM)-")]
    assert len(settled) == 4  # every leg of the butterfly, at the bhavcopy price
    assert settled["last_px"].astype(float).tolist() == [SETTLEMENT_PX] * 4
