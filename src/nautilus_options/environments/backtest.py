"""Backtest environment: build a ``BacktestRunConfig`` for the options-nt stack and run it.

The run is the same whether it starts from the command line (``options-nt backtest``) or
from Python::

    from nautilus_options.environments.backtest import BacktestSettings, run_backtest

    outcome = run_backtest(BacktestSettings(start="2026-01-05", end="2026-01-16"))
    print(outcome.summary["pnl_total"], outcome.files["report"])

Every component is referenced by import path, so :func:`build_run_config` returns a plain
``BacktestRunConfig`` you can inspect, change or feed to your own ``BacktestNode``.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import msgspec
from nautilus_trader.backtest.config import (
    BacktestDataConfig,
    BacktestEngineConfig,
    BacktestRunConfig,
)
from nautilus_trader.backtest.engine import BacktestEngine
from nautilus_trader.backtest.node import BacktestNode
from nautilus_trader.cache.config import CacheConfig
from nautilus_trader.common.config import LoggingConfig, NautilusConfig
from nautilus_trader.config import ImportableActorConfig, ImportableStrategyConfig
from nautilus_trader.model.data import Bar
from nautilus_trader.model.instruments import OptionContract

from nautilus_options.capital import CapitalManagerConfig
from nautilus_options.common.progress import Progress
from nautilus_options.compat.parquet import folder_name
from nautilus_options.data.catalog import settlement_prices
from nautilus_options.data.selection import read_instruments
from nautilus_options.environments.backtest_settings import (
    BacktestSettings,
    DataSettings,
    VenueSettings,
    load_settings,
    settings_from_mapping,
)
from nautilus_options.environments.data_window import data_configs, run_period, run_range
from nautilus_options.environments.outputs import LOG_NAME, prepare_out_dir, write_outputs
from nautilus_options.environments.recorder import RunRecorder
from nautilus_options.environments.streaming import run_streaming
from nautilus_options.environments.venues import nse_venue_configs
from nautilus_options.errors import ConfigError, DataError

__all__ = [
    "BacktestOutcome",
    "BacktestSettings",
    "DataSettings",
    "VenueSettings",
    "build_run_config",
    "check_settings",
    "load_settings",
    "resolve_catalog",
    "run_backtest",
    "run_period",
    "run_range",
    "settings_from_mapping",
]

#: Import paths of the components, as used in the run config.
STRATEGY_PATH = "nautilus_options:OptionsSpreadStrategy"
STRATEGY_CONFIG_PATH = "nautilus_options:OptionsSpreadStrategyConfig"
CAPITAL_PATH = "nautilus_options:CapitalManager"
CAPITAL_CONFIG_PATH = "nautilus_options:CapitalManagerConfig"
MONITOR_PATH = "nautilus_options:SpreadMonitor"
MONITOR_CONFIG_PATH = "nautilus_options:SpreadMonitorConfig"
RECORDER_PATH = "nautilus_options.environments.recorder:RunRecorder"
RECORDER_CONFIG_PATH = "nautilus_options.environments.recorder:RunRecorderConfig"
#: Component id of the run's recorder.
RECORDER_ID = "RunRecorder"

#: Quotes, trades and bars the cache keeps per instrument. The components read only the
#: latest; Nautilus' default (10,000) keeps every quote of a weekly option, so the cache
#: would grow with the run's length.
CACHE_TICKS = 100


@dataclass(frozen=True)
class BacktestOutcome:
    """The result of :func:`run_backtest`.

    Attributes
    ----------
    summary : dict[str, Any]
        Headline figures (see :func:`nautilus_options.backtest.statistics.summarize`) plus
        ``start``, ``end`` (the period simulated, ISO: the asked one clipped to the days
        with index data, see :func:`~.data_window.run_period`), ``days_without_data``
        (trading days inside it without index data, ISO dates) and ``elapsed_secs`` (wall
        clock).
    out_dir : Path
        Directory holding the output files.
    files : dict[str, Path]
        Output files by name (see :data:`nautilus_options.environments.outputs.OUTPUT_FILES`):
        the recorder's streams (``capital``, ``snapshots``, ``fills``, ``order_events``,
        ``position_events``), ``orders``, ``positions``, ``spreads``, ``summary``,
        ``report``, ``tearsheet`` (unless disabled) and ``log`` (unless logging is off).
    """

    summary: dict[str, Any]
    out_dir: Path
    files: dict[str, Path]


def resolve_catalog(settings: BacktestSettings, progress: Progress | None = None) -> Path:
    """The catalog of a run: ``settings.catalog``, or the embedded synthetic dataset.

    The synthetic NIFTY dataset is generated on first use into the user cache folder and
    reused afterwards. A user's catalog whose last import was interrupted is first rolled
    forward or back (:func:`nautilus_options.data.catalog.recover`); ``progress`` is told
    what was done.

    Raises
    ------
    DataError
        If ``settings.catalog`` is not a directory, or its commit journal is unreadable.
    """
    if settings.catalog is not None:
        path = Path(settings.catalog).expanduser()
        if not path.is_dir():
            raise DataError("catalog directory not found", file=str(path))
        from nautilus_options.data.catalog import recover

        repaired = recover(path)
        if repaired is not None and progress is not None:
            progress.stage(f"catalog {path}: {repaired}")
        return path
    from nautilus_options.data.synthetic import default_catalog

    if progress is not None:
        progress.stage("preparing the synthetic NIFTY dataset")
    return default_catalog()


def check_settings(settings: BacktestSettings) -> CapitalManagerConfig:
    """Validate the strategy, capital and monitor sections of ``settings``.

    Returns
    -------
    CapitalManagerConfig
        The capital section as its config.

    Raises
    ------
    ConfigError
        If a strategy, capital or monitor key is unknown or invalid (named
        ``section.key``).
    """
    return settings.capital  # the sections are validated when the settings are built


def build_run_config(
    settings: BacktestSettings, catalog: Path, out_dir: Path | None = None
) -> BacktestRunConfig:
    """The ``BacktestRunConfig`` of a run over ``catalog``.

    Venues: :func:`~nautilus_options.environments.venues.nse_venue_configs` (Indian option
    charges unless ``venue.fees`` is false; options with a bhavcopy settlement price in the
    catalog settle at it). Engine: :class:`~nautilus_options.environments.recorder.RunRecorder`
    (first, so it hears every event), :class:`~nautilus_options.CapitalManager`,
    :class:`~nautilus_options.SpreadMonitor` and
    :class:`~nautilus_options.OptionsSpreadStrategy`, by import path. The engine is kept after
    the run (``dispose_on_completion=False``) so reports can be read from it.

    Parameters
    ----------
    settings : BacktestSettings
        What to run.
    catalog : Path
        The catalog to run over.
    out_dir : Path, optional
        Where the recorder streams its rows and Nautilus writes ``nautilus.log``; without it
        the recorder keeps its rows in memory only and Nautilus logs to the terminal.

    Raises
    ------
    ConfigError
        If a strategy, capital or monitor key is unknown or invalid (named
        ``section.key``), or a bound is invalid.
    DataError
        If the catalog holds no index data for the period.
    """
    capital = check_settings(settings)
    balance = settings.venue.starting_balance or capital.initial_capital
    start, end = run_range(settings, catalog)
    data = data_configs(catalog, settings, start, end)
    recorder = {"stream_dir": None if out_dir is None else str(out_dir)}
    engine = BacktestEngineConfig(
        logging=_logging(settings.log_level, out_dir),
        cache=CacheConfig(tick_capacity=CACHE_TICKS, bar_capacity=CACHE_TICKS),
        strategies=[
            ImportableStrategyConfig(
                strategy_path=STRATEGY_PATH,
                config_path=STRATEGY_CONFIG_PATH,
                config=_values(settings.strategy),
            )
        ],
        actors=[
            ImportableActorConfig(
                actor_path=RECORDER_PATH,
                config_path=RECORDER_CONFIG_PATH,
                config={"component_id": RECORDER_ID, **recorder},
            ),
            ImportableActorConfig(
                actor_path=CAPITAL_PATH,
                config_path=CAPITAL_CONFIG_PATH,
                config=_values(settings.capital),
            ),
            ImportableActorConfig(
                actor_path=MONITOR_PATH,
                config_path=MONITOR_CONFIG_PATH,
                config=_values(settings.monitor),
            ),
        ],
    )
    return BacktestRunConfig(
        venues=nse_venue_configs(
            balance,
            fees=settings.venue.fees,
            settlement_prices=settlement_prices(catalog),
        ),
        data=data,
        engine=engine,
        start=start,
        end=end,
        raise_exception=True,
        dispose_on_completion=False,
    )


def run_backtest(
    settings: BacktestSettings | None = None,
    progress: Progress | None = None,
    note: Callable[[str], None] | None = None,
) -> BacktestOutcome:
    """Run a backtest of the options-nt stack and write its outputs.

    Everything that can be checked before the simulation is checked first: the settings,
    the catalog's data for the period and the output folder (created, writable, and cleared
    of a previous run's outputs by :func:`.outputs.prepare_out_dir`).

    Parameters
    ----------
    settings : BacktestSettings, optional
        What to run (the embedded default when None).
    progress : Progress, optional
        Shows the stages, and the simulated time while running (see
        :mod:`nautilus_options.common.progress`).
    note : Callable[[str], None], optional
        Told, before the simulation, each line a user should know about the period: a range
        clipped to the days with data, trading days without data (see
        :meth:`~.data_window.RunPeriod.notes`).

    Returns
    -------
    BacktestOutcome
        The summary and the paths of the files written to ``settings.out`` (default
        ``./out/backtest-<UTC timestamp>``).

    Raises
    ------
    ConfigError
        For invalid settings, naming the key, or an output folder that cannot be written.
    DataError
        If the catalog is missing or holds no data for the period.
    """
    settings = settings or BacktestSettings()
    started = time.perf_counter()
    capital = check_settings(settings)  # before a first run spends seconds generating data
    catalog = resolve_catalog(settings, progress)
    period = run_period(settings, catalog)
    start, end = period.start, period.end
    if note is not None:
        for line in period.notes((settings.start, settings.end)):
            note(line)
    out_dir = prepare_out_dir(settings.out)
    run_config = build_run_config(settings, catalog, out_dir)
    # The node would add the data's instruments by searching the whole catalog for them
    # (seconds, and Arrow memory kept for the run, on a year-long chain): it builds the
    # engine without data, and the instruments are read from their own files.
    bare = msgspec.structs.replace(run_config, data=[])
    node = BacktestNode(configs=[bare])
    try:
        if progress is not None:
            progress.stage("loading market data")
        node.build()
        engine = node.get_engine(bare.id)
        if engine is None:  # pragma: no cover - build raises with raise_exception=True
            raise DataError("the backtest engine could not be built")
        # Options are read and added when their quotes first come up (see run_streaming).
        ids = _instrument_ids(catalog, run_config.data)
        options = set(_option_folders(catalog))
        for instrument in read_instruments(catalog, [i for i in ids if i not in options]):
            engine.add_instrument(instrument)
        run_streaming(
            engine,
            run_config.data,
            start=start,
            end=end,
            window_days=settings.data.window_days,
            run_config_id=bare.id,
            listed=lambda new: read_instruments(catalog, new),
            progress=progress,
        )
        if progress is not None:
            progress.stage("writing outputs")
        summary, files = write_outputs(
            engine,
            _recorder(engine),
            out_dir,
            initial_capital=capital.initial_capital,
            start=start,
            end=end,
            tearsheet=settings.tearsheet,
            days_without_data=period.missing_days,
        )
    finally:
        node.dispose()
    summary["days_without_data"] = [day.isoformat() for day in period.missing_days]
    summary["elapsed_secs"] = round(time.perf_counter() - started, 3)
    files["summary"].write_text(json.dumps(summary, indent=2), encoding="utf-8")
    return BacktestOutcome(summary=summary, out_dir=out_dir, files=files)


def _instrument_ids(catalog: Path, configs: list[BacktestDataConfig]) -> list[str]:
    """The instruments of ``configs`` in the order ``BacktestNode`` adds them.

    Config by config, each one's ids sorted (a bar type names its instrument); a config
    naming none stands for every instrument with data of its class.
    """
    ids: dict[str, None] = {}
    for config in configs:
        named = [str(i) for i in config.query["identifiers"] or []]
        if config.data_type is Bar:
            named = [i.split("-", 1)[0] for i in named]
        elif not named:
            folder = catalog / "data" / folder_name(config.data_type)
            named = [p.name for p in folder.iterdir() if p.is_dir()] if folder.is_dir() else []
        ids.update(dict.fromkeys(sorted(named)))
    return list(ids)


def _option_folders(catalog: Path) -> list[str]:
    folder = catalog / "data" / folder_name(OptionContract)
    return [p.name for p in folder.iterdir() if p.is_dir()] if folder.is_dir() else []


def _values(config: NautilusConfig) -> dict[str, Any]:
    """The fields of ``config`` as plain data, for an ``Importable*Config``."""
    values: dict[str, Any] = msgspec.json.decode(config.json())
    return values


def _logging(level: str, out_dir: Path | None) -> LoggingConfig:
    """Nautilus' log: at ``level`` into ``out_dir/nautilus.log``, errors also on stderr.

    Without ``out_dir`` the log goes to the terminal at ``level``. Nothing is written to
    stdout with an ``out_dir``, so ``--json`` stays one JSON object.
    """
    if level.upper() == "OFF":
        return LoggingConfig(bypass_logging=True)
    if out_dir is None:
        return LoggingConfig(log_level=level.upper(), log_colors=False)
    return LoggingConfig(
        log_level="OFF",
        log_level_file=level.upper(),
        log_directory=str(out_dir),
        log_file_name=LOG_NAME,
        log_colors=False,
    )


def _recorder(engine: BacktestEngine) -> RunRecorder:
    for actor in engine.trader.actors():
        if isinstance(actor, RunRecorder) and actor.id.value == RECORDER_ID:
            return actor
    raise ConfigError("engine.actors", f"no {RECORDER_ID} in the backtest engine")
