"""Run files of ``options-nt backtest``: documented keys load, unknown or bad keys are named."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from nautilus_options import (
    CapitalManagerConfig,
    OptionsSpreadStrategyConfig,
    SpreadMonitorConfig,
)
from nautilus_options.cli import main
from nautilus_options.data.synthetic import SyntheticMarketConfig, generate_market
from nautilus_options.environments.backtest import (
    BacktestSettings,
    build_run_config,
    check_settings,
    load_settings,
)
from nautilus_options.errors import ConfigError

RUN_FILE = """\
catalog: /data/catalog
start: "2026-01-05"
end: "2026-01-09"
strategy:
  spread_type: bull_put_credit
  strike_value: 0.25
capital:
  initial_capital: 500000
  risk_per_trade_pct: 1.5
monitor:
  interval_secs: 300
venue:
  fees: false
data:
  strikes_each_side: 10
  expiries: 1
tearsheet: false
"""


def _write(tmp_path: Path, text: str, name: str = "run.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def test_yaml_run_file_loads_every_section(tmp_path: Path) -> None:
    settings = load_settings(_write(tmp_path, RUN_FILE), out="/tmp/x")
    assert settings.strategy == OptionsSpreadStrategyConfig(
        spread_type="bull_put_credit", strike_value=0.25
    )
    assert settings.capital == CapitalManagerConfig(initial_capital=500_000, risk_per_trade_pct=1.5)
    assert settings.monitor == SpreadMonitorConfig(interval_secs=300, max_snapshots=1000)
    assert settings.venue.fees is False
    assert settings.data.strikes_each_side == 10
    assert settings.start == "2026-01-05"
    assert settings.out == "/tmp/x"
    assert settings.tearsheet is False


def test_json_run_file_and_command_line_overrides(tmp_path: Path) -> None:
    path = _write(tmp_path, json.dumps({"start": "2026-01-05", "end": "2026-01-06"}), "run.json")
    settings = load_settings(path, end="2026-01-08", catalog=None)
    assert (settings.start, settings.end, settings.catalog) == ("2026-01-05", "2026-01-08", None)


@pytest.mark.parametrize(
    ("text", "field"),
    [
        ("colour: blue\n", "colour"),
        ("venue:\n  commission: 20\n", "venue.commission"),
        ("data:\n  strikes: 5\n", "data.strikes"),
        ("data:\n  expiries: 0\n", "data.expiries"),
        ("venue:\n  starting_balance: -5\n", "venue.starting_balance"),
        ("log_level: LOUD\n", "log_level"),
        ("start: [1, 2]\n", "start"),
    ],
)
def test_bad_keys_in_the_run_file_are_named(tmp_path: Path, text: str, field: str) -> None:
    with pytest.raises(ConfigError) as exc:
        load_settings(_write(tmp_path, text))
    assert exc.value.field == field
    assert "run.yaml" in str(exc.value)


@pytest.mark.parametrize(
    ("text", "field"),
    [
        ("strategy:\n  wing: 100\n", "strategy.wing"),
        ("strategy:\n  spread_type: straddle\n", "strategy.spread_type"),
        ("strategy:\n  wing_width: '200'\n", "strategy.wing_width"),
        ("strategy:\n  entry_windows: ['09:30-14:30', '9:30']\n", "strategy.entry_windows[1]"),
        ("capital:\n  initial_capital: -1\n", "capital.initial_capital"),
        ("capital:\n  initial_capital: 1\n  leverage: 2\n", "capital.leverage"),
        ("capital:\n  risk_per_trade_pct: .nan\n", "capital.risk_per_trade_pct"),
        ("monitor:\n  interval_secs: 0\n", "monitor.interval_secs"),
        ("monitor:\n  every: 5\n", "monitor.every"),
    ],
)
def test_component_sections_are_checked_against_their_configs_naming_the_file(
    tmp_path: Path, text: str, field: str
) -> None:
    with pytest.raises(ConfigError) as exc:
        load_settings(_write(tmp_path, text))
    assert exc.value.field == field
    assert "run.yaml" in str(exc.value)


@pytest.mark.parametrize(
    ("text", "field", "reason"),
    [
        ("strategy:\n  wing_width: 175\n", "strategy.wing_width", "strike step"),
        ("strategy:\n  wing_width: .inf\n", "strategy.wing_width", "finite"),
        ("underlying: FINNIFTY\n", "underlying", "FINNIFTY"),
        ("strategy:\n  underlying: FINNIFTY\n", "strategy.underlying", "FINNIFTY"),
        ("strategy:\n  entry_windows: ['02:00-03:00']\n", "strategy.entry_windows", "session"),
        ("strategy:\n  entry_weekdays: [5, 6]\n", "strategy.entry_weekdays", "trading day"),
        ("strategy:\n  underlying: BANKNIFTY\n", "strategy.underlying", "differs"),
    ],
)
def test_a_run_that_can_never_trade_is_refused_at_load(
    tmp_path: Path, text: str, field: str, reason: str
) -> None:
    with pytest.raises(ConfigError, match=reason) as exc:
        check_settings(load_settings(_write(tmp_path, text)))
    assert exc.value.field == field
    assert "run.yaml" in str(exc.value)


def test_the_top_level_underlying_is_the_strategys(tmp_path: Path) -> None:
    settings = load_settings(_write(tmp_path, "underlying: BANKNIFTY\nlog_level: info\n"))
    assert settings.strategy.underlying == settings.underlying == "BANKNIFTY"
    assert settings.log_level == "INFO"


def test_cli_reports_the_bad_key_and_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _write(tmp_path, "strategy:\n  spread_typ: iron_condor\n")
    code = main(["backtest", "--config", str(path), "--catalog", str(tmp_path), "--json"])
    captured = capsys.readouterr()
    assert code == 2
    error = json.loads(captured.out)["error"]
    assert error["field"] == "strategy.spread_typ"
    assert error["message"].startswith("unknown key")
    assert "strategy.spread_typ: unknown key" in captured.err


def test_a_partial_capital_section_keeps_the_default_initial_capital(tmp_path: Path) -> None:
    settings = load_settings(_write(tmp_path, "capital:\n  risk_per_trade_pct: 1.0\n"))
    assert settings.capital == CapitalManagerConfig(
        initial_capital=1_000_000.0, risk_per_trade_pct=1.0
    )


def test_a_bad_key_is_reported_before_the_default_dataset_is_generated(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    cache = tmp_path / "cache"
    monkeypatch.setenv("XDG_CACHE_HOME", str(cache))
    path = _write(tmp_path, "capital:\n  risk_per_trade_pct: 0\n")
    assert main(["backtest", "--config", str(path), "--json"]) == 2
    assert "capital.risk_per_trade_pct" in capsys.readouterr().err
    assert not cache.exists()  # no first-run generation for a run that cannot start


def test_cli_names_a_missing_run_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["backtest", "--config", str(tmp_path / "nope.yaml")]) == 2
    assert "nope.yaml" in capsys.readouterr().err


def test_cli_names_a_missing_catalog(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["backtest", "--catalog", str(tmp_path / "missing"), "--json"]) == 2
    captured = capsys.readouterr()
    error = json.loads(captured.out)["error"]
    assert error["field"] is None
    assert "missing" in error["message"]
    assert "missing" in captured.err


def test_a_failed_json_run_prints_one_json_error_on_stdout(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    generate_market(SyntheticMarketConfig(days=1, strikes_each_side=6, expiries=2), tmp_path)
    outside = ["--start", "2030-01-01", "--end", "2030-01-05"]
    assert main(["backtest", "--catalog", str(tmp_path), *outside, "--json"]) == 2
    captured = capsys.readouterr()
    (line,) = captured.out.splitlines()
    error = json.loads(line)["error"]
    assert error["field"] == "start"
    assert error["message"].startswith("the catalog holds no data for the period")
    (stderr,) = captured.err.splitlines()
    assert stderr == f"options-nt: error: start: {error['message']}"


def test_run_config_references_components_by_import_path(tmp_path: Path) -> None:
    generate_market(SyntheticMarketConfig(days=1, strikes_each_side=6, expiries=2), tmp_path)
    run = build_run_config(BacktestSettings(), tmp_path)
    assert run.engine is not None
    [strategy] = run.engine.strategies
    assert strategy.strategy_path == "nautilus_options:OptionsSpreadStrategy"
    assert strategy.config_path == "nautilus_options:OptionsSpreadStrategyConfig"
    assert [actor.actor_path for actor in run.engine.actors] == [
        "nautilus_options.environments.recorder:RunRecorder",  # first: it hears every event
        "nautilus_options:CapitalManager",
        "nautilus_options:SpreadMonitor",
    ]
    nfo = next(venue for venue in run.venues if venue.name == "NFO")
    assert nfo.oms_type == "HEDGING"
    assert nfo.fee_model is not None
    assert nfo.fee_model.fee_model_path.endswith(":IndianOptionsFeeModel")
    assert nfo.starting_balances == ["1000000.00 INR"]


@pytest.mark.parametrize("text", ["log_level: OFF\n", "log_level: off\n", "log_level: 'OFF'\n"])
def test_an_unquoted_yaml_off_log_level_is_off(tmp_path: Path, text: str) -> None:
    # YAML 1.1 reads an unquoted OFF as the boolean false.
    assert load_settings(_write(tmp_path, text)).log_level == "OFF"
