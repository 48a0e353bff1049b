"""One writer at a time per catalog: an exclusive lock file beside the catalog.

Every writer of a catalog (``data import``, ``data generate``, the cached default market)
holds :func:`catalog_lock` for its whole run. The lock is the file ``.<name>.lock`` in the
catalog's parent folder, locked with ``flock`` (so the kernel releases it when its holder
dies, even by ``SIGKILL``) and holding the holder's pid, host and start time as JSON:

* a second writer gets :class:`CatalogLockedError` naming the holder, or with ``wait=True``
  blocks until the lock is free;
* a lock file left behind by a dead holder is taken over, and a notice says so.

Everything a writer keeps beside the catalog (the lock, the commit journal of
:mod:`nautilus_options.data.journal`, staging folders) is named by :func:`sibling`, so that it
lives on the catalog's filesystem and the final moves are atomic renames.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import socket
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from nautilus_options.errors import ConfigError, OptionsNTError


class CatalogLockedError(OptionsNTError):
    """Another live process is writing the catalog."""


def sibling(catalog: Path, suffix: str) -> Path:
    """The hidden file or folder ``.<catalog name><suffix>`` beside ``catalog``."""
    return catalog.parent / f".{catalog.name}{suffix}"


def check_catalog_path(catalog: Path, field: str = "catalog_path") -> None:
    """Refuse a catalog path that is a file or whose parent folder cannot be written.

    Creates the parent folder when missing.

    Raises
    ------
    ConfigError
        Naming ``field``.
    """
    if catalog.exists() and not catalog.is_dir():
        raise ConfigError(field, f"{catalog} is a file, not a catalog directory")
    try:
        catalog.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ConfigError(
            field, f"cannot create the folder {catalog.parent}: {exc.strerror or exc}"
        ) from None
    if not os.access(catalog.parent, os.W_OK | os.X_OK):
        raise ConfigError(
            field,
            f"the folder {catalog.parent} is not writable (writers keep their lock, journal "
            "and staging files beside the catalog)",
        )


def _holder(fd: int) -> dict[str, Any]:
    os.lseek(fd, 0, os.SEEK_SET)
    text = os.read(fd, 4096).decode("utf-8", "replace")
    try:
        holder = json.loads(text) if text.strip() else {}
    except ValueError:
        return {}
    return holder if isinstance(holder, dict) else {}


def _describe(holder: dict[str, Any]) -> str:
    if not holder:
        return "another process (which has not written its pid yet)"
    return (
        f"pid {holder.get('pid', '?')} on {holder.get('host', '?')} "
        f"(started {holder.get('started', '?')})"
    )


def _open_locked(path: Path, wait: bool, catalog: Path) -> int:
    """Open and lock ``path``, retrying when a releasing holder unlinked it under us."""
    while True:
        try:
            fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:
            raise ConfigError(
                "catalog_path", f"cannot create the lock file {path}: {exc.strerror or exc}"
            ) from None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except BlockingIOError:
            holder = _describe(_holder(fd))
            os.close(fd)
            raise CatalogLockedError(
                f"{catalog}: the catalog is being written by {holder}; run again when it "
                f"has finished, or pass --wait (wait=True) to queue behind it "
                f"(lock file {path})"
            ) from None
        try:
            same = os.stat(path).st_ino == os.fstat(fd).st_ino
        except FileNotFoundError:
            same = False
        if same:
            return fd
        os.close(fd)


@contextlib.contextmanager
def catalog_lock(catalog: Path, *, wait: bool = False) -> Iterator[list[str]]:
    """Hold the writer lock of ``catalog``; yields the notices to show the user.

    Parameters
    ----------
    catalog : Path
        The catalog directory (it need not exist yet).
    wait : bool, default False
        Block until the lock is free instead of raising.

    Raises
    ------
    CatalogLockedError
        If another live process holds the lock and ``wait`` is false.
    ConfigError
        If the catalog path is a file or its parent folder is not writable.
    """
    check_catalog_path(catalog)
    path = sibling(catalog, ".lock")
    fd = _open_locked(path, wait, catalog)
    notices: list[str] = []
    try:
        previous = _holder(fd)
        if previous:
            notices.append(
                f"took over the lock {path} left by {_describe(previous)}, "
                "which is no longer running"
            )
        mine = {
            "pid": os.getpid(),
            "host": socket.gethostname(),
            "started": datetime.now(UTC).isoformat(timespec="seconds"),
        }
        os.ftruncate(fd, 0)
        os.lseek(fd, 0, os.SEEK_SET)
        os.write(fd, json.dumps(mine).encode())
        os.fsync(fd)
        yield notices
    finally:
        with contextlib.suppress(OSError):
            path.unlink()
        os.close(fd)
