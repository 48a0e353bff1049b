"""One run file for backtest, paper and live: sections, the recorder, the replay file."""

from __future__ import annotations

from pathlib import Path

import pytest

from nautilus_options.environments.backtest_settings import load_settings, settings_from_mapping
from nautilus_options.environments.paper import build_paper_config, simulator_state_file
from nautilus_options.environments.replay import REPLAY_FILE_NAME, write_replay_file
from nautilus_options.environments.trading_settings import (
    load_trading_settings,
    trading_settings_from_mapping,
)
from nautilus_options.errors import ConfigError

RUN = {
    "strategy": {"wing_width": 200.0},
    "node": {"on_stop": "flatten", "max_lots": 2, "record": "rec"},
    "paper": {"market": "synthetic", "session": "always"},
    "live": {"session": "nse"},
}


def test_a_backtest_reads_a_run_file_with_node_paper_and_live_sections(tmp_path: Path) -> None:
    path = tmp_path / "run.yaml"
    path.write_text(
        "strategy:\n  wing_width: 200\nnode:\n  on_stop: flatten\npaper:\n  session: always\n"
    )
    assert load_settings(path).strategy.wing_width == 200.0
    assert load_trading_settings(path).node.on_stop == "flatten"


@pytest.mark.parametrize(
    ("section", "key"), [("node", "on_stopp"), ("paper", "markt"), ("live", "confrm")]
)
def test_a_bad_key_of_a_node_section_is_named_by_the_backtest_too(section: str, key: str) -> None:
    data = {**RUN, section: {key: 1}}
    for read in (settings_from_mapping, trading_settings_from_mapping):
        with pytest.raises(ConfigError, match=rf"{section}\.{key}: unknown key \(in run\.yaml\)"):
            read(data, source="run.yaml")


def test_recording_adds_the_market_recorder_first(tmp_path: Path) -> None:
    settings = trading_settings_from_mapping({**RUN, "paper": {"url": "http://127.0.0.1:1"}})
    actors = build_paper_config(settings, tmp_path).actors
    assert actors[0].actor_path.endswith("recording:MarketRecorder")
    assert actors[0].config["catalog_path"] == "rec"
    quiet = trading_settings_from_mapping({"paper": {"url": "http://127.0.0.1:1"}})
    assert not any("MarketRecorder" in a.actor_path for a in build_paper_config(quiet).actors)


def test_the_replay_file_backtests_the_session_settings_on_the_recording(tmp_path: Path) -> None:
    recording = tmp_path / "recording"
    data = {**RUN, "node": {"record": str(recording)}}
    settings = trading_settings_from_mapping(data)
    path = write_replay_file(settings, "always")
    assert path == recording / REPLAY_FILE_NAME
    replay = load_settings(path)
    assert replay.catalog == str(recording.resolve())
    assert replay.strategy.session == "always"
    assert replay.monitor.session == "always"
    assert replay.strategy.wing_width == 200.0
    assert replay.capital == settings.backtest.capital
    assert replay.data.strike_band is False
    assert write_replay_file(trading_settings_from_mapping({}), "nse") is None


def test_paper_and_live_keep_apart_in_one_redis_by_default(tmp_path: Path) -> None:
    node = trading_settings_from_mapping({}).node
    assert node.trader("paper") == "OPTIONSNT-PAPER"
    assert node.trader("live") == "OPTIONSNT-LIVE"
    assert node.state_path("paper") != node.state_path("live")
    named = trading_settings_from_mapping({"node": {"trader_id": "DESK-7"}}).node
    assert named.trader("live") == "DESK-7"
    settings = trading_settings_from_mapping(
        {"node": {"redis": "redis://127.0.0.1:6379/3"}, "paper": {"url": "http://127.0.0.1:1"}}
    )
    with pytest.raises(ConfigError, match=r"node\.redis: '/3': .*database 0 only"):
        build_paper_config(settings, tmp_path)


def test_the_in_process_simulator_remembers_its_broker_when_the_node_uses_redis() -> None:
    assert simulator_state_file(trading_settings_from_mapping({})) is None
    with_redis = trading_settings_from_mapping({"node": {"redis": "redis://127.0.0.1:6379"}})
    path = simulator_state_file(with_redis)
    assert path == with_redis.node.state_path("paper") / "simulator.json"
    given = trading_settings_from_mapping({"paper": {"state_file": "~/sim.json"}})
    assert simulator_state_file(given) == Path("~/sim.json").expanduser()


def test_a_simulator_url_without_its_scheme_and_a_yaml_typo_are_named(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"paper\.url: '127\.0\.0\.1:8765' must start with http"):
        trading_settings_from_mapping({"paper": {"url": "127.0.0.1:8765"}}, source="run.yaml")
    typo = tmp_path / "run.yaml"
    typo.write_text("strategy:\n  wing_width: [\n")
    with pytest.raises(ConfigError, match=rf"{typo}, line 3, column 1: not valid YAML"):
        load_trading_settings(typo)


def test_recording_into_a_file_is_refused_by_name(tmp_path: Path) -> None:
    (tmp_path / "afile").write_text("")
    settings = trading_settings_from_mapping({"node": {"record": str(tmp_path / "afile")}})
    with pytest.raises(ConfigError, match=r"node\.record: .*afile is a file"):
        write_replay_file(settings, "always")
