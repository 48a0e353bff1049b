"""One progress interface for long work: data generation, import and backtests.

A long task reports through a :class:`Progress`. It announces **stages**; a stage is either
*indeterminate* (a spinner: "committing", "loading market data") or *determinate*, with a
``total`` in some ``unit`` ("files", "days", simulated nanoseconds) and the amount done so
far::

    with progress_bar(enabled=not quiet) as progress:
        progress.stage("reading files", total=len(paths), unit="files")
        for path in paths:
            ...
            progress.advance()
        progress.stage("committing")  # indeterminate

The work never formats output itself: :class:`TerminalProgress` draws a transient rich bar on
stderr (stdout stays free for ``--json``), :class:`SilentProgress` draws nothing.
"""

from __future__ import annotations

from types import TracebackType
from typing import TYPE_CHECKING, Protocol, Self

if TYPE_CHECKING:
    from rich.console import Console


class Progress(Protocol):
    """Receives the progress of a long task (a context manager around the task)."""

    def __enter__(self) -> Self:
        """Start showing progress."""
        ...

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        """Stop showing progress."""
        ...

    def stage(self, description: str, total: float | None = None, unit: str = "") -> None:
        """Start a stage: determinate over ``total`` ``unit`` when given, else indeterminate."""
        ...

    def advance(self, amount: float = 1) -> None:
        """Add ``amount`` to the work done in the current stage."""
        ...

    def update(self, completed: float, total: float | None = None, detail: str = "") -> None:
        """Set the work done in the current stage (and its total), with a short ``detail``."""
        ...


class SilentProgress:
    """A :class:`Progress` that shows nothing."""

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        return None

    def stage(self, description: str, total: float | None = None, unit: str = "") -> None:
        """Ignore the stage."""

    def advance(self, amount: float = 1) -> None:
        """Ignore the advance."""

    def update(self, completed: float, total: float | None = None, detail: str = "") -> None:
        """Ignore the update."""


class TerminalProgress:
    """A :class:`Progress` drawn as one rich bar on stderr (only when it is a terminal).

    Parameters
    ----------
    console : rich.console.Console, optional
        Where to draw (default: a console on stderr).
    transient : bool, default True
        Remove the bar when the task ends.
    lines : bool, default False
        When the console is not a terminal (a log, a pipe), print each stage as a line, and
        a determinate stage's progress every tenth (``simulating: 30% (2026-01-07 ...)``),
        so a process reading the output sees progress as it comes.
    """

    def __init__(
        self, console: Console | None = None, transient: bool = True, lines: bool = False
    ) -> None:
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            Progress,
            SpinnerColumn,
            TextColumn,
            TimeElapsedColumn,
        )

        console = console or Console(stderr=True)
        self._bar = Progress(
            SpinnerColumn(),
            TextColumn("[bold]{task.description}"),
            BarColumn(),
            TextColumn("{task.fields[detail]}"),
            TimeElapsedColumn(),
            console=console,
            transient=transient,
            disable=not console.is_terminal,  # no bar (nor blank line) in logs and pipes
        )
        self._task = self._bar.add_task("starting", total=None, detail="")
        self._unit = ""
        self._console = console if lines and not console.is_terminal else None
        self._tenths = 0

    def __enter__(self) -> Self:
        self._bar.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._bar.stop()

    def stage(self, description: str, total: float | None = None, unit: str = "") -> None:
        """Show a new stage, with an empty bar over ``total`` or a spinner."""
        self._unit = unit
        self._tenths = 0
        self._bar.reset(self._task, total=total, description=description, detail="")
        self._line(description)
        if total is not None:
            self.update(0)

    def advance(self, amount: float = 1) -> None:
        """Move the bar forward by ``amount``."""
        task = self._bar.tasks[0]
        self.update(task.completed + amount)

    def update(self, completed: float, total: float | None = None, detail: str = "") -> None:
        """Set the bar; without ``detail`` it shows ``done/total unit``."""
        task = self._bar.tasks[0]
        total = task.total if total is None else total
        if not detail and total is not None:
            detail = f"{completed:,.0f}/{total:,.0f} {self._unit}".rstrip()
        self._bar.update(self._task, completed=completed, total=total, detail=detail)
        tenths = int(completed * 10 // total) if total else 0
        if tenths > self._tenths:
            self._tenths = tenths
            self._line(f"{task.description}: {tenths * 10}% ({detail})")

    def _line(self, text: str) -> None:
        """Print ``text`` as a line when printing lines (see ``lines``)."""
        if self._console is not None:
            self._console.print(text, markup=False, highlight=False, soft_wrap=True)


def progress_bar(enabled: bool) -> Progress:
    """A :class:`TerminalProgress` when ``enabled``, else a :class:`SilentProgress`."""
    return TerminalProgress() if enabled else SilentProgress()
