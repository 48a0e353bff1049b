"""``options-nt sweep``: run a parameter sweep of the backtest on Ray and report."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

DESCRIPTION = """\
Run a parameter sweep of the options-nt backtest on Ray.

The sweep file (YAML or JSON) names a base run file, the strategy and capital settings to
vary (grid, random or Optuna TPE), the objective to maximise and an optional walk-forward
split. Runs go to a local Ray (started and stopped here) or, with --address, to an existing
cluster; each run gets a fresh worker process. Results are written as each run finishes, so
starting an interrupted sweep again skips the runs already done. Outputs: results.parquet,
results.csv, report.html and summary.json in the output folder.
"""


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``sweep`` subcommand."""
    parser = subparsers.add_parser(
        "sweep",
        help="sweep backtest parameters on Ray",
        description=DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--config", type=Path, required=True, metavar="FILE", help="sweep file")
    parser.add_argument(
        "--address", metavar="RAY", help="Ray cluster to join (default: a local Ray)"
    )
    parser.add_argument(
        "--out",
        metavar="DIR",
        help="output folder (replaces the file's out, which is relative to the file)",
    )
    parser.add_argument(
        "--num-cpus", type=int, metavar="N", help="CPUs of the local Ray (default: all)"
    )
    parser.add_argument(
        "--json", action="store_true", help="print one JSON object with the summary, only"
    )
    parser.add_argument(
        "--verbose", action="store_true", help="show Ray's own log lines (hidden by default)"
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Run the sweep described by ``args``; return the exit code."""
    from nautilus_options.environments.sweep import run_sweep
    from nautilus_options.environments.sweep_settings import load_sweep, walk_forward_notes

    for line in walk_forward_notes(load_sweep(args.config)[0]):
        _note(line)
    options = {
        "address": args.address,
        "out": args.out,
        "num_cpus": args.num_cpus,
        "verbose": args.verbose,
        "note": _note,
    }
    if args.json:
        outcome = run_sweep(args.config, **options)
        print(json.dumps({**outcome.summary, "out": str(outcome.out_dir)}))
        return 0
    from nautilus_options.common.progress import TerminalProgress

    with TerminalProgress(transient=False) as progress:
        outcome = run_sweep(args.config, progress=progress, **options)
    best = outcome.summary["best"]
    if resumed := outcome.summary["resumed_runs"]:
        print(f"Resumed: {resumed} finished run(s) in {outcome.out_dir} kept, not run again")
    print(f"{outcome.summary['parameter_sets']} parameter sets; best {best}")
    print(f"Outputs: {outcome.out_dir}  (open {outcome.files['report']})")
    return 0


def _note(line: str) -> None:
    print(f"options-nt: note: {line}", file=sys.stderr)
