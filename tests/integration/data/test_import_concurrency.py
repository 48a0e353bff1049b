"""Catalog writers in real processes: one at a time, and a crash mid-commit loses nothing.

The crash is a real ``SIGKILL`` at a chosen file of the final move
(``OPTIONS_NT_TEST_KILL_AFTER_MOVES``); waits poll a condition with a generous timeout.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from nautilus_trader.persistence.catalog.parquet import ParquetDataCatalog

from nautilus_options.common.progress import SilentProgress
from nautilus_options.data.catalog import import_files, recover
from nautilus_options.data.journal import journal_path
from nautilus_options.data.lock import catalog_lock, sibling
from nautilus_options.domain.time import ist_date
from nautilus_options.environments.backtest import BacktestSettings, resolve_catalog

pytestmark = pytest.mark.slow

CE = "NIFTY2611324400CE"
STRIKES = range(24000, 25000, 100)
TIMEOUT = 120.0


def _snapshot(root: Path) -> dict[str, str]:
    import hashlib

    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def _quotes(path: Path, day: int, bid: str = "10.00") -> Path:
    """Quotes of 10 strikes x CE/PE and the index on 2026-01-<day> (one file per series)."""
    lines = ["timestamp,symbol,bid,ask,last"]
    for minute in range(3):
        stamp = f"2026-01-{day:02d}T09:{15 + minute:02d}:00+05:30"
        lines.append(f"{stamp},NIFTY,,,{24410 + minute}.05")
        lines += [f"{stamp},NIFTY26113{k}{r},{bid},11.00," for k in STRIKES for r in ("CE", "PE")]
    path.write_text("\n".join(lines) + "\n")
    return path


def _cli(*args: str, env: dict[str, str] | None = None) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "nautilus_options", "data", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, **(env or {})},
    )


def _import(
    source: Path, catalog: Path, *options: str, env: dict[str, str] | None = None
) -> subprocess.Popen[str]:
    args = ("import", "--format", "quotes", str(source), "--catalog", str(catalog))
    return _cli(*args, *options, env=env)


def _wait_for(condition: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + TIMEOUT
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


def _blocked_on_a_lock(pid: int) -> bool:
    """Whether ``pid`` waits for a file lock (a ``->`` line of /proc/locks)."""
    return any(
        "->" in line and line.split()[5] == str(pid)
        for line in Path("/proc/locks").read_text().splitlines()
    )


def test_a_second_writer_gets_a_clear_error_naming_the_holder(tmp_path: Path) -> None:
    catalog = tmp_path / "cat"
    with catalog_lock(catalog):
        proc = _import(_quotes(tmp_path / "a.csv", 5), catalog)
        _out, err = proc.communicate(timeout=TIMEOUT)
    assert proc.returncode == 2, err
    assert f"the catalog is being written by pid {os.getpid()}" in err
    assert "--wait" in err
    assert str(sibling(catalog, ".lock")) in err
    assert not catalog.exists()


def test_a_waiting_writer_queues_behind_the_holder_and_lands(tmp_path: Path) -> None:
    catalog = tmp_path / "cat"
    with catalog_lock(catalog):
        proc = _import(_quotes(tmp_path / "a.csv", 5), catalog, "--wait", "--json")
        _wait_for(lambda: _blocked_on_a_lock(proc.pid), "the import to wait on the lock")
        assert proc.poll() is None
    out, err = proc.communicate(timeout=TIMEOUT)
    assert proc.returncode == 0, err
    assert '"rows_written": 66' in out


#: (day, bid) of three racing imports: the first two hold different data for the same minutes.
RACE = [(5, "10.00"), (5, "10.05"), (6, "10.00")]


@pytest.mark.parametrize("wait", [False, True])
def test_concurrent_imports_never_lose_one_silently(tmp_path: Path, wait: bool) -> None:
    """Each import either lands whole or fails with a clear error; none reports success and
    goes missing (without the lock, both imports of day 5 exited 0 and one was lost)."""
    catalog = tmp_path / "cat"
    options = ("--wait",) if wait else ()
    procs = [
        _import(_quotes(tmp_path / f"{n}.csv", day, bid), catalog, "--json", *options)
        for n, (day, bid) in enumerate(RACE)
    ]
    results = [(p.wait(timeout=TIMEOUT), *p.communicate()) for p in procs]
    for code, _, err in results:
        clear = "the catalog is being written by pid" in err or "overlapping data" in err
        assert code == 0 or (code == 2 and clear), err
    landed = {(day, float(bid)) for (day, bid), r in zip(RACE, results, strict=True) if r[0] == 0}
    ticks = ParquetDataCatalog(str(catalog)).quote_ticks(instrument_ids=[f"{CE}.NFO"])
    stored = {(ist_date(q.ts_event).day, q.bid_price.as_double()) for q in ticks}
    assert stored == landed
    if wait:
        assert len(landed) == 2  # one of the two day-5 imports, and day 6


def _killed_import(tmp_path: Path, catalog: Path, after: int) -> Path:
    """An import SIGKILLed after moving ``after`` files; returns its source."""
    source = _quotes(tmp_path / "b.csv", 6)
    proc = _import(source, catalog, env={"OPTIONS_NT_TEST_KILL_AFTER_MOVES": str(after)})
    proc.communicate(timeout=TIMEOUT)
    assert proc.returncode == -signal.SIGKILL
    assert journal_path(catalog).exists()
    return source


@pytest.fixture
def reference(tmp_path: Path) -> dict[str, str]:
    """The files of a clean import of days 5 and 6 (what a crash must end up as)."""
    clean = tmp_path / "clean"
    clean.mkdir()
    import_files([_quotes(clean / "a.csv", 5)], "quotes", clean / "cat")
    import_files([_quotes(clean / "b.csv", 6)], "quotes", clean / "cat")
    return _snapshot(clean / "cat")


def test_a_kill_during_the_move_is_rolled_forward_by_the_next_run(
    tmp_path: Path, reference: dict[str, str]
) -> None:
    catalog = tmp_path / "cat"
    import_files([_quotes(tmp_path / "a.csv", 5)], "quotes", catalog)
    _killed_import(tmp_path, catalog, after=7)
    half = _snapshot(catalog)
    assert len(reference) > len(half) > len(reference) // 2  # some of day 6, not all

    proc = _import(_quotes(tmp_path / "a.csv", 5), catalog)  # the next writer repairs first
    _, err = proc.communicate(timeout=TIMEOUT)
    assert proc.returncode == 0, err
    assert "took over the lock" in err
    assert "which is no longer running" in err
    assert "finished an interrupted commit (rolled forward)" in err
    assert _snapshot(catalog) == reference
    assert not journal_path(catalog).exists()
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".cat")) == []


def test_a_reader_rolls_forward_before_reading(tmp_path: Path, reference: dict[str, str]) -> None:
    catalog = tmp_path / "cat"
    import_files([_quotes(tmp_path / "a.csv", 5)], "quotes", catalog)
    _killed_import(tmp_path, catalog, after=1)
    message = recover(catalog)
    assert message is not None
    assert "moved the last" in message
    assert _snapshot(catalog) == reference
    assert recover(catalog) is None


def test_a_commit_whose_staging_is_lost_is_rolled_back(tmp_path: Path) -> None:
    catalog = tmp_path / "cat"
    import_files([_quotes(tmp_path / "a.csv", 5)], "quotes", catalog)
    before = _snapshot(catalog)
    _killed_import(tmp_path, catalog, after=4)
    for staging in tmp_path.glob(".cat.import-*"):
        shutil.rmtree(staging)
    message = recover(catalog)
    assert message is not None
    assert "rolled back" in message
    assert "removed the 4 files" in message
    assert _snapshot(catalog) == before


def test_partial_folders_of_a_killed_generate_are_removed_by_the_next_run(
    tmp_path: Path,
) -> None:
    out = tmp_path / "market"
    args = ("generate", "--days", "3", "--strikes", "4", "--out", str(out), "--json")
    proc = _cli(*args)
    partial = sibling(out, f".partial-{proc.pid}")
    _wait_for(lambda: partial.exists(), "the partial catalog folder")
    proc.send_signal(signal.SIGKILL)
    proc.communicate(timeout=TIMEOUT)
    assert not out.exists()
    assert partial.exists()

    again = _cli(*args)
    _stdout, err = again.communicate(timeout=TIMEOUT)
    assert again.returncode == 0, err
    assert f"removed 1 staging folder(s) left by interrupted runs: {partial.name}" in err
    assert not partial.exists()
    assert (out / "data").is_dir()


def test_a_backtest_repairs_an_interrupted_import_before_reading(
    tmp_path: Path, reference: dict[str, str]
) -> None:
    catalog = tmp_path / "cat"
    import_files([_quotes(tmp_path / "a.csv", 5)], "quotes", catalog)
    _killed_import(tmp_path, catalog, after=1)
    stages: list[str] = []

    class Stages(SilentProgress):
        def stage(self, description: str, total: float | None = None, unit: str = "") -> None:
            stages.append(description)

    assert resolve_catalog(BacktestSettings(catalog=str(catalog)), Stages()) == catalog
    assert _snapshot(catalog) == reference
    assert not journal_path(catalog).exists()
    assert len(stages) == 1
    assert "rolled forward" in stages[0] or "moved the last" in stages[0]


def test_the_backtest_command_says_it_repaired_the_catalog(tmp_path: Path) -> None:
    catalog = tmp_path / "cat"
    import_files([_quotes(tmp_path / "a.csv", 5)], "quotes", catalog)
    _killed_import(tmp_path, catalog, after=1)
    proc = subprocess.run(
        [sys.executable, "-m", "nautilus_options", "backtest", "--catalog", str(catalog), "--json"],
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=False,
    )
    assert f"options-nt: note: catalog {catalog}:" in proc.stderr
    assert not journal_path(catalog).exists()
