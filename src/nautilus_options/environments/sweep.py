"""Parameter sweeps of the backtest on Ray: ``run_sweep`` and ``options-nt sweep``.

Each run of a sweep (a parameter set in a period) is one :func:`execute_run` task on Ray, in a
**fresh worker process** (``max_calls=1``: Nautilus engines keep memory after a run). Ray is
local by default (started here with ``num_cpus`` CPUs, the dashboard and usage statistics
off, bound to 127.0.0.1, and shut down at the end); ``address`` joins an existing cluster
instead, with no other change (every node needs options-nt installed and the catalog at the
same path).

Results are appended to ``runs.jsonl`` in the output folder as each run finishes, so a sweep
that is interrupted and started again with the same file skips the runs already there. At
the end the folder holds ``results.parquet`` and ``results.csv`` (one row per parameter
set, in-sample and out-of-sample figures side by side), ``report.html`` and
``summary.json``; each run's own backtest outputs are under ``runs/<run id>-<period>/``.
"""

from __future__ import annotations

import json
import os
import resource
import time
from collections import deque
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd

from nautilus_options.common.progress import Progress
from nautilus_options.environments.backtest import run_backtest
from nautilus_options.environments.outputs import read_equity
from nautilus_options.environments.sweep_report import write_results
from nautilus_options.environments.sweep_settings import (
    Period,
    SweepSettings,
    load_sweep,
    parameter_sets,
    run_id,
    run_settings,
)
from nautilus_options.errors import ConfigError

__all__ = [
    "RUNS_FILE",
    "SweepOutcome",
    "daily_equity",
    "execute_run",
    "objective_value",
    "run_sweep",
]

#: The sweep's journal of finished runs, one JSON object a line.
RUNS_FILE = "runs.jsonl"
_FIGURES = ("trades", "pnl_total", "sharpe", "max_drawdown", "win_rate", "ending_capital")


@dataclass(frozen=True)
class SweepOutcome:
    """The result of :func:`run_sweep`: its summary, results table, folder and files."""

    summary: dict[str, Any]
    results: pd.DataFrame
    out_dir: Path
    files: dict[str, Path]


def objective_value(summary: Mapping[str, Any], objective: str) -> float:
    """The ``objective`` of a backtest summary (NaN when undefined, e.g. no Sharpe)."""
    if objective == "pnl_over_drawdown":
        pnl, drawdown = summary.get("pnl_total"), summary.get("max_drawdown") or 0.0
        value = None if pnl is None else (pnl / drawdown if drawdown > 0 else pnl)
    else:
        value = summary.get(objective)
    return float("nan") if value is None else float(value)


def execute_run(
    base: Mapping[str, Any],
    params: Mapping[str, Any],
    period_name: str,
    period: Period | None,
    out: str,
    objective: str,
) -> dict[str, Any]:
    """Run one backtest of a sweep; its row for ``runs.jsonl``.

    The row holds the run id, period, parameters, headline figures, the objective, the daily
    equity (``[[date, value], ...]``), the wall time and the process's peak memory (MB).
    """
    started = time.perf_counter()
    settings = run_settings(base, params, out=out, period=period)
    outcome = run_backtest(settings)
    return {
        "run_id": run_id(params),
        "period": period_name,
        "params": dict(params),
        **{key: outcome.summary.get(key) for key in _FIGURES},
        "objective": objective_value(outcome.summary, objective),
        "equity": daily_equity(outcome.out_dir),
        "wall_secs": round(time.perf_counter() - started, 2),
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024,
    }


def daily_equity(out_dir: Path) -> list[list[Any]]:
    """A run's equity marked to market at each IST day's last change: ``[[date, INR]]``."""
    equity = read_equity(out_dir)[2]
    days = pd.DatetimeIndex(equity.index).tz_convert("Asia/Kolkata").strftime("%Y-%m-%d")
    daily = equity.groupby(days).last()
    return [[str(day), round(float(value), 2)] for day, value in daily.items()]


def run_sweep(
    config: str | Path,
    *,
    address: str | None = None,
    out: str | None = None,
    num_cpus: int | None = None,
    progress: Progress | None = None,
) -> SweepOutcome:
    """Run the sweep of a sweep file on Ray and write its results.

    Parameters
    ----------
    config : str or Path
        The sweep file (see :mod:`nautilus_options.environments.sweep_settings`).
    address : str, optional
        A Ray cluster to join (``ray://host:10001`` or ``host:6379``); local Ray when None.
    out : str, optional
        Output folder, replacing the file's ``out``; runs already in its ``runs.jsonl`` are
        skipped.
    num_cpus : int, optional
        CPUs of the local Ray (all when None; ignored with ``address``).
    progress : Progress, optional
        Shows the runs done.

    Raises
    ------
    ConfigError
        For a bad sweep or base run file, naming the key.
    """
    started = time.perf_counter()
    sweep, base = load_sweep(config)
    out_dir = _out_dir(out or sweep.out)
    periods = _periods(sweep)
    for params in parameter_sets(sweep) if sweep.sampler != "tpe" else []:
        run_settings(base, params, out=str(out_dir), period=None)  # fail before any run
    journal = out_dir / RUNS_FILE
    rows = _read_journal(journal)
    done = {(row["run_id"], row["period"]) for row in rows}
    resumed = len(rows)
    proposer = _proposer(sweep, rows)
    total = proposer.size * len(periods)
    ray = _start_ray(address, num_cpus)
    try:
        task = ray.remote(max_calls=1, num_cpus=1)(execute_run)
        parallel = sweep.max_parallel or max(int(ray.cluster_resources().get("CPU", 1)), 1)
        if progress is not None:
            progress.stage("sweeping", total=total, unit="runs")
            progress.update(len(rows))
        for row in _drive(ray, task, sweep, base, out_dir, periods, proposer, done, parallel):
            with journal.open("a", encoding="utf-8") as file:
                file.write(json.dumps(row) + "\n")
            rows.append(row)
            if progress is not None:
                progress.advance()
    finally:
        if address is None:
            ray.shutdown()
    if progress is not None:
        progress.stage("writing the report")
    results, files = write_results(rows, sweep, out_dir)
    summary = _summary(results, sweep, resumed, time.perf_counter() - started)
    files["summary"] = out_dir / "summary.json"
    files["runs"] = journal
    summary["files"] = {name: str(path) for name, path in files.items()}
    files["summary"].write_text(json.dumps(summary, indent=2), encoding="utf-8")
    return SweepOutcome(summary=summary, results=results, out_dir=out_dir, files=files)


def _drive(
    ray: Any,
    task: Any,
    sweep: SweepSettings,
    base: Mapping[str, Any],
    out_dir: Path,
    periods: dict[str, Period | None],
    proposer: _Proposer,
    done: set[tuple[str, str]],
    parallel: int,
) -> Iterator[dict[str, Any]]:
    """Submit the runs not ``done``, at most ``parallel`` at once; yield rows as they end."""
    queue: deque[tuple[dict[str, Any], str]] = deque()
    pending: dict[Any, str] = {}
    while True:
        while len(pending) < parallel and (queue or proposer.more()):
            if not queue:
                params = proposer.next()
                queue.extend(
                    (params, name) for name in periods if (run_id(params), name) not in done
                )
                continue
            params, name = queue.popleft()
            folder = out_dir / "runs" / f"{run_id(params)}-{name}"
            ref = task.remote(base, params, name, periods[name], str(folder), sweep.objective)
            pending[ref] = name
        if not pending:
            return
        ready, _ = ray.wait(list(pending), num_returns=1)
        pending.pop(ready[0])
        row = ray.get(ready[0])
        proposer.tell(row)
        yield row


class _Proposer:
    """The parameter sets of a sweep: a fixed list, then ``budget`` asks of a sampler."""

    def __init__(
        self,
        sets: list[dict[str, Any]],
        *,
        size: int,
        ask: Callable[[], dict[str, Any]] | None = None,
        budget: int = 0,
        tell: Callable[[dict[str, Any]], None] | None = None,
    ) -> None:
        self._sets = deque(sets)
        self.size = size
        self._ask, self._budget, self._tell = ask, budget, tell

    def more(self) -> bool:
        return bool(self._sets) or (self._ask is not None and self._budget > 0)

    def next(self) -> dict[str, Any]:
        if self._sets or self._ask is None:
            return self._sets.popleft()
        self._budget -= 1
        return self._ask()

    def tell(self, row: dict[str, Any]) -> None:
        if self._tell is not None:
            self._tell(row)


def _proposer(sweep: SweepSettings, rows: list[dict[str, Any]]) -> _Proposer:
    if sweep.sampler != "tpe":
        sets = parameter_sets(sweep)
        return _Proposer(sets, size=len(sets))
    from nautilus_options.environments.sweep_optuna import TpeSampler

    sampler = TpeSampler(sweep, rows)
    return _Proposer(
        sampler.unfinished(),
        size=sweep.trials or 0,
        ask=sampler.ask,
        budget=sampler.budget,
        tell=sampler.tell,
    )


def _periods(sweep: SweepSettings) -> dict[str, Period | None]:
    if sweep.walk_forward is None:
        return {"full": None}
    split = sweep.walk_forward
    return {"in_sample": split.in_sample, "out_of_sample": split.out_of_sample}


def _start_ray(address: str | None, num_cpus: int | None) -> Any:
    """Ray, connected to ``address`` or to a new local instance (offline, loopback only)."""
    os.environ["RAY_USAGE_STATS_ENABLED"] = "0"
    import ray

    options: dict[str, Any] = {"include_dashboard": False, "log_to_driver": False}
    if address is not None:
        ray.init(address=address, **options)
    else:
        ray.init(num_cpus=num_cpus, _node_ip_address="127.0.0.1", **options)
    return ray


def _read_journal(journal: Path) -> list[dict[str, Any]]:
    if not journal.exists():
        return []
    rows = []
    for line in journal.read_text(encoding="utf-8").splitlines():
        try:
            rows.append(json.loads(line))
        except json.JSONDecodeError:
            continue  # the line a killed sweep was writing
    return rows


def _out_dir(out: str | None) -> Path:
    path = Path(out) if out else Path("out") / f"sweep-{datetime.now(UTC):%Y%m%d-%H%M%S}"
    try:
        path.expanduser().mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ConfigError("out", f"cannot create {path}: {exc.strerror}") from None
    return path.expanduser()


def _summary(
    results: pd.DataFrame, sweep: SweepSettings, resumed: int, elapsed: float
) -> dict[str, Any]:
    key = "in_sample_objective" if sweep.walk_forward else "full_objective"
    ranked = results.sort_values(key, ascending=False, na_position="last")
    best = ranked.iloc[0] if len(ranked) else None
    summary: dict[str, Any] = {
        "objective": sweep.objective,
        "sampler": sweep.sampler,
        "parameter_sets": len(results),
        "resumed_runs": resumed,
        "elapsed_secs": round(elapsed, 2),
        "best": None,
    }
    if best is not None:
        summary["best"] = {
            "run_id": best["run_id"],
            "params": {name: _plain(best[name]) for name in sweep.parameters},
            "objective": _plain(best[key]),
        }
        if sweep.walk_forward:
            summary["best"]["out_of_sample_objective"] = _plain(best["out_of_sample_objective"])
    return summary


def _plain(value: Any) -> Any:
    """A JSON value from a pandas cell (NaN as None)."""
    if hasattr(value, "item"):
        value = value.item()
    return None if isinstance(value, float) and value != value else value
