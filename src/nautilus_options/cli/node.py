"""What ``options-nt paper`` and ``options-nt live`` share: node options and their messages."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from nautilus_options.errors import ConfigError

if TYPE_CHECKING:
    from nautilus_options.environments.session import SessionOutcome

#: Prints one line of a command's own output (stdout, or stderr under ``--json``).
Say = Callable[[str], None]


def output_stream(args: argparse.Namespace) -> TextIO:
    """Where a command's own lines go: stderr under ``--json`` (stdout holds the JSON)."""
    return sys.stderr if args.json else sys.stdout


def sayer(stream: TextIO) -> Say:
    """A :data:`Say` printing to ``stream``."""
    return lambda line: print(line, file=stream, flush=True)


def node_overrides(args: argparse.Namespace) -> dict[str, Any]:
    """The ``node`` settings given on the command line (options of :func:`add_node_options`)."""
    keys = ("on_stop", "redis", "kill_file", "max_daily_loss", "max_lots", "record")
    return {key: getattr(args, key) for key in keys if getattr(args, key, None) is not None}


def run_settings(
    args: argparse.Namespace,
    default: Mapping[str, Any],
    default_source: str,
    **sections: Mapping[str, Any],
) -> Any:
    """The run file's (or ``default``'s) settings with the command line's overrides.

    Parameters
    ----------
    args : argparse.Namespace
        The command's arguments: ``config``, ``out``, ``log_level`` and the node options.
    default : Mapping[str, Any]
        The settings used without ``--config``.
    default_source : str
        How errors name ``default``.
    **sections : Mapping[str, Any]
        Per section name (``paper``, ``live``), the values given on the command line.

    Returns
    -------
    TradingSettings
        With the ``node`` options and ``sections`` applied.
    """
    import msgspec

    from nautilus_options.environments.trading_settings import (
        load_trading_settings,
        trading_settings_from_mapping,
    )

    overrides = {"out": args.out, "log_level": args.log_level}
    if args.config is not None:
        settings = load_trading_settings(args.config, **overrides)
    else:
        settings = trading_settings_from_mapping(default, source=default_source, **overrides)
    replaced = {
        name: msgspec.structs.replace(getattr(settings, name), **values)
        for name, values in {**sections, "node": node_overrides(args)}.items()
    }
    return msgspec.structs.replace(settings, **replaced)


def check_kill_file(kill_file: str | None) -> None:
    """Refuse to start while the kill file exists (the switch fired; a human decides).

    Raises
    ------
    ConfigError
        Naming ``node.kill_file``.
    """
    if kill_file is not None and Path(kill_file).expanduser().exists():
        raise ConfigError(
            "node.kill_file",
            f"{kill_file} exists: the kill switch fired before; remove the file to start",
        )


def stop_rules(on_stop: str, kill_file: str | None) -> str:
    """The start line saying what Ctrl-C does and what fires the kill switch."""
    what = "flattens" if on_stop == "flatten" else "leaves"
    kill = f"SIGUSR1{f' or {kill_file}' if kill_file else ''} fires the kill switch"
    return (
        f"  Ctrl-C stops, cancels working orders and {what} open spreads (--on-stop to "
        f"change); {kill}"
    )


def recording_line(replay_file: Path | None) -> str | None:
    """Where the market is recorded and how to replay it (None when not recording)."""
    if replay_file is None:
        return None
    return (
        f"  recording the market into {replay_file.parent}; replay it with "
        f"options-nt backtest --config {replay_file}"
    )


#: Exit status of a session whose kill switch fired.
KILLED = 3
#: Exit status of a session whose node stopped on its own (an error; see its log).
STOPPED_UNEXPECTEDLY = 4


def report_outcome(command: str, outcome: SessionOutcome, as_json: bool) -> int:
    """Print how the session ended (one JSON object under ``as_json``); its exit status.

    A node that stopped on its own is also said on stdout (stderr under ``as_json``),
    naming its log: 0 is a clean stop, :data:`KILLED` and :data:`STOPPED_UNEXPECTEDLY`.
    """
    summary, files = outcome.summary, outcome.files
    if outcome.stopped_unexpectedly:
        log = files.get("log", outcome.out_dir)
        line = f"{command}: the node stopped unexpectedly: see {log}"
        print(line, file=sys.stderr if as_json else sys.stdout, flush=True)
    if as_json:
        print(json.dumps({"summary": summary, "files": {k: str(v) for k, v in files.items()}}))
    else:
        held = summary.get("open_spreads", 0)
        left = f"; {held} spread(s) left open" if held else ""
        if summary.get("killed"):
            line = f"{command}: KILLED ({summary['killed']}): orders cancelled, flat, halted"
        else:
            line = (
                f"{command}: stopped; {summary.get('trades', 0)} closed spreads, "
                f"P&L {summary.get('pnl_total', 0):+,.0f} INR{left}"
            )
        print(f"{line}; report {files['report']}", flush=True)
    if outcome.stopped_unexpectedly:
        return STOPPED_UNEXPECTEDLY
    return KILLED if summary.get("killed") else 0


def add_node_options(parser: argparse.ArgumentParser) -> None:
    """Options shared by ``paper`` and ``live``."""
    parser.add_argument(
        "--config", type=Path, help="run file (the backtest's, with node/paper/live sections)"
    )
    parser.add_argument("--out", help="output folder (default ./out/<command>-<UTC time>)")
    parser.add_argument(
        "--redis", help="redis://host:port for the cache and state (restarts resume)"
    )
    parser.add_argument(
        "--on-stop", choices=["leave", "flatten"], help="what Ctrl-C does with open spreads"
    )
    parser.add_argument("--kill-file", help="fire the kill switch when this file appears")
    parser.add_argument(
        "--max-daily-loss", type=float, help="INR lost today that fires the kill switch"
    )
    parser.add_argument(
        "--record",
        help="record the market data received into this catalog folder, with a replay.json "
        "to backtest it (options-nt backtest --config <folder>/replay.json)",
    )
    parser.add_argument("--log-level", default="INFO", help="level of nautilus.log (default INFO)")
    parser.add_argument(
        "--json", action="store_true", help="print one JSON object at the end on stdout"
    )
