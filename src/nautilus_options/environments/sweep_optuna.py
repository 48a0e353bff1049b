"""Optuna's TPE sampler behind a sweep's ask/tell loop, resumable from ``runs.jsonl``.

The study lives in memory: a resumed sweep rebuilds it from the journal's in-sample (or
full-period) rows with ``study.add_trial``, so the sampler continues from what was learnt.
A set asked but not finished before an interruption is lost and asked anew. A set the study
proposes again (its seeded start repeats itself on a resumed sweep) is told its known result
and not counted as a trial, so ``trials`` always ends with that many distinct sets.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import optuna
from optuna.distributions import (
    BaseDistribution,
    CategoricalDistribution,
    FloatDistribution,
    IntDistribution,
)
from optuna.trial import TrialState, create_trial

from nautilus_options.environments.sweep_settings import Parameter, SweepSettings, run_id

__all__ = ["MAX_REPEATS", "TpeSampler", "distribution"]

#: Proposals of sets already run, in a row, after which the study is taken as exhausted.
MAX_REPEATS = 100


def distribution(parameter: Parameter) -> BaseDistribution:
    """The Optuna distribution of a sweep parameter."""
    if parameter.values is not None:
        return CategoricalDistribution(parameter.values)
    low, high = float(parameter.low or 0.0), float(parameter.high or 0.0)
    if parameter.integer:
        step = int(parameter.step or 1)
        return IntDistribution(int(low), int(high), log=parameter.log, step=step)
    return FloatDistribution(low, high, log=parameter.log, step=parameter.step)


class TpeSampler:
    """Asks parameter sets of a TPE study and tells it the judged period's objective."""

    def __init__(self, sweep: SweepSettings, rows: Sequence[Mapping[str, Any]]) -> None:
        optuna.logging.set_verbosity(optuna.logging.WARNING)
        self._judged = "in_sample" if sweep.walk_forward is not None else "full"
        self._distributions = {k: distribution(p) for k, p in sweep.parameters.items()}
        self._study = optuna.create_study(
            direction="maximize", sampler=optuna.samplers.TPESampler(seed=sweep.seed)
        )
        self._trials: dict[str, optuna.trial.Trial] = {}
        judged = [row for row in rows if row["period"] == self._judged]
        self._values = {row["run_id"]: float(row["objective"]) for row in judged}
        for row in judged:
            self._add(row["params"], self._values[row["run_id"]])
        done = set(self._values)
        self._unfinished = {
            row["run_id"]: dict(row["params"]) for row in rows if row["run_id"] not in done
        }
        self.budget = max((sweep.trials or 0) - len(done) - len(self._unfinished), 0)

    def unfinished(self) -> list[dict[str, Any]]:
        """Sets with a run in the journal but none for the judged period: run them first."""
        return list(self._unfinished.values())

    def ask(self) -> dict[str, Any] | None:
        """A parameter set not run yet; None after :data:`MAX_REPEATS` known ones in a row."""
        for _ in range(MAX_REPEATS):
            trial = self._study.ask(self._distributions)
            key = run_id(trial.params)
            if key not in self._values:
                self._trials[key] = trial
                return dict(trial.params)
            self._finish(trial, self._values[key])
        return None

    def tell(self, row: Mapping[str, Any]) -> None:
        """Tell the study a finished run of the judged period."""
        if row["period"] != self._judged:
            return
        value = self._values[row["run_id"]] = float(row["objective"])
        trial = self._trials.pop(row["run_id"], None)
        if trial is None:  # a set of the journal's unfinished ones
            self._add(row["params"], value)
        else:
            self._finish(trial, value)

    def _add(self, params: Mapping[str, Any], value: float) -> None:
        self._study.add_trial(
            create_trial(
                params=dict(params),
                distributions=self._distributions,
                value=None if math.isnan(value) else value,
                state=TrialState.FAIL if math.isnan(value) else TrialState.COMPLETE,
            )
        )

    def _finish(self, trial: optuna.trial.Trial, value: float) -> None:
        if math.isnan(value):
            self._study.tell(trial, state=TrialState.FAIL)
        else:
            self._study.tell(trial, value)
