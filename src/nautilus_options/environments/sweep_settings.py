"""The sweep file (YAML or JSON) and the parameter sets it describes.

A sweep varies strategy and capital settings of a base run file::

    base: run.yaml                      # a backtest run file, relative to the sweep file
    out: out/sweep-condor               # default: out/sweep-<UTC timestamp>
    sampler: grid                       # grid (every combination), random, or tpe (Optuna)
    trials: 20                          # random and tpe: parameter sets to run
    seed: 7
    objective: sharpe                   # see OBJECTIVES
    parameters:
      strategy.strike_value: {values: [0.12, 0.16, 0.20]}
      strategy.wing_width: {values: [100, 200]}
      capital.risk_per_trade_pct: {low: 1.0, high: 3.0}    # random and tpe only
    walk_forward:                       # optional: every set also runs out of sample
      in_sample: {start: "2026-01-05", end: "2026-01-23"}
      out_of_sample: {start: "2026-01-26", end: "2026-02-03"}

Every key is checked when the file is read; an error names it (``parameters.strategy.foo``,
``walk_forward.in_sample.start``) and the file, and the base run file is checked with every
parameter set before anything runs.
"""

from __future__ import annotations

import hashlib
import itertools
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

import msgspec
import numpy as np

from nautilus_options.capital.config import CapitalManagerConfig
from nautilus_options.common.config import NonNegativeInt, PositiveInt, check_fields, decode
from nautilus_options.common.settings_text import parse_settings_text
from nautilus_options.domain.time import parse_bound
from nautilus_options.environments.backtest_settings import BacktestSettings, settings_from_mapping
from nautilus_options.errors import ConfigError
from nautilus_options.strategy.config import OptionsSpreadStrategyConfig

__all__ = [
    "OBJECTIVES",
    "SAMPLERS",
    "Parameter",
    "Period",
    "SweepSettings",
    "WalkForward",
    "load_sweep",
    "parameter_sets",
    "run_id",
    "run_settings",
    "walk_forward_notes",
]

Objective = Literal["sharpe", "pnl_total", "pnl_over_drawdown", "win_rate", "ending_capital"]
#: What a sweep can maximise, by name: the backtest summary's figure, or the equity curve's
#: P&L against its maximum drawdown (``pnl_over_drawdown``, see
#: :func:`nautilus_options.environments.sweep.objective_value`).
OBJECTIVES: tuple[str, ...] = Objective.__args__  # type: ignore[attr-defined]
Sampler = Literal["grid", "random", "tpe"]
#: How a sweep chooses its parameter sets.
SAMPLERS: tuple[str, ...] = Sampler.__args__  # type: ignore[attr-defined]
#: The sections whose fields a sweep may vary.
SECTIONS = ("strategy", "capital")
_FIELDS = {
    "strategy": set(OptionsSpreadStrategyConfig.__struct_fields__),
    "capital": set(CapitalManagerConfig.__struct_fields__),
}


class Parameter(msgspec.Struct, kw_only=True, frozen=True, forbid_unknown_fields=True):
    """One varied setting: listed ``values``, or a range ``low``..``high``.

    A range is sampled uniformly (log-uniformly with ``log``), rounded to a multiple of
    ``step`` above ``low`` when given; ``integer`` draws whole numbers. The grid sampler
    needs ``values`` (or a range with a ``step``).
    """

    values: list[Any] | None = None
    low: float | None = None
    high: float | None = None
    step: float | None = None
    log: bool = False
    integer: bool = False

    def __post_init__(self) -> None:
        check_fields(self)
        ranged = self.low is not None and self.high is not None
        if (self.values is None) == (not ranged):
            raise ConfigError("values", "give either values or both low and high")
        if self.values is not None and not self.values:
            raise ConfigError("values", "must list at least one value")
        if ranged and self.high < self.low:  # type: ignore[operator]
            raise ConfigError("high", f"{self.high} is below low {self.low}")

    def grid(self) -> list[Any]:
        """The values of a grid: ``values``, or ``low``, ``low + step``, ... ``high``."""
        if self.values is not None:
            return list(self.values)
        if self.step is None:
            raise ConfigError("step", "a range needs a step for the grid sampler")
        count = int(np.floor((self.high - self.low) / self.step + 1e-9)) + 1  # type: ignore[operator]
        return [self._cast(self.low + n * self.step) for n in range(count)]  # type: ignore[operator]

    def draw(self, rng: np.random.Generator) -> Any:
        """One random value."""
        if self.values is not None:
            return self.values[int(rng.integers(len(self.values)))]
        low, high = float(self.low), float(self.high)  # type: ignore[arg-type]
        value = (
            float(np.exp(rng.uniform(np.log(low), np.log(high))))
            if self.log
            else rng.uniform(low, high)
        )
        if self.step is not None:
            value = low + round((value - low) / self.step) * self.step
        return self._cast(value)

    def _cast(self, value: float) -> float | int:
        return round(value) if self.integer else round(float(value), 10)


class Period(msgspec.Struct, kw_only=True, frozen=True, forbid_unknown_fields=True):
    """A period of a walk-forward split (bounds as in a run file)."""

    start: str
    end: str


class WalkForward(msgspec.Struct, kw_only=True, frozen=True, forbid_unknown_fields=True):
    """In-sample and out-of-sample periods: the sets are judged in sample, shown out of it."""

    in_sample: Period
    out_of_sample: Period


class SweepSettings(msgspec.Struct, kw_only=True, frozen=True, forbid_unknown_fields=True):
    """A sweep: the base run, the parameters to vary, how to sample them, what to maximise.

    Parameters
    ----------
    base : str
        The base run file (relative to the sweep file); its ``out`` is ignored.
    parameters : dict[str, Parameter]
        Varied settings by path (``strategy.<field>`` or ``capital.<field>``).
    sampler : {"grid", "random", "tpe"}, default "grid"
        Every combination, ``trials`` random draws, or Optuna's TPE sampler.
    trials : int, optional
        Parameter sets for ``random`` and ``tpe`` (required for them).
    seed : int, default 0
        Seed of the random and TPE samplers.
    objective : str, default "sharpe"
        One of :data:`OBJECTIVES`, maximised.
    walk_forward : WalkForward, optional
        In-sample and out-of-sample periods.
    out : str, optional
        Output folder; ``./out/sweep-<UTC timestamp>`` when None.
    max_parallel : int, optional
        Runs at once (Ray's CPUs when None).
    """

    base: str
    parameters: dict[str, Parameter]
    sampler: Sampler = "grid"
    trials: PositiveInt | None = None
    seed: NonNegativeInt = 0
    objective: Objective = "sharpe"
    walk_forward: WalkForward | None = None
    out: str | None = None
    max_parallel: PositiveInt | None = None

    def __post_init__(self) -> None:
        check_fields(self)
        if not self.parameters:
            raise ConfigError("parameters", "name at least one setting to vary")
        for path in self.parameters:
            section, _, field = path.partition(".")
            if section not in SECTIONS or not field:
                raise ConfigError(
                    f"parameters.{path}", "must be strategy.<field> or capital.<field>"
                )
        if self.sampler != "grid" and self.trials is None:
            raise ConfigError("trials", f"the {self.sampler} sampler needs a number of trials")


def load_sweep(path: str | Path) -> tuple[SweepSettings, dict[str, Any]]:
    """Read a sweep file; return it and its base run file as plain data.

    Raises
    ------
    ConfigError
        Naming the bad key and the file (the sweep file's or the base run file's).
    """
    file = Path(path)
    raw = _read(file, "sweep")
    for key, choices in (("objective", OBJECTIVES), ("sampler", SAMPLERS)):
        if key in raw and raw[key] not in choices:
            raise ConfigError(key, f"{raw[key]!r} is not one of {', '.join(choices)} (in {file})")
    _check_parameters(raw.get("parameters"), str(file))
    sweep = decode(raw, SweepSettings, str(file))
    for name, parameter in sweep.parameters.items():
        section, _, field = name.partition(".")
        if field not in _FIELDS[section]:
            raise ConfigError(f"parameters.{name}", f"unknown {section} setting (in {file})")
        if sweep.sampler == "grid" and parameter.values is None and parameter.step is None:
            raise ConfigError(
                f"parameters.{name}.step", f"a range needs a step for the grid sampler (in {file})"
            )
    if sweep.walk_forward is not None:
        _check_walk_forward(sweep.walk_forward, file)
    base_file = (file.parent / sweep.base).expanduser()
    base = _read(base_file, "base")
    settings_from_mapping(base, source=str(base_file))
    return sweep, {**base, "catalog": _relative(base.get("catalog"), base_file.parent)}


def _check_parameters(parameters: object, source: str) -> None:
    """Decode each parameter alone, so an error names it (``parameters.<name>.<key>``).

    Decoded within the sweep, msgspec reports a parameter's path as ``parameters[...]``.
    """
    if not isinstance(parameters, Mapping):
        return
    for name, values in parameters.items():
        try:
            decode(values, Parameter, source)
        except ConfigError as exc:
            key = "" if exc.field == "config" else f".{exc.field}"
            message = str(exc).removeprefix(f"{exc.field}: ")
            raise ConfigError(f"parameters.{name}{key}", message) from None


def _check_walk_forward(split: WalkForward, file: Path) -> None:
    """Refuse unparsable or reversed periods, and periods that overlap."""
    bounds = {}
    for name in ("in_sample", "out_of_sample"):
        period: Period = getattr(split, name)
        key = f"walk_forward.{name}"
        start, end = (_bound(period, f"{key}.{side}", file) for side in ("start", "end"))
        if end < start:
            raise ConfigError(
                f"{key}.end", f"{period.end!r} is before start {period.start!r} (in {file})"
            )
        bounds[name] = (start, end)
    (in_start, in_end), (out_start, out_end) = bounds["in_sample"], bounds["out_of_sample"]
    if in_start <= out_end and out_start <= in_end:
        raise ConfigError(
            "walk_forward.out_of_sample",
            f"{split.out_of_sample.start} to {split.out_of_sample.end} overlaps in_sample "
            f"{split.in_sample.start} to {split.in_sample.end} (in {file})",
        )


def _bound(period: Period, key: str, file: Path) -> int:
    """UNIX ns of a period's ``start`` or ``end`` (``key`` ends with which)."""
    side = key.rpartition(".")[2]
    try:
        return parse_bound(getattr(period, side), key, end=side == "end")
    except ConfigError as exc:
        raise ConfigError(key, f"{str(exc).removeprefix(f'{key}: ')} (in {file})") from None


def walk_forward_notes(sweep: SweepSettings) -> list[str]:
    """Notes on an unusual but valid split: out of sample before in sample."""
    split = sweep.walk_forward
    if split is None:
        return []
    if parse_bound(split.out_of_sample.start, "start") < parse_bound(
        split.in_sample.start, "start"
    ):
        return [
            f"walk_forward.out_of_sample ({split.out_of_sample.start}) is before in_sample "
            f"({split.in_sample.start}): the sets are judged on later data than they are "
            "shown on"
        ]
    return []


def parameter_sets(sweep: SweepSettings) -> list[dict[str, Any]]:
    """The parameter sets of a ``grid`` or ``random`` sweep, in run order."""
    names = list(sweep.parameters)
    if sweep.sampler == "grid":
        grids = [sweep.parameters[name].grid() for name in names]
        return [dict(zip(names, combo, strict=True)) for combo in itertools.product(*grids)]
    rng = np.random.default_rng(sweep.seed)
    return [
        {name: sweep.parameters[name].draw(rng) for name in names} for _ in range(sweep.trials or 0)
    ]


def run_settings(
    base: Mapping[str, Any],
    params: Mapping[str, Any],
    *,
    out: str,
    period: Period | None,
    source: str = "sweep",
) -> BacktestSettings:
    """The settings of one run: ``base`` with ``params`` laid over it, in ``period``.

    Raises
    ------
    ConfigError
        Naming ``parameters.<path>`` when a value is invalid for its setting (the whole set
        when the base run rejects the combination), and ``source`` (the sweep file).
    """
    data: dict[str, Any] = {
        key: dict(v) if isinstance(v, Mapping) else v for key, v in base.items()
    }
    for path, value in params.items():
        section, _, field = path.partition(".")
        data.setdefault(section, {})[field] = value
    data.update(out=out, tearsheet=False)
    if period is not None:
        data.update(start=period.start, end=period.end)
    try:
        return settings_from_mapping(data, source=source)
    except ConfigError as exc:
        if exc.field in params:
            message = str(exc).removeprefix(f"{exc.field}: ")
            raise ConfigError(f"parameters.{exc.field}", message) from None
        raise ConfigError(f"parameters ({_label(params)})", str(exc)) from None


def run_id(params: Mapping[str, Any]) -> str:
    """A stable id of a parameter set (the first 12 hex digits of its digest)."""
    text = json.dumps(dict(params), sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:12]


def _label(params: Mapping[str, Any]) -> str:
    return ", ".join(f"{k}={v}" for k, v in params.items())


def _read(file: Path, key: str) -> dict[str, Any]:
    try:
        text = file.read_text(encoding="utf-8")
    except OSError as exc:
        where = file if file.is_absolute() else f"{file} ({file.absolute()})"
        raise ConfigError(key, f"cannot read {where}: {exc.strerror}") from None
    data = parse_settings_text(text, file, key)
    if not isinstance(data, dict):
        raise ConfigError(key, f"{file} must hold a mapping of settings")
    return data


def _relative(catalog: object, folder: Path) -> object:
    """A relative ``catalog`` of the base run file, made absolute from its folder."""
    if isinstance(catalog, str) and not Path(catalog).expanduser().is_absolute():
        return str(folder / catalog)
    return catalog
