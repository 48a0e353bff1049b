"""Settings of a backtest run and the run file (JSON or YAML) they are read from."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

import msgspec

from nautilus_options.capital.config import CapitalManagerConfig
from nautilus_options.common.config import (
    PositiveFloat,
    PositiveInt,
    Underlying,
    check_fields,
    decode,
)
from nautilus_options.common.settings_text import parse_settings_text
from nautilus_options.domain.time import parse_bound
from nautilus_options.errors import ConfigError
from nautilus_options.monitor.config import SpreadMonitorConfig
from nautilus_options.strategy.config import OptionsSpreadStrategyConfig

LogLevel = Literal["OFF", "ERROR", "WARNING", "INFO", "DEBUG"]
"""Log levels accepted for the Nautilus logger (a run file may write them in lower case)."""

#: The index of a run that names none.
DEFAULT_UNDERLYING: Underlying = "NIFTY"
#: The capital manager's ``initial_capital`` when a run file does not give one.
DEFAULT_INITIAL_CAPITAL = 1_000_000.0
#: The monitor's ``max_snapshots`` in a backtest when a run file does not give one: the
#: recorder streams every snapshot to ``snapshots.csv``, so memory keeps only the latest.
DEFAULT_MAX_SNAPSHOTS = 1_000
#: The run file's sections that only paper and live read (a backtest checks and skips them).
NODE_SECTIONS = ("node", "paper", "live")
#: Days of data read from the catalog at a time (see ``environments.streaming``).
DEFAULT_WINDOW_DAYS = 2


class VenueSettings(msgspec.Struct, kw_only=True, frozen=True, forbid_unknown_fields=True):
    """The simulated NFO venue.

    Parameters
    ----------
    starting_balance : float, optional
        Account balance in INR at the start (> 0); defaults to the capital manager's
        ``initial_capital``.
    fees : bool, default True
        Charge Indian option charges (brokerage, STT, exchange, SEBI, stamp, GST) through
        :class:`~nautilus_options.backtest.fees.IndianOptionsFeeModel`; no fees when False.
    """

    starting_balance: PositiveFloat | None = None
    fees: bool = True

    def __post_init__(self) -> None:
        check_fields(self)


class DataSettings(msgspec.Struct, kw_only=True, frozen=True, forbid_unknown_fields=True):
    """Which part of the option chain is loaded from the catalog, and how it is read.

    Parameters
    ----------
    strikes_each_side : int, optional
        Load at most this many strikes (>= 1) on each side of the money (all when None).
    expiries : int, optional
        Load at most this many nearest expiries (>= 1; all when None).
    strike_band : bool, default True
        Load only the expiries the strategy could enter in the run, each with the strikes
        within the strategy's reach of the index's range while it could be held (see
        :mod:`nautilus_options.environments.data_window`); everything when False.
    band_vol : float, default 0.5
        Implied volatility up to which a ``delta`` (or ``premium``) strike rule's strike
        stays inside the band.
    band_points : float, optional
        Distance in points (> 0) from the forward to the strike rule's strike, replacing
        the one derived from the rule.
    window_days : int, default 2
        Days of data read from the catalog at a time: the run streams its data, so its
        memory does not grow with the date range. The results do not depend on it.
    """

    strikes_each_side: PositiveInt | None = None
    expiries: PositiveInt | None = None
    strike_band: bool = True
    band_vol: PositiveFloat = 0.5
    band_points: PositiveFloat | None = None
    window_days: PositiveInt = DEFAULT_WINDOW_DAYS

    def __post_init__(self) -> None:
        check_fields(self)


def _default_capital() -> CapitalManagerConfig:
    return CapitalManagerConfig(initial_capital=DEFAULT_INITIAL_CAPITAL)


def _default_monitor() -> SpreadMonitorConfig:
    return SpreadMonitorConfig(max_snapshots=DEFAULT_MAX_SNAPSHOTS)


class BacktestSettings(msgspec.Struct, kw_only=True, frozen=True, forbid_unknown_fields=True):
    """Everything that defines a backtest run of the options-nt stack.

    The ``strategy``, ``capital`` and ``monitor`` sections are the component configs
    themselves, so a bad key in a run file is reported by its path (``strategy.wing_width``).

    Parameters
    ----------
    catalog : str, optional
        ParquetDataCatalog directory; the embedded synthetic NIFTY dataset when None.
    start, end : str, optional
        Bounds of the run (see :meth:`bounds`); the whole catalog when None.
    out : str, optional
        Output directory; ``./out/backtest-<UTC timestamp>`` when None.
    underlying : {"NIFTY", "BANKNIFTY"}, default "NIFTY"
        Index whose chain is loaded; the strategy must trade the same one.
    strategy : OptionsSpreadStrategyConfig, default its defaults
        The strategy's configuration.
    capital : CapitalManagerConfig, default ``initial_capital`` 1,000,000
        The capital manager's configuration.
    monitor : SpreadMonitorConfig, default its defaults with ``max_snapshots`` 1,000
        The spread monitor's configuration.
    venue : VenueSettings
        Simulated venue settings.
    data : DataSettings
        Chain window settings.
    tearsheet : bool, default True
        Also write the Nautilus tearsheet (``tearsheet.html``).
    log_level : {"OFF", "ERROR", "WARNING", "INFO", "DEBUG"}, default "ERROR"
        Nautilus log level.
    """

    catalog: str | None = None
    start: str | None = None
    end: str | None = None
    out: str | None = None
    underlying: Underlying = DEFAULT_UNDERLYING
    strategy: OptionsSpreadStrategyConfig = msgspec.field(
        default_factory=OptionsSpreadStrategyConfig
    )
    capital: CapitalManagerConfig = msgspec.field(default_factory=_default_capital)
    monitor: SpreadMonitorConfig = msgspec.field(default_factory=_default_monitor)
    venue: VenueSettings = msgspec.field(default_factory=VenueSettings)
    data: DataSettings = msgspec.field(default_factory=DataSettings)
    tearsheet: bool = True
    log_level: LogLevel = "ERROR"

    def __post_init__(self) -> None:
        check_fields(self)
        if self.strategy.underlying != self.underlying:
            raise ConfigError(
                "strategy.underlying",
                f"{self.strategy.underlying} differs from the run's underlying "
                f"{self.underlying}, whose chain is loaded: set the top-level underlying",
            )

    def bounds(self) -> tuple[int | None, int | None]:
        """UNIX nanoseconds of ``start`` and ``end`` (None when not set).

        A bare date is a whole IST day, a timestamp without a zone is IST wall-clock time
        (:func:`nautilus_options.domain.time.parse_bound`).

        Raises
        ------
        ConfigError
            Naming ``start`` or ``end`` when unparsable, ``end`` when before ``start``.
        """
        start = None if self.start is None else parse_bound(self.start, "start")
        end = None if self.end is None else parse_bound(self.end, "end", end=True)
        if start is not None and end is not None and end < start:
            raise ConfigError("end", f"{self.end!r} is before start {self.start!r}")
        return start, end


def read_run_file(path: str | Path) -> dict[str, Any]:
    """A run file (``.json``, ``.yaml`` or ``.yml``) as a mapping.

    Raises
    ------
    ConfigError
        If the file cannot be read or parsed, or does not hold a mapping (names the file).
    """
    file = Path(path)
    try:
        text = file.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError("config", f"cannot read run file {file}: {exc.strerror}") from None
    data = parse_settings_text(text, file, "config")
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ConfigError("config", f"{file}: the run file must hold a mapping of settings")
    return data


def load_settings(path: str | Path, **overrides: Any) -> BacktestSettings:
    """Read a run file (``.json``, ``.yaml`` or ``.yml``) into :class:`BacktestSettings`.

    Keyword ``overrides`` that are not None replace top-level keys (command-line options).

    Raises
    ------
    ConfigError
        If the file cannot be read or parsed, or a key is unknown or invalid; the error
        names the key (``section.key``) and the file.
    """
    return settings_from_mapping(read_run_file(path), source=str(path), **overrides)


def settings_from_mapping(
    data: Mapping[str, Any], source: str = "settings", **overrides: Any
) -> BacktestSettings:
    """Build :class:`BacktestSettings` from plain data (as read from a run file).

    Keyword ``overrides`` that are not None replace top-level keys. The sections only paper
    and live read (:data:`NODE_SECTIONS`) are validated and left out. A ``capital`` section
    without ``initial_capital`` keeps the default one, a ``monitor`` section without
    ``max_snapshots`` the default one; the ``strategy`` section trades the
    top-level ``underlying`` unless it names its own (which must then be the same).

    Raises
    ------
    ConfigError
        If a key is unknown or invalid, naming it (``section.key``) and ``source``.
    """
    if sections := {key: data[key] for key in NODE_SECTIONS if data.get(key) is not None}:
        # The sections' types build on this module, hence the import here.
        from nautilus_options.environments.trading_settings import check_sections

        check_sections(sections, source)
    merged = {key: value for key, value in data.items() if key not in NODE_SECTIONS}
    merged.update({key: value for key, value in overrides.items() if value is not None})
    if isinstance(capital := merged.get("capital"), Mapping):
        merged["capital"] = {"initial_capital": DEFAULT_INITIAL_CAPITAL, **capital}
    if isinstance(monitor := merged.get("monitor"), Mapping):
        merged["monitor"] = {"max_snapshots": DEFAULT_MAX_SNAPSHOTS, **monitor}
    if isinstance(strategy := merged.get("strategy", {}), Mapping):
        merged["strategy"] = {
            "underlying": merged.get("underlying", DEFAULT_UNDERLYING),
            **strategy,
        }
    level = merged.get("log_level")
    if level is False:  # YAML 1.1 reads an unquoted OFF (or off, no) as false
        merged["log_level"] = "OFF"
    elif isinstance(level, str):
        merged["log_level"] = level.upper()
    return decode(merged, BacktestSettings, source)
