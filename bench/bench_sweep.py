"""A sweep of 8 runs on Ray against the same 8 runs one after the other, in one invocation.

The catalog is the embedded synthetic NIFTY dataset (small: a run of its first week, 5 trading
days, takes about 5 s), the grid 4 wing widths x 2 strike deltas of the default iron condor. The
sequential runs each go in a fresh subprocess (as Ray gives each run a fresh worker), one
after the other; the Ray sweep is ``run_sweep`` on a local Ray with ``--cpus`` CPUs (2 by
default: this machine's). Printed: the wall time of each, the speed-up, the overhead per run
(the Ray wall time beyond the sequential time shared over the CPUs, per run: worker start,
scheduling, the Ray start and shutdown), and the peak resident memory of a worker
(``runs.jsonl``'s ``peak_rss_mb``) against that of a sequential run.

Usage::

    .venv/bin/python bench/bench_sweep.py [--cpus 2] [--days 5] [--json]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from nautilus_options.environments.sweep import RUNS_FILE, run_sweep
from nautilus_options.environments.sweep_settings import load_sweep, parameter_sets

#: The varied settings: 4 x 2 = 8 runs.
GRID = {"strategy.wing_width": [100, 150, 200, 250], "strategy.strike_value": [0.12, 0.16]}
DAYS = ["2026-01-05", "2026-01-06", "2026-01-07", "2026-01-08", "2026-01-09"]


def _files(folder: Path, days: int) -> Path:
    (folder / "base.yaml").write_text(
        f"start: '{DAYS[0]}'\nend: '{DAYS[days - 1]}'\nlog_level: 'OFF'\ntearsheet: false\n",
        encoding="utf-8",
    )
    lines = [f"  {name}: {{values: {values}}}" for name, values in GRID.items()]
    sweep = folder / "sweep.yaml"
    sweep.write_text(
        "base: base.yaml\nobjective: pnl_total\nparameters:\n" + "\n".join(lines) + "\n",
        encoding="utf-8",
    )
    return sweep


def _child(sweep: str, number: int, out: str) -> None:
    """Run parameter set ``number`` of ``sweep`` as a sweep's worker would."""
    from nautilus_options.environments.sweep import execute_run

    settings, base = load_sweep(sweep)
    params = parameter_sets(settings)[number]
    row = execute_run(base, params, "full", None, out, settings.objective)
    print(json.dumps({k: row[k] for k in ("run_id", "pnl_total", "wall_secs")}))


def sequential(sweep: Path, out: Path, runs: int) -> dict[str, Any]:
    """The runs one after the other, each in a fresh subprocess: wall time and peak RSS."""
    started = time.perf_counter()
    peaks, results = [], []
    for number in range(runs):
        child = subprocess.Popen(
            [sys.executable, __file__, "--child", str(number), str(sweep), str(out / str(number))],
            stdout=subprocess.PIPE,
            text=True,
        )
        assert child.stdout is not None
        output = child.stdout.read()
        _, status, usage = os.wait4(child.pid, 0)
        if status != 0:
            raise SystemExit(f"sequential run {number} failed (status {status})")
        peaks.append(usage.ru_maxrss // 1024)
        results.append(json.loads(output.strip().splitlines()[-1]))
    wall = time.perf_counter() - started
    return {"wall_secs": round(wall, 1), "peak_rss_mb": max(peaks), "runs": results}


def on_ray(sweep: Path, out: Path, cpus: int) -> dict[str, Any]:
    """The runs as one sweep on a local Ray with ``cpus`` CPUs."""
    started = time.perf_counter()
    outcome = run_sweep(sweep, out=str(out), num_cpus=cpus)
    wall = time.perf_counter() - started
    rows = [json.loads(line) for line in (out / RUNS_FILE).read_text().splitlines()]
    return {
        "wall_secs": round(wall, 1),
        "runs": len(rows),
        "run_secs_total": round(sum(r["wall_secs"] for r in rows), 1),
        "worker_peak_rss_mb": max(r["peak_rss_mb"] for r in rows),
        "best_objective": (outcome.summary.get("best") or {}).get("objective"),
        "pnl_by_run": {r["run_id"]: r["pnl_total"] for r in rows},
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cpus", type=int, default=2)
    parser.add_argument("--days", type=int, default=5, choices=range(1, len(DAYS) + 1))
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    parser.add_argument("rest", nargs="*", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child is not None:
        _child(args.rest[0], args.child, args.rest[1])
        return 0
    from nautilus_options.data.synthetic import default_catalog

    default_catalog()  # generated once, outside the timings
    with tempfile.TemporaryDirectory() as folder:
        sweep = _files(Path(folder), args.days)
        runs = len(parameter_sets(load_sweep(sweep)[0]))
        seq = sequential(sweep, Path(folder) / "seq", runs)
        ray = on_ray(sweep, Path(folder) / "ray", args.cpus)
    same = {r["run_id"]: r["pnl_total"] for r in seq["runs"]} == ray["pnl_by_run"]
    ideal = seq["wall_secs"] / min(args.cpus, runs)
    report = {
        "runs": runs,
        "cpus": args.cpus,
        "days_per_run": args.days,
        "sequential_secs": seq["wall_secs"],
        "ray_secs": ray["wall_secs"],
        "speedup": round(seq["wall_secs"] / ray["wall_secs"], 2),
        "overhead_secs_per_run": round((ray["wall_secs"] - ideal) * args.cpus / runs, 2),
        "sequential_run_secs": round(seq["wall_secs"] / runs, 2),
        "sequential_peak_rss_mb": seq["peak_rss_mb"],
        "ray_worker_peak_rss_mb": ray["worker_peak_rss_mb"],
        "same_results": same,
    }
    if args.json:
        print(json.dumps(report))
        return 0
    print(f"{runs} runs of {args.days} trading day(s), Ray on {args.cpus} CPUs")
    print(f"  sequential (fresh process each): {report['sequential_secs']} s")
    print(f"  Ray sweep:                       {report['ray_secs']} s")
    print(
        f"  speed-up: {report['speedup']}x; overhead per run: {report['overhead_secs_per_run']} s"
    )
    print(
        f"  peak RSS: worker {report['ray_worker_peak_rss_mb']} MB, "
        f"sequential run {report['sequential_peak_rss_mb']} MB"
    )
    print(f"  same results: {same}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
