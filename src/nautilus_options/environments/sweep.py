"""Parameter sweeps of the backtest on Ray: ``run_sweep`` and ``options-nt sweep``.

Each run of a sweep (a parameter set in a period) is one :func:`remote_run` task on Ray, in a
**fresh worker process** (``max_calls=1``: Nautilus engines keep memory after a run). Ray is
local by default (started here with ``num_cpus`` CPUs, the dashboard and usage statistics
off, bound to 127.0.0.1, and shut down at the end); ``address`` joins an existing cluster
instead, with no other change (every node needs options-nt installed and the catalog at the
same path).

Everything that can be checked is checked before Ray starts (the files, every grid set, the
periods against the catalog, ``address``); an error raised on purpose in a worker also ends
the sweep as one :class:`~nautilus_options.errors.ConfigError` line.

Results are appended to ``runs.jsonl`` in the output folder as each run finishes, so a sweep
that is interrupted and started again with the same file skips the runs already there; the
folder is bound to the base run and periods it was made with (``sweep_base.json``), and a
sweep with others is refused there rather than mixed. At
the end the folder holds ``results.parquet`` and ``results.csv`` (one row per parameter
set, in-sample and out-of-sample figures side by side), ``report.html`` and
``summary.json``; each run's own backtest outputs are under ``runs/<run id>-<period>/``.
"""

from __future__ import annotations

import importlib.util
import itertools
import json
import logging
import os
import resource
import socket
import time
from collections import deque
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import msgspec
import numpy as np
import pandas as pd

from nautilus_options.common.progress import Progress
from nautilus_options.domain.nse import CALENDAR_END, CALENDAR_START, trading_days
from nautilus_options.domain.time import ist_date
from nautilus_options.environments.backtest import resolve_catalog, run_backtest, run_period
from nautilus_options.environments.backtest_settings import settings_from_mapping
from nautilus_options.environments.data_window import RunPeriod
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
from nautilus_options.errors import ConfigError, OptionsNTError

__all__ = [
    "DRAWDOWN_FLOOR",
    "FEW_TRADING_DAYS",
    "FINGERPRINT_FILE",
    "RUNS_FILE",
    "CoveredPeriod",
    "SweepOutcome",
    "check_address",
    "check_periods",
    "claim_out_dir",
    "covered_notes",
    "daily_equity",
    "execute_run",
    "fingerprint",
    "objective_value",
    "rejudge",
    "remote_run",
    "run_sweep",
]

#: The sweep's journal of finished runs, one JSON object a line.
RUNS_FILE = "runs.jsonl"
#: The settings the runs in an output folder were made with (see :func:`fingerprint`).
FINGERPRINT_FILE = "sweep_base.json"
#: The smallest drawdown ``pnl_over_drawdown`` divides by, as a share of the initial capital.
DRAWDOWN_FLOOR = 0.01
#: A period with fewer trading days than this gets a warning: its Sharpe ratio, annualised
#: from so few daily returns, is meaningless.
FEW_TRADING_DAYS = 5
_FIGURES = (
    "trades",
    "open_spreads",
    "pnl_total",
    "sharpe",
    "max_drawdown",
    "win_rate",
    "initial_capital",
    "ending_capital",
)


@dataclass(frozen=True)
class CoveredPeriod:
    """A sweep's period as its runs simulate it: the asked bounds and the days with data."""

    asked: tuple[str | None, str | None]
    period: RunPeriod

    @property
    def trading_days(self) -> int:
        """NSE trading days of the period with index data."""
        first, last = ist_date(self.period.start), ist_date(self.period.end)
        if first >= CALENDAR_START and last <= CALENDAR_END:
            days = len(trading_days(first, last))
        else:
            days = int(np.busday_count(first, last + timedelta(days=1)))
        return days - len(self.period.missing_days)

    @property
    def dates(self) -> tuple[date, date]:
        """The first and last IST day simulated."""
        return ist_date(self.period.start), ist_date(self.period.end)

    def notes(self) -> list[str]:
        """The backtest's notes on the period, and a warning when it is short."""
        lines = self.period.notes(self.asked)
        if (days := self.trading_days) < FEW_TRADING_DAYS:
            lines.append(
                f"the run covers only {days} trading day(s): its sharpe, annualised from so "
                f"few daily returns, means little (give {FEW_TRADING_DAYS} or more)"
            )
        return lines

    def as_dict(self) -> dict[str, Any]:
        """The period as JSON data: covered ``start``/``end``, trading days, days without data."""
        first, last = self.dates
        return {
            "start": first.isoformat(),
            "end": last.isoformat(),
            "trading_days": self.trading_days,
            "days_without_data": [day.isoformat() for day in self.period.missing_days],
        }


@dataclass(frozen=True)
class SweepOutcome:
    """The result of :func:`run_sweep`: its summary, results table, folder and files."""

    summary: dict[str, Any]
    results: pd.DataFrame
    out_dir: Path
    files: dict[str, Path]


def objective_value(
    summary: Mapping[str, Any], objective: str, equity: Sequence[float] = ()
) -> float:
    """The ``objective`` of a backtest summary; NaN when undefined (no spread, no Sharpe).

    A run that opened no spread has no objective, so it ranks last whatever the others lost.
    ``pnl_over_drawdown`` reads the run's daily ``equity`` (marked to market): with the P&L
    ``p`` (last equity less the initial capital) and the maximum drawdown ``d`` of that curve,
    both in units of a floor of 1 % of the initial capital (``d`` at least 1), it is ``p / d``
    for a gain and ``p * d`` for a loss. It rises with the P&L and falls as the drawdown
    deepens, on either side of zero.
    """
    if not any(summary.get(key) for key in ("entries", "trades", "open_spreads")):
        return float("nan")
    if objective != "pnl_over_drawdown":
        value = summary.get(objective)
        return float("nan") if value is None else float(value)
    capital = float(summary.get("initial_capital") or 0.0)
    if not equity or capital <= 0:
        return float("nan")
    curve = np.concatenate(([capital], np.asarray(equity, dtype=float)))
    floor = capital * DRAWDOWN_FLOOR
    pnl = (curve[-1] - capital) / floor
    drawdown = max(float(np.max(np.maximum.accumulate(curve) - curve)) / floor, 1.0)
    return float(pnl / drawdown if pnl >= 0 else pnl * drawdown)


def execute_run(
    base: Mapping[str, Any],
    params: Mapping[str, Any],
    period_name: str,
    period: Period | None,
    out: str,
    objective: str,
    source: str = "sweep",
) -> dict[str, Any]:
    """Run one backtest of a sweep; its row for ``runs.jsonl``.

    The row holds the run id, period, parameters, headline figures, the objective (of the
    daily equity, so it can be recomputed from the row, see :func:`rejudge`), the daily
    equity (``[[date, value], ...]``), the trading days without data (ISO dates), the wall
    time and the process's peak memory (MB). ``source`` (the sweep file) is named in errors.
    """
    started = time.perf_counter()
    settings = run_settings(base, params, out=out, period=period, source=source)
    outcome = run_backtest(settings)
    equity = daily_equity(read_equity(outcome.out_dir)[2])
    return {
        "run_id": run_id(params),
        "period": period_name,
        "params": dict(params),
        **{key: outcome.summary.get(key) for key in _FIGURES},
        "objective": objective_value(outcome.summary, objective, [v for _, v in equity]),
        "equity": equity,
        "days_without_data": outcome.summary.get("days_without_data", []),
        "wall_secs": round(time.perf_counter() - started, 2),
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024,
    }


def rejudge(
    row: Mapping[str, Any], objective: str, base: Mapping[str, Any], source: str
) -> dict[str, Any]:
    """A ``runs.jsonl`` row with its objective recomputed for ``objective``.

    The row's figures and daily equity are all :func:`objective_value` reads. A row written
    before rows held ``open_spreads`` and ``initial_capital`` takes the capital from its
    settings, and counts as having opened a spread when it closed one or had an objective.
    """
    summary = dict(row)
    if "initial_capital" not in row:
        settings = run_settings(base, row["params"], out="", period=None, source=source)
        summary["initial_capital"] = settings.capital.initial_capital
    if "open_spreads" not in row:
        judged = row.get("objective") is not None and row["objective"] == row["objective"]
        summary["open_spreads"] = int(judged)
    equity = [value for _, value in row.get("equity") or []]
    return {**row, "objective": objective_value(summary, objective, equity)}


def remote_run(
    base: Mapping[str, Any],
    params: Mapping[str, Any],
    period_name: str,
    period: Period | None,
    out: str,
    objective: str,
    source: str,
) -> dict[str, Any]:
    """:func:`execute_run` in a Ray worker: an error raised on purpose comes back as data.

    Ray cannot rebuild this package's errors on the driver (nor print them in one line), so
    the row is then ``{"run_id", "period", "error": [field or None, message]}``.
    """
    error: list[str | None]
    try:
        return execute_run(base, params, period_name, period, out, objective, source)
    except ConfigError as exc:
        error = [exc.field, _message(exc)]
    except OptionsNTError as exc:
        error = [None, str(exc)]
    return {"run_id": run_id(params), "period": period_name, "error": error}


def _run_error(row: Mapping[str, Any], source: str | Path) -> OptionsNTError:
    """The error of a failed run's row, naming the run and the sweep file."""
    field, message = row["error"]
    run = f"run {row['run_id']}-{row['period']}"
    where = f"({run})" if f"(in {source})" in message else f"({run} of {source})"
    return _period_error(field, f"{message} {where}", row["period"])


def _period_error(field: str | None, message: str, period: str) -> OptionsNTError:
    """An error of a run in ``period``: its ``start``/``end`` named as the split's key."""
    if field is None:
        return OptionsNTError(message)
    if period != "full" and field in ("start", "end"):
        field = f"walk_forward.{period}.{field}"
    return ConfigError(field, message)


def daily_equity(equity: pd.Series) -> list[list[Any]]:
    """A run's equity marked to market at each IST day's last change: ``[[date, INR]]``."""
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
    verbose: bool = False,
    note: Callable[[str], None] | None = None,
) -> SweepOutcome:
    """Run the sweep of a sweep file on Ray and write its results.

    Parameters
    ----------
    config : str or Path
        The sweep file (see :mod:`nautilus_options.environments.sweep_settings`).
    address : str, optional
        A Ray cluster to join (``ray://host:10001`` or ``host:6379``); local Ray when None.
    out : str, optional
        Output folder (relative to the current folder), replacing the file's ``out``
        (relative to the sweep file); runs already in its ``runs.jsonl`` are skipped and
        their objective recomputed for the file's ``objective``.
    num_cpus : int, optional
        CPUs of the local Ray (all when None; ignored with ``address``).
    progress : Progress, optional
        Shows the runs done.
    verbose : bool, default False
        Let Ray log (its start, its warnings) on stderr.
    note : Callable[[str], None], optional
        Told, before Ray starts, each line a user should know about a period (clipped to the
        days with data, days without data, too few trading days; see :func:`covered_notes`).

    Raises
    ------
    ConfigError
        For a bad sweep or base run file, naming the key; for an ``address`` that does not
        answer; for an ``out`` holding runs of another base run or walk-forward split; for a
        run's bad setting found in a worker.
    """
    started = time.perf_counter()
    sweep, base = load_sweep(config)
    out_dir = _out_dir(out, sweep.out, Path(config))
    periods = _periods(sweep)
    for params in parameter_sets(sweep) if sweep.sampler != "tpe" else []:
        run_settings(base, params, out=str(out_dir), period=None, source=str(config))
    covered = check_periods(base, periods, config)
    for line in itertools.chain.from_iterable(covered_notes(covered).values()):
        if note is not None:
            note(line)
    if address is not None:
        check_address(address)
    journal = out_dir / RUNS_FILE
    rows = _read_journal(journal)
    claim_out_dir(out_dir, fingerprint(base, periods, str(config)), resuming=bool(rows))
    rows = [rejudge(row, sweep.objective, base, str(config)) for row in rows]
    done = {(row["run_id"], row["period"]) for row in rows}
    resumed = len(rows)
    proposer = _proposer(sweep, rows)
    total = proposer.size * len(periods)
    ray = _start_ray(address, num_cpus, verbose)
    try:
        task = ray.remote(max_calls=1, num_cpus=1)(remote_run)
        parallel = sweep.max_parallel or max(int(ray.cluster_resources().get("CPU", 1)), 1)
        if progress is not None:
            progress.stage("sweeping", total=total, unit="runs")
            progress.update(len(rows))
        runs = _drive(ray, task, sweep, base, out_dir, periods, proposer, done, parallel, config)
        for row in runs:
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
    dated = {name: period.as_dict() for name, period in covered.items()}
    results, files = write_results(rows, sweep, out_dir, dated, covered_notes(covered))
    summary = _summary(results, sweep, resumed, time.perf_counter() - started)
    summary["periods"] = dated
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
    source: str | Path,
) -> Iterator[dict[str, Any]]:
    """Submit the runs not ``done``, at most ``parallel`` at once; yield rows as they end."""
    queue: deque[tuple[dict[str, Any], str]] = deque()
    pending: dict[Any, str] = {}
    while True:
        while len(pending) < parallel and (queue or proposer.more()):
            if not queue:
                params = proposer.next()
                if params is None:
                    continue
                queue.extend(
                    (params, name) for name in periods if (run_id(params), name) not in done
                )
                continue
            params, name = queue.popleft()
            folder = out_dir / "runs" / f"{run_id(params)}-{name}"
            args = (base, params, name, periods[name], str(folder), sweep.objective, str(source))
            ref = task.remote(*args)
            pending[ref] = name
        if not pending:
            return
        ready, _ = ray.wait(list(pending), num_returns=1)
        pending.pop(ready[0])
        row = ray.get(ready[0])
        if "error" in row:
            raise _run_error(row, source)
        proposer.tell(row)
        yield row


class _Proposer:
    """The parameter sets of a sweep: a fixed list, then ``budget`` asks of a sampler."""

    def __init__(
        self,
        sets: list[dict[str, Any]],
        *,
        size: int,
        ask: Callable[[], dict[str, Any] | None] | None = None,
        budget: int = 0,
        tell: Callable[[dict[str, Any]], None] | None = None,
    ) -> None:
        self._sets = deque(sets)
        self.size = size
        self._ask, self._budget, self._tell = ask, budget, tell

    def more(self) -> bool:
        return bool(self._sets) or (self._ask is not None and self._budget > 0)

    def next(self) -> dict[str, Any] | None:
        """The next set; None when the sampler has no new one (the budget is then spent)."""
        if self._sets or self._ask is None:
            return self._sets.popleft()
        params = self._ask()
        self._budget = self._budget - 1 if params is not None else 0
        return params

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


def check_periods(
    base: Mapping[str, Any], periods: Mapping[str, Period | None], source: str | Path
) -> dict[str, CoveredPeriod]:
    """Each period as its runs will simulate it; refuse one in which the catalog holds no data.

    Raises
    ------
    ConfigError
        Naming ``walk_forward.<period>.start`` (``start`` of the base run without a split)
        and ``source``.
    """
    covered = {}
    for name, period in periods.items():
        settings = run_settings(base, {}, out="", period=period, source=str(source))
        try:
            clipped = run_period(settings, resolve_catalog(settings))
        except ConfigError as exc:
            raise _period_error(exc.field, f"{_message(exc)} (in {source})", name) from None
        covered[name] = CoveredPeriod(asked=(settings.start, settings.end), period=clipped)
    return covered


def covered_notes(covered: Mapping[str, CoveredPeriod]) -> dict[str, list[str]]:
    """Each period's notes (:meth:`CoveredPeriod.notes`), those of a split naming it."""
    return {
        name: [line if name == "full" else f"walk_forward.{name}: {line}" for line in p.notes()]
        for name, p in covered.items()
    }


def _message(exc: ConfigError) -> str:
    return str(exc).removeprefix(f"{exc.field}: ")


def check_address(address: str, timeout: float = 3.0) -> None:
    """Fail at once when the Ray ``address`` (``host:port`` or ``ray://host:port``) is unreachable.

    Raises
    ------
    ConfigError
        Naming ``--address``: malformed, no TCP answer within ``timeout`` seconds, or a
        ``ray://`` address without Ray Client installed.
    """
    if address == "auto":
        return
    host, sep, port = address.removeprefix("ray://").rpartition(":")
    if not sep or not host or not port.isdigit():
        raise ConfigError("--address", f"{address!r} is not host:port or ray://host:port")
    try:
        socket.create_connection((host, int(port)), timeout=timeout).close()
    except OSError as exc:
        reason = exc.strerror or str(exc) or type(exc).__name__
        raise ConfigError("--address", f"cannot reach {address}: {reason}") from None
    if address.startswith("ray://") and importlib.util.find_spec("grpc") is None:
        raise ConfigError("--address", "ray:// needs Ray Client: pip install 'options-nt[sweep]'")


def fingerprint(
    base: Mapping[str, Any], periods: Mapping[str, Period | None], source: str
) -> dict[str, Any]:
    """What a sweep's runs depend on beyond their parameters: the base settings and periods.

    The base run file resolved with every default (its ``out`` left out), and each period's
    bounds, as plain JSON data.
    """
    settings = msgspec.to_builtins(settings_from_mapping(base, source=source))
    settings.pop("out", None)
    bounds = {name: None if p is None else [p.start, p.end] for name, p in periods.items()}
    return json.loads(json.dumps({"base": settings, "periods": bounds}, default=str))


def claim_out_dir(out_dir: Path, key: Mapping[str, Any], *, resuming: bool) -> None:
    """Bind ``out_dir`` to a sweep's :func:`fingerprint`, or refuse one bound to another.

    Raises
    ------
    ConfigError
        Naming ``--out`` and the settings that changed since its runs were made.
    """
    file = out_dir / FINGERPRINT_FILE
    if file.exists():
        stored = json.loads(file.read_text(encoding="utf-8"))
    elif resuming:
        stored = {}
    else:
        file.write_text(json.dumps(key, indent=2), encoding="utf-8")
        return
    if stored == key:
        return
    changed = ", ".join(_changed(stored, dict(key))) if stored else f"no {FINGERPRINT_FILE}"
    raise ConfigError(
        "--out",
        f"{out_dir} holds runs of another base run or walk-forward split (changed: {changed});"
        " give a new --out",
    )


def _changed(old: Mapping[str, Any], new: Mapping[str, Any], prefix: str = "") -> list[str]:
    """Dotted keys whose values differ between two nested mappings."""
    keys = []
    for key in sorted(set(old) | set(new)):
        a, b = old.get(key), new.get(key)
        if isinstance(a, Mapping) and isinstance(b, Mapping):
            keys.extend(_changed(a, b, f"{prefix}{key}."))
        elif a != b:
            keys.append(f"{prefix}{key}")
    return keys


def _start_ray(address: str | None, num_cpus: int | None, verbose: bool) -> Any:
    """Ray, connected to ``address`` or to a new local instance (offline, loopback only).

    Ray's own log lines (its start, its warnings) are kept off stderr unless ``verbose``.
    """
    os.environ["RAY_USAGE_STATS_ENABLED"] = "0"
    import ray

    level = logging.INFO if verbose else logging.ERROR
    logging.getLogger("ray").setLevel(level)
    options: dict[str, Any] = {
        "include_dashboard": False,
        "log_to_driver": verbose,
        "logging_level": level,
    }
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


def _out_dir(out: str | None, configured: str | None, config: Path) -> Path:
    """The output folder: ``--out`` (from the current folder), else the file's ``out``
    (from the sweep file's folder), else ``out/sweep-<UTC timestamp>``."""
    if out:
        path = Path(out)
    elif configured:
        path = config.parent / Path(configured).expanduser()
    else:
        path = Path("out") / f"sweep-{datetime.now(UTC):%Y%m%d-%H%M%S}"
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
