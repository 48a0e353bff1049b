"""Resuming a sweep: a TPE study asks new sets only, and an output folder keeps one base run."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from nautilus_options.environments.sweep import claim_out_dir, fingerprint
from nautilus_options.environments.sweep_optuna import TpeSampler
from nautilus_options.environments.sweep_settings import (
    Parameter,
    Period,
    SweepSettings,
    run_id,
)
from nautilus_options.errors import ConfigError


def _tpe(trials: int) -> SweepSettings:
    wing = Parameter(values=[100, 150, 200, 250, 300, 350, 400, 450])
    return SweepSettings(
        base="base.yaml", sampler="tpe", trials=trials, seed=3, parameters={"strategy.w": wing}
    )


def _row(params: dict[str, Any]) -> dict[str, Any]:
    value = float(params["strategy.w"])
    return {"run_id": run_id(params), "period": "full", "params": params, "objective": value}


def test_a_resumed_tpe_study_asks_a_set_it_has_not_run() -> None:
    first = TpeSampler(_tpe(3), [])
    rows = []
    for _ in range(3):
        params = first.ask()
        assert params is not None
        rows.append(_row(params))
        first.tell(rows[-1])
    resumed = TpeSampler(_tpe(4), rows)
    assert resumed.budget == 1
    params = resumed.ask()
    assert params is not None
    assert run_id(params) not in {row["run_id"] for row in rows}


def test_a_study_with_every_set_run_asks_none() -> None:
    sweep = SweepSettings(
        base="b", sampler="tpe", trials=3, parameters={"strategy.w": Parameter(values=[1, 2])}
    )
    rows = [_row({"strategy.w": w}) for w in (1, 2)]
    assert TpeSampler(sweep, rows).ask() is None


def _key(end: str = "2026-01-06", **base: Any) -> dict[str, Any]:
    periods = {"in_sample": Period(start="2026-01-05", end=end), "out_of_sample": None}
    return fingerprint({"start": "2026-01-05", **base}, periods, "sweep.yaml")


def test_an_output_folder_refuses_runs_of_another_base(tmp_path: Path) -> None:
    claim_out_dir(tmp_path, _key(), resuming=False)
    claim_out_dir(tmp_path, _key(), resuming=True)
    changed = _key(capital={"initial_capital": 300_000}, venue={"fees": False})
    with pytest.raises(ConfigError) as error:
        claim_out_dir(tmp_path, changed, resuming=True)
    message = str(error.value)
    assert message.startswith(f"--out: {tmp_path} holds runs of another base run")
    assert "(changed: base.capital.initial_capital, base.venue.fees)" in message
    with pytest.raises(ConfigError, match=r"\(changed: periods\.in_sample\)"):
        claim_out_dir(tmp_path, _key(end="2026-01-07"), resuming=True)


def test_an_output_folder_without_its_base_is_not_resumed(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"changed: no sweep_base\.json"):
        claim_out_dir(tmp_path, _key(), resuming=True)
