"""Backtest result folders, served read-only, and backtests run in the background.

A result folder is a sub-folder of the results directory holding ``summary.json`` (as
``options-nt backtest`` writes); its ``report.html`` is served as is. A run is the
``options-nt backtest`` command in a child process (the server's process keeps serving,
and a node in it keeps trading), writing into a new result folder; its progress is its
state, its elapsed time and the last line it printed.

Each run is a heavy process: at most ``max_running`` run at once (1 by default), up to
``max_queued`` more wait their turn, and beyond that a run is refused
(:class:`BacktestQueueFullError`). A run's dates are checked against the embedded market's
period, and its result folder is always a new folder directly inside the results directory
(never through a link).
"""

from __future__ import annotations

import json
import re
import secrets
import subprocess
import sys
import threading
import time
from collections import deque
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from nautilus_options.data.market_config import SyntheticMarketConfig

__all__ = [
    "NAME_PATTERN",
    "BacktestJob",
    "BacktestQueueFullError",
    "BacktestRequestError",
    "BacktestRuns",
    "default_period",
]

#: Names of result folders the bridge serves or creates.
NAME_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$"
_NAME = re.compile(NAME_PATTERN)
_JOBS = ".jobs"


class BacktestRequestError(ValueError):
    """A run's request is invalid; ``field`` names what is wrong."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


class BacktestQueueFullError(RuntimeError):
    """As many runs as allowed are running and waiting."""


def default_period() -> tuple[date, date]:
    """First and last trading day of the embedded synthetic market (what a run covers)."""
    days = SyntheticMarketConfig().trading_days
    return days[0], days[-1]


@dataclass
class BacktestJob:
    """A backtest waiting, running or run in a child process."""

    id: str
    name: str
    started: datetime
    command: list[str]
    log: Path
    process: subprocess.Popen[bytes] | None = None
    started_monotonic: float | None = None
    ended_monotonic: float | None = None

    @property
    def status(self) -> str:
        """``queued``, ``running``, ``finished`` or ``failed``."""
        if self.process is None:
            return "queued"
        code = self.process.poll()
        if code is None:
            return "running"
        if self.ended_monotonic is None:
            self.ended_monotonic = time.monotonic()
        return "finished" if code == 0 else "failed"

    @property
    def elapsed_secs(self) -> float:
        """Seconds it ran (so far; 0 while queued)."""
        if self.started_monotonic is None:
            return 0.0
        end = self.ended_monotonic if self.status != "running" else None
        return round((end or time.monotonic()) - self.started_monotonic, 1)

    def launch(self) -> None:
        """Start its process (output into its log)."""
        with self.log.open("wb") as handle:
            self.process = subprocess.Popen(
                self.command, stdout=handle, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL
            )
        self.started_monotonic = time.monotonic()

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
    max_running, max_queued : int
        Runs at once, and runs waiting their turn beyond those.
    period : tuple[date, date], optional
        First and last day a run may cover (default :func:`default_period`).
    """

    def __init__(
        self,
        results_dir: Path,
        max_running: int = 1,
        max_queued: int = 3,
        period: tuple[date, date] | None = None,
    ) -> None:
        self.results_dir = results_dir
        self.max_running = max_running
        self.max_queued = max_queued
        self.period = period or default_period()
        self._jobs: dict[str, BacktestJob] = {}
        self._queue: deque[BacktestJob] = deque()
        self._lock = threading.Lock()
        self._closed = False

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
        """Run ``options-nt backtest`` into result folder ``name`` (default a new one): at
        once, or queued while ``max_running`` runs are going.

        Raises
        ------
        BacktestRequestError
            If ``start`` or ``end`` is outside :attr:`period` or ``end`` is before ``start``
            (naming the field).
        ValueError
            If ``name`` is not a plain folder name directly inside the results folder, or is
            already used.
        BacktestQueueFullError
            If ``max_running`` runs are going and ``max_queued`` are waiting.
        """
        self._check_period(start, end)
        name = name or f"backtest-{datetime.now(UTC):%Y%m%d-%H%M%S}-{secrets.token_hex(2)}"
        out = self._new_folder(name)
        command = [sys.executable, "-m", "nautilus_options", "backtest", "--out", str(out)]
        for flag, day in (("--start", start), ("--end", end)):
            if day is not None:
                command += [flag, day.isoformat()]
        with self._lock:
            if self._closed:
                raise BacktestQueueFullError("the server is stopping")
            if any(job.name == name for job in self._jobs.values()):
                raise ValueError(f"name: {name!r} is already used")
            running = sum(job.status == "running" for job in self._jobs.values())
            if running >= self.max_running and len(self._queue) >= self.max_queued:
                raise BacktestQueueFullError(
                    f"{running} backtest(s) running and {len(self._queue)} waiting: "
                    "try again once one has finished"
                )
            logs = self.results_dir / _JOBS
            logs.mkdir(parents=True, exist_ok=True)
            job_id = secrets.token_hex(4)
            job = BacktestJob(job_id, name, datetime.now(UTC), command, logs / f"{job_id}.log")
            self._jobs[job_id] = job
            self._queue.append(job)
            self._advance()
        return job

    def _check_period(self, start: date | None, end: date | None) -> None:
        first, last = self.period
        for field, day in (("start", start), ("end", end)):
            if day is not None and not first <= day <= last:
                raise BacktestRequestError(
                    field, f"{day.isoformat()} is outside the data ({first} to {last})"
                )
        if start is not None and end is not None and end < start:
            raise BacktestRequestError("end", f"{end.isoformat()} is before start {start}")

    def _new_folder(self, name: str) -> Path:
        """``results_dir / name``, checked to be a new folder directly inside it."""
        if not _NAME.match(name):
            raise ValueError(f"name: {name!r} is not a plain folder name")
        out = self.results_dir / name
        if out.is_symlink() or out.exists():
            raise ValueError(f"name: {name!r} is already used")
        if out.resolve().parent != self.results_dir.resolve():
            raise ValueError(f"name: {name!r} is not a folder directly inside the results")
        return out

    def _advance(self) -> None:
        """Start queued runs while fewer than ``max_running`` go (under the lock)."""
        running = sum(job.status == "running" for job in self._jobs.values())
        while self._queue and running < self.max_running and not self._closed:
            job = self._queue.popleft()
            job.launch()
            running += 1
            threading.Thread(
                target=self._wait, args=(job,), name=f"backtest-{job.id}", daemon=True
            ).start()

    def _wait(self, job: BacktestJob) -> None:
        """Once ``job`` ends, start the next queued run."""
        assert job.process is not None
        job.process.wait()
        job.ended_monotonic = time.monotonic()
        with self._lock:
            self._advance()

    def job(self, job_id: str) -> BacktestJob | None:
        """A run started here, or None."""
        return self._jobs.get(job_id)

    def jobs(self) -> list[BacktestJob]:
        """The runs started here, newest first."""
        return sorted(self._jobs.values(), key=lambda job: job.started, reverse=True)

    def close(self) -> None:
        """Drop queued runs and stop runs still going (the server is stopping)."""
        with self._lock:
            self._closed = True
            for job in self._queue:
                self._jobs.pop(job.id, None)
            self._queue.clear()
        for job in self._jobs.values():
            if job.process is None:
                continue
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
