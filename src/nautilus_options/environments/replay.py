"""The run file that backtests a recorded paper or live session.

A session started with ``node.record`` (``--record DIR``) records its market into a catalog
(:mod:`nautilus_options.environments.recording`). :func:`write_replay_file` writes beside
it ``replay.json``: the session's own strategy, capital and monitor settings, its market
hours (``strategy.session``: ``always`` on the demo simulator, ``nse`` against Kite) and
the recording as the catalog, so::

    options-nt backtest --config <DIR>/replay.json

runs the same strategy over the same quotes. The strike band is off: the recording holds
the strikes the session loaded, no more.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import msgspec

from nautilus_options.common.session import SessionKind
from nautilus_options.data.lock import check_catalog_path
from nautilus_options.environments.trading_settings import TradingSettings

__all__ = ["REPLAY_FILE_NAME", "replay_settings", "write_replay_file"]

#: The replay run file's name, in the recording's folder.
REPLAY_FILE_NAME = "replay.json"


def replay_settings(
    settings: TradingSettings, session: SessionKind, catalog: Path
) -> dict[str, Any]:
    """A backtest run file (as plain data) replaying a session of ``settings``."""
    run = settings.backtest
    strategy = msgspec.to_builtins(msgspec.structs.replace(run.strategy, session=session))
    monitor = msgspec.to_builtins(msgspec.structs.replace(run.monitor, session=session))
    return {
        "catalog": str(catalog.resolve()),
        "underlying": run.underlying,
        "strategy": strategy,
        "capital": msgspec.to_builtins(run.capital),
        "monitor": monitor,
        "data": {"strike_band": False},
    }


def write_replay_file(settings: TradingSettings, session: SessionKind) -> Path | None:
    """Write ``replay.json`` into ``settings.node.record``; None when not recording.

    Raises
    ------
    ConfigError
        Naming ``node.record`` when it is a file or cannot be written.
    """
    if settings.node.record is None:
        return None
    folder = Path(settings.node.record).expanduser()
    check_catalog_path(folder, "node.record")
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / REPLAY_FILE_NAME
    path.write_text(json.dumps(replay_settings(settings, session, folder), indent=2) + "\n")
    return path
