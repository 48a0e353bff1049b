"""The one progress interface: a rich bar on a console, or nothing."""

from __future__ import annotations

import io

from rich.console import Console

from nautilus_options.common.progress import (
    Progress,
    SilentProgress,
    TerminalProgress,
    progress_bar,
)


def _drawn(work: list[tuple[str, tuple[object, ...]]]) -> str:
    out = io.StringIO()
    console = Console(file=out, force_terminal=True, width=100)
    progress: Progress
    with TerminalProgress(console, transient=False) as progress:
        for method, args in work:
            getattr(progress, method)(*args)
    return out.getvalue()


def test_a_determinate_stage_shows_done_of_total_in_its_unit() -> None:
    text = _drawn([("stage", ("reading", 3, "files")), ("advance", ()), ("advance", ())])
    assert "reading" in text
    assert "2/3 files" in text


def test_an_indeterminate_stage_and_a_detail() -> None:
    text = _drawn([("stage", ("committing",)), ("update", (5, 10, "2026-01-05 09:15 IST"))])
    assert "committing" in text
    assert "2026-01-05 09:15 IST" in text


def test_silent_progress_draws_nothing() -> None:
    with progress_bar(False) as progress:
        progress.stage("x", 1, "files")
        progress.advance()
        progress.update(1)
    assert isinstance(progress, SilentProgress)
    assert isinstance(progress_bar(True), TerminalProgress)
