"""Sweep files: the parameter sets they describe, and errors that name the bad key."""

from __future__ import annotations

from pathlib import Path

import pytest

from nautilus_options.environments.sweep_settings import load_sweep, parameter_sets
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
