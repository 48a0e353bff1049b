"""Run files and sweep files: YAML dates as ISO strings, syntax errors in one line."""

from __future__ import annotations

from pathlib import Path

import pytest

from nautilus_options.environments.backtest_settings import load_settings
from nautilus_options.environments.sweep_settings import load_sweep
from nautilus_options.errors import ConfigError


def test_unquoted_yaml_dates_and_timestamps_are_read_as_iso_strings(tmp_path: Path) -> None:
    run = tmp_path / "run.yaml"
    run.write_text("start: 2026-01-05\nend: 2026-01-09 15:00:00+05:30\n", encoding="utf-8")
    settings = load_settings(run)
    assert (settings.start, settings.end) == ("2026-01-05", "2026-01-09T15:00:00+05:30")
    assert settings.bounds() == load_settings(run, start="2026-01-05").bounds()


def test_a_sweep_file_takes_unquoted_walk_forward_dates(tmp_path: Path) -> None:
    (tmp_path / "base.yaml").write_text("start: 2026-01-05\n", encoding="utf-8")
    sweep_file = tmp_path / "sweep.yaml"
    sweep_file.write_text(
        "base: base.yaml\nparameters: {strategy.lots: {values: [1]}}\nwalk_forward:\n"
        "  in_sample: {start: 2026-01-05, end: 2026-01-09}\n"
        "  out_of_sample: {start: 2026-01-12, end: 2026-01-16}\n",
        encoding="utf-8",
    )
    sweep, base = load_sweep(sweep_file)
    assert base["start"] == "2026-01-05"
    assert sweep.walk_forward is not None
    assert sweep.walk_forward.in_sample.start == "2026-01-05"
    assert sweep.walk_forward.out_of_sample.end == "2026-01-16"


@pytest.mark.parametrize(
    ("name", "text", "where"),
    [
        ("run.yaml", "start: '2026-01-05'\nstrategy: {wing_width: [1, 2}\n", "line 2, column 29"),
        ("run.json", '{"start": "2026-01-05",\n "end" "2026-01-09"}\n', "line 2, column 8"),
    ],
)
def test_a_syntax_error_is_one_line_naming_the_file_line_and_column(
    tmp_path: Path, name: str, text: str, where: str
) -> None:
    run = tmp_path / name
    run.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as raised:
        load_settings(run)
    message = str(raised.value)
    assert "\n" not in message
    assert message.startswith(f"config: {run}, {where}: not valid ")
    assert message.endswith(("expected ',' or ']', but got '}'", "Expecting ':' delimiter"))
