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
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Protocol

import pandas as pd
from nautilus_trader.backtest.config import (
    BacktestDataConfig,
    BacktestEngineConfig,
    BacktestRunConfig,
    BacktestVenueConfig,
)
from nautilus_trader.backtest.engine import BacktestEngine
from nautilus_trader.backtest.node import BacktestNode
from nautilus_trader.common.actor import Actor
from nautilus_trader.common.config import ActorConfig, LoggingConfig
from nautilus_trader.common.events import TimeEvent
from nautilus_trader.config import ImportableActorConfig, ImportableStrategyConfig
from nautilus_trader.model.data import QuoteTick, TradeTick
from nautilus_trader.persistence.catalog import ParquetDataCatalog

from nautilus_options.backtest.fees import importable_fee_model_config
from nautilus_options.backtest.report import (
    mark_to_market,
    render_html,
    spreads_frame,
    summarize,
)
from nautilus_options.capital import CapitalManager, CapitalManagerConfig
from nautilus_options.data.selection import chain_data_configs, select_chain
from nautilus_options.domain.nse import IST
from nautilus_options.environments.backtest_settings import (
    BacktestSettings,
    DataSettings,
    VenueSettings,
    component_config,
    load_settings,
    settings_from_mapping,
)
from nautilus_options.errors import ConfigError, DataError
from nautilus_options.monitor import SpreadMonitor, SpreadMonitorConfig, snapshots_frame
from nautilus_options.portfolio import SpreadTracker
from nautilus_options.strategy.config import OptionsSpreadStrategyConfig

__all__ = [
    "BacktestOutcome",
    "BacktestProgress",
    "BacktestSettings",
    "DataSettings",
    "VenueSettings",
    "build_run_config",
    "check_settings",
    "load_settings",
    "resolve_catalog",
    "run_backtest",
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

OPTION_VENUE = "NFO"
INDEX_VENUE = "NSE"
PROGRESS_INTERVAL = timedelta(minutes=15)
# More expiries/strikes than any catalog lists: "no limit" for ``select_chain``.
_EVERY = 1_000_000
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_DAY_NS = 86_400_000_000_000


class BacktestProgress(Protocol):
    """Receives progress of :func:`run_backtest` (e.g. a progress bar)."""

    def stage(self, description: str) -> None:
        """A new stage starts (preparing the dataset, loading data, writing outputs)."""

    def simulated(self, now_ns: int, start_ns: int, end_ns: int) -> None:
        """Simulated time reached ``now_ns`` in a run spanning ``start_ns``..``end_ns``."""


@dataclass(frozen=True)
class BacktestOutcome:
    """The result of :func:`run_backtest`.

    Attributes
    ----------
    summary : dict[str, Any]
        Headline figures (see :func:`nautilus_options.backtest.report.summarize`) plus
        ``start``, ``end`` (simulated, ISO) and ``elapsed_secs`` (wall clock).
    out_dir : Path
        Directory holding the output files.
    files : dict[str, Path]
        Output files by name: ``fills``, ``orders``, ``positions``, ``spreads``, ``capital``,
        ``snapshots``, ``summary``, ``report`` and (unless disabled) ``tearsheet``.
    """

    summary: dict[str, Any]
    out_dir: Path
    files: dict[str, Path]


def resolve_catalog(settings: BacktestSettings, progress: BacktestProgress | None = None) -> Path:
    """The catalog of a run: ``settings.catalog``, or the embedded synthetic dataset.

    The synthetic NIFTY dataset is generated on first use into the user cache folder and
    reused afterwards.

    Raises
    ------
    DataError
        If ``settings.catalog`` is not a directory.
    """
    if settings.catalog is not None:
        path = Path(settings.catalog).expanduser()
        if not path.is_dir():
            raise DataError("catalog directory not found", file=str(path))
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
    component_config("strategy", _strategy_values(settings), OptionsSpreadStrategyConfig)
    capital = component_config("capital", settings.capital, CapitalManagerConfig)
    component_config("monitor", settings.monitor, SpreadMonitorConfig)
    return capital


def build_run_config(settings: BacktestSettings, catalog: Path) -> BacktestRunConfig:
    """The ``BacktestRunConfig`` of a run over ``catalog``.

    Venues: ``NFO`` (options; hedging OMS, margin account in INR, leverage 1, Indian
    option charges unless ``venue.fees`` is false) and ``NSE`` (the index, no orders).
    Engine: :class:`~nautilus_options.OptionsSpreadStrategy`,
    :class:`~nautilus_options.CapitalManager` and :class:`~nautilus_options.SpreadMonitor`
    by import path. The engine is kept after the run (``dispose_on_completion=False``) so
    reports can be read from it.

    Raises
    ------
    ConfigError
        If a strategy, capital or monitor key is unknown or invalid (named
        ``section.key``).
    """
    capital = check_settings(settings)
    balance = settings.venue.starting_balance or capital.initial_capital
    venues = [
        BacktestVenueConfig(
            name=OPTION_VENUE,
            oms_type="HEDGING",
            account_type="MARGIN",
            base_currency="INR",
            starting_balances=[f"{balance:.2f} INR"],
            default_leverage=1.0,
            fee_model=importable_fee_model_config() if settings.venue.fees else None,
        ),
        BacktestVenueConfig(
            name=INDEX_VENUE,
            oms_type="NETTING",
            account_type="CASH",
            base_currency="INR",
            starting_balances=["1 INR"],
        ),
    ]
    engine = BacktestEngineConfig(
        logging=_logging(settings.log_level),
        strategies=[
            ImportableStrategyConfig(
                strategy_path=STRATEGY_PATH,
                config_path=STRATEGY_CONFIG_PATH,
                config=_strategy_values(settings),
            )
        ],
        actors=[
            ImportableActorConfig(
                actor_path=CAPITAL_PATH, config_path=CAPITAL_CONFIG_PATH, config=settings.capital
            ),
            ImportableActorConfig(
                actor_path=MONITOR_PATH, config_path=MONITOR_CONFIG_PATH, config=settings.monitor
            ),
        ],
    )
    start, end = run_range(settings, catalog)
    return BacktestRunConfig(
        venues=venues,
        data=_data_configs(catalog, settings, start, end),
        engine=engine,
        start=start,
        end=end,
        raise_exception=True,
        dispose_on_completion=False,
    )


def run_backtest(
    settings: BacktestSettings | None = None,
    progress: BacktestProgress | None = None,
) -> BacktestOutcome:
    """Run a backtest of the options-nt stack and write its outputs.

    Parameters
    ----------
    settings : BacktestSettings, optional
        What to run (the embedded default when None).
    progress : BacktestProgress, optional
        Receives the stages and the simulated time while running.

    Returns
    -------
    BacktestOutcome
        The summary and the paths of the files written to ``settings.out`` (default
        ``./out/backtest-<UTC timestamp>``).
    """
    settings = settings or BacktestSettings()
    started = time.perf_counter()
    check_settings(settings)  # before a first run spends seconds generating the dataset
    catalog = resolve_catalog(settings, progress)
    run_config = build_run_config(settings, catalog)
    out_dir = _out_dir(settings)
    node = BacktestNode(configs=[run_config])
    try:
        if progress is not None:
            progress.stage("loading market data")
        node.build()
        engine = node.get_engine(run_config.id)
        if engine is None:  # pragma: no cover - build raises with raise_exception=True
            raise DataError("the backtest engine could not be built")
        if progress is not None:
            start, end = run_range(settings, catalog)
            span = (start or 0, end or 0)
            engine.add_actor(_ProgressActor(lambda now: progress.simulated(now, *span)))
        node.run()
        if progress is not None:
            progress.stage("writing outputs")
        summary, files = _write_outputs(engine, settings, out_dir)
    finally:
        node.dispose()
    summary["elapsed_secs"] = round(time.perf_counter() - started, 3)
    files["summary"].write_text(json.dumps(summary, indent=2), encoding="utf-8")
    return BacktestOutcome(summary=summary, out_dir=out_dir, files=files)


def _strategy_values(settings: BacktestSettings) -> dict[str, Any]:
    return {"underlying": settings.underlying, **settings.strategy}


def _logging(level: str) -> LoggingConfig:
    if level.upper() == "OFF":
        return LoggingConfig(bypass_logging=True)
    return LoggingConfig(log_level=level.upper(), log_colors=False)


def run_range(settings: BacktestSettings, catalog: Path) -> tuple[int | None, int | None]:
    """Start and end (UNIX ns, inclusive) of a run over ``catalog``.

    ``settings.start``/``end`` given as ``YYYY-MM-DD`` mean whole IST days; datetimes without
    a zone are UTC. Missing bounds default to the first and last index trade in the catalog
    (None when it has none).

    Raises
    ------
    ConfigError
        Naming ``start`` or ``end`` when unparsable, ``end`` when before ``start``, and
        ``start`` when the catalog's index data lies outside the range.
    """
    start = _instant(settings.start, "start", end_of_day=False)
    end = _instant(settings.end, "end", end_of_day=True)
    if start is not None and end is not None and end < start:
        raise ConfigError("end", f"{settings.end!r} is before start {settings.start!r}")
    index_id = f"{settings.underlying}.{INDEX_VENUE}"
    intervals = ParquetDataCatalog(str(catalog)).get_intervals(TradeTick, index_id)
    if intervals:
        first, last = intervals[0][0], intervals[-1][1]
        if (start is not None and start > last) or (end is not None and end < first):
            covered = (
                f"{_iso(pd.Timestamp(first, tz='UTC'))} to {_iso(pd.Timestamp(last, tz='UTC'))}"
            )
            raise ConfigError(
                "start", f"no {index_id} data in the range; {catalog} covers {covered}"
            )
        start = first if start is None else start
        end = last if end is None else end
    return start, end


def _instant(value: str | None, field: str, end_of_day: bool) -> int | None:
    if value is None:
        return None
    try:
        stamp = pd.Timestamp(value)
    except ValueError:
        raise ConfigError(field, f"not an ISO date or datetime: {value!r}") from None
    if _DATE.fullmatch(value.strip()):
        midnight = pd.Timestamp(stamp.date(), tz=IST)
        return int(midnight.value) + (_DAY_NS - 1 if end_of_day else 0)
    return int((stamp if stamp.tzinfo else stamp.tz_localize("UTC")).value)


def _data_configs(
    catalog: Path, settings: BacktestSettings, start: int | None, end: int | None
) -> list[BacktestDataConfig]:
    window = settings.data
    if window.strikes_each_side is None and window.expiries is None:
        index_ids = [
            f"{settings.underlying}.{INDEX_VENUE}",
            f"{settings.underlying}.{OPTION_VENUE}",
        ]
        return [
            BacktestDataConfig(
                catalog_path=str(catalog), data_cls=TradeTick, instrument_ids=index_ids
            ),
            BacktestDataConfig(catalog_path=str(catalog), data_cls=QuoteTick),
        ]
    if start is None or end is None:
        raise ConfigError(
            "data", "a chain window needs start and end (the catalog has no index data)"
        )
    chain = select_chain(
        catalog,
        settings.underlying,
        start,
        end,
        expiries=window.expiries or _EVERY,
        strikes_each_side=window.strikes_each_side or _EVERY,
    )
    return chain_data_configs(catalog, chain)


def _out_dir(settings: BacktestSettings) -> Path:
    if settings.out is not None:
        path = Path(settings.out).expanduser()
    else:
        stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
        path = Path("out") / f"backtest-{stamp}"
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ConfigError("out", f"cannot create output directory {path}: {exc.strerror}") from None
    return path


class _ProgressActor(Actor):
    """Calls back with the simulated time every :data:`PROGRESS_INTERVAL`."""

    def __init__(self, callback: Callable[[int], None]) -> None:
        super().__init__(ActorConfig(component_id="BacktestProgress"))
        self._callback = callback

    def on_start(self) -> None:
        self.clock.set_timer("progress", PROGRESS_INTERVAL, callback=self._on_timer)

    def _on_timer(self, event: TimeEvent) -> None:
        self._callback(event.ts_event)


def _write_outputs(
    engine: BacktestEngine, settings: BacktestSettings, out_dir: Path
) -> tuple[dict[str, Any], dict[str, Path]]:
    files = {
        name: out_dir / filename
        for name, filename in (
            ("fills", "fills.csv"),
            ("orders", "orders.csv"),
            ("positions", "positions.csv"),
            ("spreads", "spreads.csv"),
            ("capital", "capital.csv"),
            ("snapshots", "snapshots.csv"),
            ("summary", "summary.json"),
            ("report", "report.html"),
        )
    }
    trader = engine.trader
    trader.generate_fills_report().to_csv(files["fills"])
    trader.generate_orders_report().to_csv(files["orders"])
    trader.generate_positions_report().to_csv(files["positions"])
    spreads = spreads_frame(SpreadTracker(engine.cache).spreads())
    spreads.to_csv(files["spreads"], index=False)
    capital = _actor(engine, CapitalManager)
    capital.write_history_csv(files["capital"])
    history = capital.history_frame()
    realized = pd.Series(
        history["capital"].to_numpy(dtype=float), index=pd.DatetimeIndex(history["ts_event"])
    )
    snapshots = snapshots_frame(_actor(engine, SpreadMonitor).snapshots)
    snapshots.to_csv(files["snapshots"], index=False)
    equity = mark_to_market(realized, snapshots)
    initial = component_config("capital", settings.capital, CapitalManagerConfig).initial_capital
    summary = summarize(spreads, realized, initial, equity)
    summary["start"] = _iso(engine.backtest_start)
    summary["end"] = _iso(engine.backtest_end)
    tearsheet = None
    if settings.tearsheet:
        from nautilus_trader.analysis.tearsheet import create_tearsheet

        files["tearsheet"] = out_dir / "tearsheet.html"
        create_tearsheet(engine, output_path=str(files["tearsheet"]))
        tearsheet = files["tearsheet"].name
    files["report"].write_text(
        render_html(
            title="options-nt backtest",
            summary=summary,
            spreads=spreads,
            equity=equity,
            snapshots=snapshots,
            tearsheet=tearsheet,
            files=[path.name for name, path in files.items() if name not in ("report",)],
        ),
        encoding="utf-8",
    )
    return summary, files


def _actor[A: Actor](engine: BacktestEngine, cls: type[A]) -> A:
    for actor in engine.trader.actors():
        if isinstance(actor, cls):
            return actor
    raise ConfigError("engine.actors", f"no {cls.__name__} in the backtest engine")


def _iso(value: pd.Timestamp | datetime | None) -> str | None:
    return None if value is None else pd.Timestamp(value).isoformat()
