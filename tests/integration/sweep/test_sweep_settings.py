"""Sweep files: the parameter sets they describe, and errors that name the bad key."""

from __future__ import annotations

from pathlib import Path

import pytest

from nautilus_options.environments.sweep_settings import (
    load_sweep,
    parameter_sets,
    run_settings,
    walk_forward_notes,
)
from nautilus_options.errors import ConfigError


def _files(tmp_path: Path, sweep: str, base: str = "start: '2026-01-05'\n") -> Path:
    (tmp_path / "base.yaml").write_text(base, encoding="utf-8")
    path = tmp_path / "sweep.yaml"
    path.write_text(sweep, encoding="utf-8")
    return path


def test_a_grid_holds_every_combination(tmp_path: Path) -> None:
    sweep, base = load_sweep(
        _files(
            tmp_path,
            "base: base.yaml\nparameters:\n"
            "  strategy.wing_width: {values: [100, 200]}\n"
            "  capital.risk_per_trade_pct: {low: 1, high: 2, step: 0.5}\n",
        )
    )
    sets = parameter_sets(sweep)
    assert len(sets) == 6
    assert {s["capital.risk_per_trade_pct"] for s in sets} == {1.0, 1.5, 2.0}
    assert base["start"] == "2026-01-05"


def test_random_draws_are_seeded(tmp_path: Path) -> None:
    text = (
        "base: base.yaml\nsampler: random\ntrials: 4\nseed: 3\nparameters:\n"
        "  strategy.strike_value: {low: 0.1, high: 0.3}\n"
    )
    first = parameter_sets(load_sweep(_files(tmp_path, text))[0])
    assert first == parameter_sets(load_sweep(_files(tmp_path, text))[0])
    assert all(0.1 <= s["strategy.strike_value"] <= 0.3 for s in first)


@pytest.mark.parametrize(
    ("text", "key"),
    [
        (
            "base: base.yaml\nparameters: {strategy.wing_widht: {values: [1]}}\n",
            "parameters.strategy.wing_widht",
        ),
        ("base: base.yaml\nparameters: {venue.fees: {values: [true]}}\n", "parameters.venue.fees"),
        (
            "base: base.yaml\nobjective: profit\nparameters: {strategy.lots: {values: [1]}}\n",
            "objective",
        ),
        ("base: base.yaml\nsampler: tpe\nparameters: {strategy.lots: {values: [1]}}\n", "trials"),
        (
            "base: base.yaml\nparameters: {strategy.lots: {low: 2}}\n",
            "parameters.strategy.lots.values",
        ),
        (
            "base: base.yaml\nparameters: {strategy.lots: {low: 3, high: 1}}\n",
            "parameters.strategy.lots.high",
        ),
        (
            "base: base.yaml\nparameters: {strategy.lots: {values: [1], lwo: 1}}\n",
            "parameters.strategy.lots.lwo",
        ),
        ("base: missing.yaml\nparameters: {strategy.lots: {values: [1]}}\n", "base"),
    ],
)
def test_bad_sweep_files_name_the_key(tmp_path: Path, text: str, key: str) -> None:
    with pytest.raises(ConfigError) as error:
        load_sweep(_files(tmp_path, text))
    assert str(error.value).startswith(key)


_LOTS = "parameters: {strategy.lots: {values: [1]}}\n"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "base: base.yaml\nparameters: {strategy.lots: {low: 1, high: 3}}\n",
            "parameters.strategy.lots.step: a range needs a step for the grid sampler (in ",
        ),
        (
            f"base: base.yaml\nobjective: profit\n{_LOTS}",
            "objective: 'profit' is not one of sharpe, pnl_total, pnl_over_drawdown, win_rate,",
        ),
        (f"base: base.yaml\nsampler: bayes\n{_LOTS}", "sampler: 'bayes' is not one of grid,"),
        (
            f"base: base.yaml\n{_LOTS}walk_forward:\n"
            "  in_sample: {start: '2026-01-07', end: '2026-01-05'}\n"
            "  out_of_sample: {start: '2026-01-08', end: '2026-01-09'}\n",
            "walk_forward.in_sample.end: '2026-01-05' is before start '2026-01-07' (in ",
        ),
        (
            f"base: base.yaml\n{_LOTS}walk_forward:\n"
            "  in_sample: {start: '2026-01-32', end: '2026-02-05'}\n"
            "  out_of_sample: {start: '2026-02-08', end: '2026-02-09'}\n",
            "walk_forward.in_sample.start: not an ISO date or timestamp: '2026-01-32' (in ",
        ),
        (
            f"base: base.yaml\n{_LOTS}walk_forward:\n"
            "  in_sample: {start: '2026-01-05', end: '2026-01-07'}\n"
            "  out_of_sample: {start: '2026-01-07', end: '2026-01-09'}\n",
            "walk_forward.out_of_sample: 2026-01-07 to 2026-01-09 overlaps in_sample",
        ),
    ],
)
def test_errors_name_the_key_path_the_file_and_the_choices(
    tmp_path: Path, text: str, expected: str
) -> None:
    with pytest.raises(ConfigError) as error:
        load_sweep(_files(tmp_path, text))
    assert str(error.value).startswith(expected)
    assert "sweep.yaml" in str(error.value)


def test_a_missing_base_is_named_with_its_resolved_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _files(tmp_path, f"base: nope.yaml\n{_LOTS}")
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ConfigError) as error:
        load_sweep("sweep.yaml")
    assert str(error.value).startswith(f"base: cannot read nope.yaml ({tmp_path / 'nope.yaml'})")


def test_a_bad_value_of_a_set_names_its_parameter_and_the_file(tmp_path: Path) -> None:
    _, base = load_sweep(_files(tmp_path, f"base: base.yaml\n{_LOTS}"))
    source = str(tmp_path / "sweep.yaml")
    with pytest.raises(ConfigError) as error:
        run_settings(base, {"strategy.wing_width": 130}, out="x", period=None, source=source)
    assert str(error.value).startswith("parameters.strategy.wing_width: 130 is not a multiple")
    assert str(error.value).endswith(f"(in {source})")


def test_out_of_sample_before_in_sample_is_noted_not_refused(tmp_path: Path) -> None:
    text = (
        f"base: base.yaml\n{_LOTS}walk_forward:\n"
        "  in_sample: {start: '2026-01-12', end: '2026-01-16'}\n"
        "  out_of_sample: {start: '2026-01-05', end: '2026-01-09'}\n"
    )
    sweep, _ = load_sweep(_files(tmp_path, text))
    (note,) = walk_forward_notes(sweep)
    assert note.startswith("walk_forward.out_of_sample (2026-01-05) is before in_sample")
