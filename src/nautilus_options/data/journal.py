"""Crash-safe commit of staged files into a catalog, through a journal.

A writer stages new files in a folder beside the catalog, then :func:`commit_files`:

1. flushes the staged files to disk;
2. writes the journal ``.<name>.journal.json`` beside the catalog (the staging folder and
   every file to move), flushed and renamed into place atomically;
3. moves the files into the catalog with atomic renames;
4. removes the journal.

A run killed during step 3 leaves the journal. :func:`recover` (called by every writer, and
by readers before they read) then finishes the commit: it **rolls forward**, moving the files
still in staging, or, when the staging folder is gone, **rolls back** by removing the files
already moved (none of them existed before: commits never overwrite). Either way the catalog
is whole again, and :func:`recover` says what it did. :func:`remove_leftovers` then deletes
the staging folders of killed runs (``.<name>.import-*``, ``.<name>.partial-*``).

Test hook: with ``OPTIONS_NT_TEST_KILL_AFTER_MOVES=<n>`` in the environment the process
kills itself with ``SIGKILL`` after moving ``n`` files, to test recovery on real crashes.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
from collections.abc import Iterator
from pathlib import Path

from nautilus_options.data.lock import catalog_lock, sibling
from nautilus_options.errors import DataError

#: Suffixes of the staging folders writers create beside a catalog.
STAGING_SUFFIXES = (".import-", ".partial-")
_KILL_HOOK = "OPTIONS_NT_TEST_KILL_AFTER_MOVES"


def journal_path(catalog: Path) -> Path:
    """The journal file of ``catalog`` (present only while a commit is unfinished)."""
    return sibling(catalog, ".journal.json")


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _write_journal(catalog: Path, staging: Path, files: list[str]) -> Path:
    journal = journal_path(catalog)
    partial = journal.with_name(journal.name + ".tmp")
    with partial.open("w", encoding="utf-8") as stream:
        json.dump({"version": 1, "staging": staging.name, "files": files}, stream)
        stream.flush()
        os.fsync(stream.fileno())
    os.replace(partial, journal)
    _fsync(journal.parent)
    return journal


def _move(source: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    os.replace(source, target)


def commit_files(staging: Path, catalog: Path, files: list[str]) -> None:
    """Move ``files`` (paths relative to both folders) from ``staging`` into ``catalog``.

    The caller holds the catalog lock and has checked that none of ``files`` exists in the
    catalog. An error while moving undoes the moves done so far; a crash is repaired by
    :func:`recover`.
    """
    if not files:
        return
    for rel in files:
        _fsync(staging / rel)
    journal = _write_journal(catalog, staging, files)
    kill_after = int(os.environ.get(_KILL_HOOK, "-1"))
    moved: list[Path] = []
    try:
        for rel in files:
            if len(moved) == kill_after:
                os.kill(os.getpid(), signal.SIGKILL)
            _move(staging / rel, catalog / rel)
            moved.append(catalog / rel)
        for directory in sorted({target.parent for target in moved}):
            _fsync(directory)
    except BaseException:
        for target in reversed(moved):
            target.unlink(missing_ok=True)
        _prune(catalog, moved)
        journal.unlink(missing_ok=True)
        raise
    journal.unlink()


def _prune(catalog: Path, removed: list[Path]) -> None:
    """Remove folders of ``catalog`` left empty by removing ``removed``."""
    for path in removed:
        for directory in path.parents:
            if directory == catalog or catalog not in directory.parents:
                break
            with contextlib.suppress(OSError):
                directory.rmdir()


def recover(catalog_path: str | Path) -> str | None:
    """Finish or undo a commit into ``catalog_path`` interrupted by a crash.

    Cheap when there is nothing to do (one ``stat``). Otherwise waits for the catalog's
    writer lock, then rolls the journalled commit forward (or back, when its staging folder
    is gone) and removes the journal.

    Returns
    -------
    str or None
        What was done, to show the user; ``None`` when the catalog needed nothing.

    Raises
    ------
    DataError
        If the journal cannot be read (naming it).
    """
    catalog = Path(catalog_path)
    if not journal_path(catalog).exists():
        return None
    with catalog_lock(catalog, wait=True):
        return recover_locked(catalog)


def recover_locked(catalog: Path) -> str | None:
    """:func:`recover` for a caller that already holds the catalog lock."""
    journal = journal_path(catalog)
    if not journal.exists():
        return None
    try:
        manifest = json.loads(journal.read_text(encoding="utf-8"))
        staging = catalog.parent / str(manifest["staging"])
        files = [str(rel) for rel in manifest["files"]]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise DataError(
            f"unreadable commit journal ({exc}); the catalog may be incomplete: check it, "
            "then delete the journal",
            file=str(journal),
        ) from None
    pending = [rel for rel in files if (staging / rel).is_file()]
    complete = all((staging / rel).is_file() or (catalog / rel).is_file() for rel in files)
    if complete:
        for rel in pending:
            _move(staging / rel, catalog / rel)
        message = (
            f"{catalog}: finished an interrupted commit (rolled forward): moved the last "
            f"{len(pending)} of {len(files)} files into the catalog"
        )
    else:
        moved = [catalog / rel for rel in files if (catalog / rel).is_file()]
        for target in moved:
            target.unlink()
        _prune(catalog, moved)
        message = (
            f"{catalog}: undid an interrupted commit whose staged files are gone (rolled "
            f"back): removed the {len(moved)} files it had moved; run that import again"
        )
    _fsync(catalog.parent)
    journal.unlink()
    shutil.rmtree(staging, ignore_errors=True)
    return message


def remove_leftovers(catalog: Path) -> str | None:
    """Delete the staging folders killed writers left beside ``catalog`` (lock held)."""
    prefixes = tuple(f".{catalog.name}{suffix}" for suffix in STAGING_SUFFIXES)
    leftovers = sorted(
        p for p in catalog.parent.iterdir() if p.is_dir() and p.name.startswith(prefixes)
    )
    for path in leftovers:
        shutil.rmtree(path, ignore_errors=True)
    stale = journal_path(catalog).with_name(journal_path(catalog).name + ".tmp")
    stale.unlink(missing_ok=True)
    if not leftovers:
        return None
    names = ", ".join(p.name for p in leftovers)
    return f"removed {len(leftovers)} staging folder(s) left by interrupted runs: {names}"


@contextlib.contextmanager
def catalog_writer(catalog: Path, *, wait: bool = False) -> Iterator[list[str]]:
    """Hold the writer lock of ``catalog`` after repairing it; yields the notices to show.

    Takes the lock (:func:`~nautilus_options.data.lock.catalog_lock`), rolls an interrupted
    commit forward or back (:func:`recover_locked`) and removes staging folders of killed
    runs (:func:`remove_leftovers`), before the caller writes anything.
    """
    with catalog_lock(catalog, wait=wait) as notices:
        for notice in (recover_locked(catalog), remove_leftovers(catalog)):
            if notice is not None:
                notices.append(notice)
        yield notices
