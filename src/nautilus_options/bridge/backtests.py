"""Backtest result folders, served read-only, and backtests run in the background.

A result folder is a sub-folder of the results directory holding ``summary.json`` (as
``options-nt backtest`` writes); its ``report.html`` is served as is. A run is the
``options-nt backtest`` command in a child process (the server's process keeps serving,
and a node in it keeps trading), writing into a new result folder; its progress is its
state, its elapsed time and the last line it printed.
"""

from __future__ import annotations

import json
import re
import secrets
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

__all__ = ["NAME_PATTERN", "BacktestJob", "BacktestRuns"]

#: Names of result folders the bridge serves or creates.
NAME_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$"
_NAME = re.compile(NAME_PATTERN)
_JOBS = ".jobs"


@dataclass
class BacktestJob:
    """A backtest running (or run) in a child process."""

    id: str
    name: str
    started: datetime
    process: subprocess.Popen[bytes]
    log: Path
    started_monotonic: float
    ended_monotonic: float | None = None

    @property
    def status(self) -> str:
        """``running``, ``finished`` or ``failed``."""
        code = self.process.poll()
        if code is None:
            return "running"
        if self.ended_monotonic is None:
            self.ended_monotonic = time.monotonic()
        return "finished" if code == 0 else "failed"

    @property
    def elapsed_secs(self) -> float:
        """Seconds it ran (so far)."""
        end = self.ended_monotonic if self.status != "running" else None
        return round((end or time.monotonic()) - self.started_monotonic, 1)

    def last_line(self) -> str:
        """The last line it printed (progress or the error)."""
        try:
            lines = self.log.read_text(encoding="utf-8", errors="replace").splitlines()
        except OSError:
            return ""
        return next((line.strip() for line in reversed(lines) if line.strip()), "")[-300:]


class BacktestRuns:
    """The result folders under ``results_dir`` and the runs started here.

    Parameters
    ----------
    results_dir : Path
        The folder of result folders.
    """

    def __init__(self, results_dir: Path) -> None:
        self.results_dir = results_dir
        self._jobs: dict[str, BacktestJob] = {}
        self._lock = threading.Lock()

    def results(self) -> list[tuple[str, datetime, dict[str, Any], bool]]:
        """``(name, modified, summary, has_report)`` of each result folder, newest first."""
        found = []
        if self.results_dir.is_dir():
            for folder in self.results_dir.iterdir():
                summary_file = folder / "summary.json"
                if not _NAME.match(folder.name) or not summary_file.is_file():
                    continue
                try:
                    summary = json.loads(summary_file.read_text(encoding="utf-8"))
                except (OSError, ValueError):
                    summary = {}
                modified = datetime.fromtimestamp(summary_file.stat().st_mtime, UTC)
                report = (folder / "report.html").is_file()
                found.append((folder.name, modified, _scalars(summary), report))
        return sorted(found, key=lambda item: item[1], reverse=True)

    def report(self, name: str) -> Path | None:
        """The ``report.html`` of result folder ``name`` (never a path outside it)."""
        if not _NAME.match(name):
            return None
        path = (self.results_dir / name / "report.html").resolve()
        if path.parent.parent != self.results_dir.resolve() or not path.is_file():
            return None
        return path

    def start(self, name: str | None, start: date | None, end: date | None) -> BacktestJob:
        """Start ``options-nt backtest`` into result folder ``name`` (default a new one).

        Raises
        ------
        ValueError
            If ``name`` is not a plain folder name, or is already used.
        """
        name = name or f"backtest-{datetime.now(UTC):%Y%m%d-%H%M%S}-{secrets.token_hex(2)}"
        if not _NAME.match(name):
            raise ValueError(f"name: {name!r} is not a plain folder name")
        out = self.results_dir / name
        with self._lock:
            if out.exists() or any(job.name == name for job in self._jobs.values()):
                raise ValueError(f"name: {name!r} is already used")
            command = [sys.executable, "-m", "nautilus_options", "backtest", "--out", str(out)]
            for flag, day in (("--start", start), ("--end", end)):
                if day is not None:
                    command += [flag, day.isoformat()]
            logs = self.results_dir / _JOBS
            logs.mkdir(parents=True, exist_ok=True)
            job_id = secrets.token_hex(4)
            log = logs / f"{job_id}.log"
            with log.open("wb") as handle:
                process = subprocess.Popen(
                    command, stdout=handle, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL
                )
            job = BacktestJob(job_id, name, datetime.now(UTC), process, log, time.monotonic())
            self._jobs[job_id] = job
        return job

    def job(self, job_id: str) -> BacktestJob | None:
        """A run started here, or None."""
        return self._jobs.get(job_id)

    def jobs(self) -> list[BacktestJob]:
        """The runs started here, newest first."""
        return sorted(self._jobs.values(), key=lambda job: job.started, reverse=True)

    def close(self) -> None:
        """Stop runs still going (the server is stopping)."""
        for job in self._jobs.values():
            if job.process.poll() is None:
                job.process.terminate()
            try:
                job.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                job.process.kill()
                job.process.wait()


def _scalars(summary: dict[str, Any]) -> dict[str, Any]:
    plain = int | float | str | bool | None
    return {key: value for key, value in summary.items() if isinstance(value, plain)}
