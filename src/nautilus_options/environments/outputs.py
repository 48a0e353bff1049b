"""The output folder of a backtest: checked before the run, written from the recorder after it.

============================ ================================================================
file                         content
============================ ================================================================
``capital.csv``              capital history (the recorder's ``capital`` stream)
``snapshots.csv``            spread snapshots (``snapshots`` stream)
``fills.csv``                every fill (``fills`` stream)
``order_events.csv``         every order event (``order_events`` stream)
``position_events.csv``      every position event (``position_events`` stream)
``orders.csv``               Nautilus' orders report
``positions.csv``            Nautilus' positions report
``spreads.csv``              one row per spread
``summary.json``             headline figures
``report.html``              the report
``tearsheet.html``           Nautilus' tearsheet (unless disabled)
``nautilus.log``             Nautilus' log at the run's log level
============================ ================================================================

The stream files are written by the :class:`~nautilus_options.environments.recorder.RunRecorder`
while the backtest runs; the rest after it.
"""

from __future__ import annotations

import fcntl
import os
import tempfile
from collections.abc import Callable, Collection, Iterable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pandas as pd
from nautilus_trader.backtest.engine import BacktestEngine

from nautilus_options.backtest.html_report import render_html
from nautilus_options.backtest.statistics import mark_to_market, spreads_frame, summarize
from nautilus_options.environments.recorder import STREAMS, RunRecorder, read_stream
from nautilus_options.errors import ConfigError
from nautilus_options.strategy.diagnostics import EntryDiagnostics

__all__ = [
    "LOG_NAME",
    "OUTPUT_FILES",
    "prepare_out_dir",
    "read_equity",
    "write_outputs",
    "write_run_outputs",
]

#: Stem of the Nautilus log file (``nautilus.log``).
LOG_NAME = "nautilus"
#: Every file a backtest may write, by name.
OUTPUT_FILES: dict[str, str] = {
    **{stream: f"{stream}.csv" for stream in STREAMS},
    "orders": "orders.csv",
    "positions": "positions.csv",
    "spreads": "spreads.csv",
    "summary": "summary.json",
    "report": "report.html",
    "tearsheet": "tearsheet.html",
    "log": f"{LOG_NAME}.log",
}


def prepare_out_dir(out: str | None) -> Path:
    """Create the output folder, claim it, and remove a previous run's outputs.

    The folder is claimed for the life of this process (a lock on ``.options-nt.lock`` in
    it), so a second run into the same folder is refused before it deletes anything. Only
    the files a run writes (:data:`OUTPUT_FILES`) are removed; anything else in the folder
    is left alone.

    Parameters
    ----------
    out : str, optional
        The folder; ``./out/backtest-<UTC timestamp>`` when None.

    Raises
    ------
    ConfigError
        Naming ``out`` when the folder cannot be created or written to, or another live
        process is writing into it.
    """
    if out is not None:
        path = Path(out).expanduser()
    else:
        path = Path("out") / f"backtest-{datetime.now(UTC).strftime('%Y%m%d-%H%M%S')}"
    try:
        path.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=path):
            pass
    except OSError as exc:
        raise ConfigError(
            "out", f"cannot write to output directory {path}: {exc.strerror}"
        ) from None
    _claim(path)
    for filename in OUTPUT_FILES.values():
        (path / filename).unlink(missing_ok=True)
    return path


#: Output folders this process has claimed (their lock files' descriptors, kept open).
_CLAIMED: dict[Path, int] = {}


def _claim(path: Path) -> None:
    """Lock ``path/.options-nt.lock`` until the process ends (see :func:`prepare_out_dir`)."""
    key = path.resolve()
    if key in _CLAIMED:
        return
    lock = key / ".options-nt.lock"
    fd = os.open(lock, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        holder = os.read(fd, 64).decode("ascii", "replace").strip() or "another process"
        os.close(fd)
        raise ConfigError(
            "out", f"{path} is in use by a running session (pid {holder}); choose another --out"
        ) from None
    os.ftruncate(fd, 0)
    os.write(fd, str(os.getpid()).encode())
    _CLAIMED[key] = fd


def write_outputs(
    engine: BacktestEngine,
    recorder: RunRecorder,
    out_dir: Path,
    *,
    initial_capital: float,
    start: int,
    end: int,
    tearsheet: bool,
    days_without_data: Collection[date] = (),
) -> tuple[dict[str, Any], dict[str, Path]]:
    """Write the reports of a finished backtest; return its summary and output files.

    :func:`write_run_outputs` with the run's period (``start`` and ``end``, UNIX ns), its
    ``days_without_data`` and, unless disabled, Nautilus' tearsheet of the engine.
    ``summary.json`` is left to the caller, which may add to the summary.
    """

    def write_tearsheet(path: Path) -> None:
        from nautilus_trader.analysis.tearsheet import create_tearsheet

        create_tearsheet(engine, output_path=str(path))

    return write_run_outputs(
        recorder,
        out_dir,
        initial_capital=initial_capital,
        start=pd.Timestamp(start, unit="ns", tz="UTC"),
        end=pd.Timestamp(end, unit="ns", tz="UTC"),
        tearsheet=write_tearsheet if tearsheet else None,
        days_without_data=days_without_data,
    )


def write_run_outputs(
    recorder: RunRecorder,
    out_dir: Path,
    *,
    initial_capital: float,
    start: pd.Timestamp | datetime | None,
    end: pd.Timestamp | datetime | None,
    title: str = "options-nt backtest",
    tearsheet: Callable[[Path], None] | None = None,
    days_without_data: Collection[date] = (),
) -> tuple[dict[str, Any], dict[str, Path]]:
    """Write the reports of a finished run from its recorder; return its summary and files.

    Any run with a :class:`RunRecorder` streaming to ``out_dir`` feeds it: a backtest
    engine's, or a paper or live ``TradingNode``'s. The summary is
    :func:`~nautilus_options.backtest.statistics.summarize` over the spreads and the capital
    and snapshot streams, plus ``start`` and ``end`` (ISO, UTC).

    Parameters
    ----------
    recorder : RunRecorder
        The run's recorder (stopped).
    out_dir : Path
        The folder its streams were written to.
    initial_capital : float
        The capital the run started with.
    start, end : datetime, optional
        The run's bounds.
    title : str
        Title of ``report.html``.
    tearsheet : Callable[[Path], None], optional
        Writes a tearsheet to the path it is given (linked from the report).
    days_without_data : Collection[date]
        Trading days within the run without market data, left out of the daily returns.
    """
    written = (*STREAMS, "orders", "positions", "spreads", "summary", "report")
    files = {name: out_dir / OUTPUT_FILES[name] for name in written}
    if (out_dir / OUTPUT_FILES["log"]).exists():
        files["log"] = out_dir / OUTPUT_FILES["log"]
    orders = recorder.orders_report()
    orders.to_csv(files["orders"])
    recorder.positions_report().to_csv(files["positions"])
    spreads = spreads_frame(recorder.spreads())
    spreads.to_csv(files["spreads"], index=False)
    realized, snapshots, equity = read_equity(out_dir)
    summary = summarize(spreads, realized, initial_capital, equity, days_without_data)
    summary["start"] = _iso(start)
    summary["end"] = _iso(end)
    summary.update(entry_summary(recorder.entry_diagnostics().values(), summary))
    if tearsheet is not None:
        files["tearsheet"] = out_dir / OUTPUT_FILES["tearsheet"]
        tearsheet(files["tearsheet"])
    files["report"].write_text(
        render_html(
            title=title,
            summary=summary,
            spreads=spreads,
            equity=equity,
            snapshots=snapshots,
            tearsheet=files["tearsheet"].name if tearsheet is not None else None,
            files=sorted(path.name for name, path in files.items() if name != "report"),
            orders=orders,
        ),
        encoding="utf-8",
    )
    return summary, files


def read_equity(out_dir: Path) -> tuple[pd.Series, pd.DataFrame, pd.Series]:
    """A run's realized capital, monitor snapshots and equity marked to market.

    Read from the capital and snapshot streams in ``out_dir``
    (:data:`OUTPUT_FILES` ``capital`` and ``snapshots``); the snapshots' ``legs`` (most of
    the file, read by nothing here) are left on disk.
    """
    history = read_stream(out_dir / OUTPUT_FILES["capital"])
    realized = pd.Series(
        history["capital"].to_numpy(dtype=float), index=pd.DatetimeIndex(history["ts_event"])
    )
    snapshots = read_stream(out_dir / OUTPUT_FILES["snapshots"], skip={"legs"})
    return realized, snapshots, mark_to_market(realized, snapshots)


def entry_summary(
    diagnostics: Iterable[EntryDiagnostics], summary: dict[str, Any]
) -> dict[str, Any]:
    """Entry checks, entries and skip reasons of the run; why it traded nothing, if it did not.

    Returns ``entry_checks``, ``entries``, ``entry_skips`` (reason -> count, most frequent
    first, summed over strategies) and, when the run opened no spread, ``no_trades_because``
    (one sentence).
    """
    counts = list(diagnostics)
    skips: dict[str, int] = {}
    for item in counts:
        for reason, count in item.skips().items():
            skips[reason] = skips.get(reason, 0) + count
    traded = summary.get("trades", 0) or summary.get("open_spreads", 0)
    reasons = "; ".join(item.describe() for item in counts if item.skips())
    result: dict[str, Any] = {
        "entry_checks": sum(item.checks for item in counts),
        "entries": sum(item.entries for item in counts),
        "entry_skips": dict(sorted(skips.items(), key=lambda rn: -rn[1])),
    }
    if not traded:
        result["no_trades_because"] = reasons or "no entry check ran"
    return result


def _iso(value: pd.Timestamp | datetime | None) -> str | None:
    return None if value is None else pd.Timestamp(value).isoformat()
