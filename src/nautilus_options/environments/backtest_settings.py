"""Settings of a backtest run and the run file (JSON or YAML) they are read from."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import msgspec
import yaml
from nautilus_trader.common.config import NautilusConfig

from nautilus_options.errors import ConfigError

_UNKNOWN = re.compile(
    r"Object contains unknown field `(?P<key>[^`]+)`(?: - at `\$\.?(?P<at>[^`]*)`)?"
)
_AT = re.compile(r"^(?P<msg>.*?)(?: - at `\$\.?(?P<at>[^`]*)`)?$", re.DOTALL)

#: Log levels accepted for the Nautilus logger.
LOG_LEVELS: tuple[str, ...] = ("OFF", "ERROR", "WARNING", "INFO", "DEBUG")


class VenueSettings(msgspec.Struct, kw_only=True, frozen=True, forbid_unknown_fields=True):
    """The simulated NFO venue.

    Parameters
    ----------
    starting_balance : float, optional
        Account balance in INR at the start; defaults to the capital manager's
        ``initial_capital``.
    fees : bool, default True
        Charge Indian option charges (brokerage, STT, exchange, SEBI, stamp, GST) through
        :class:`~nautilus_options.backtest.fees.IndianOptionsFeeModel`; no fees when False.
    """

    starting_balance: float | None = None
    fees: bool = True

    def __post_init__(self) -> None:
        if self.starting_balance is not None and not self.starting_balance > 0:
            raise ConfigError("starting_balance", "must be > 0")


class DataSettings(msgspec.Struct, kw_only=True, frozen=True, forbid_unknown_fields=True):
    """Which part of the option chain is loaded from the catalog.

    Parameters
    ----------
    strikes_each_side : int, optional
        Load at most this many strikes on each side of the money (all when None).
    expiries : int, optional
        Load at most this many nearest expiries (all when None).
    """

    strikes_each_side: int | None = None
    expiries: int | None = None

    def __post_init__(self) -> None:
        if self.strikes_each_side is not None and self.strikes_each_side < 1:
            raise ConfigError("strikes_each_side", "must be >= 1")
        if self.expiries is not None and self.expiries < 1:
            raise ConfigError("expiries", "must be >= 1")


def _default_capital() -> dict[str, Any]:
    return {"initial_capital": 1_000_000.0}


class BacktestSettings(msgspec.Struct, kw_only=True, frozen=True, forbid_unknown_fields=True):
    """Everything that defines a backtest run of the options-nt stack.

    The ``strategy``, ``capital`` and ``monitor`` sections hold the fields of
    :class:`~nautilus_options.OptionsSpreadStrategyConfig`,
    :class:`~nautilus_options.CapitalManagerConfig` and
    :class:`~nautilus_options.SpreadMonitorConfig`; they are validated against those
    configs when the settings are built, so an unknown or invalid key is reported as
    ``<section>.<key>``.

    Parameters
    ----------
    catalog : str, optional
        ParquetDataCatalog directory; the embedded synthetic NIFTY dataset when None.
    start, end : str, optional
        ISO date or datetime (UTC) bounds of the run; the whole catalog when None.
    out : str, optional
        Output directory; ``./out/backtest-<UTC timestamp>`` when None.
    underlying : str, default "NIFTY"
        Index whose chain is loaded.
    strategy : dict, default {}
        Strategy configuration fields.
    capital : dict, default {"initial_capital": 1000000.0}
        Capital manager configuration fields; a run file's ``capital`` section is laid over
        this default, so it may leave ``initial_capital`` out.
    monitor : dict, default {}
        Spread monitor configuration fields.
    venue : VenueSettings
        Simulated venue settings.
    data : DataSettings
        Chain window settings.
    tearsheet : bool, default True
        Also write the Nautilus tearsheet (``tearsheet.html``).
    log_level : str, default "ERROR"
        Nautilus log level (``OFF``, ``ERROR``, ``WARNING``, ``INFO``, ``DEBUG``).
    """

    catalog: str | None = None
    start: str | None = None
    end: str | None = None
    out: str | None = None
    underlying: str = "NIFTY"
    strategy: dict[str, Any] = msgspec.field(default_factory=dict)
    capital: dict[str, Any] = msgspec.field(default_factory=_default_capital)
    monitor: dict[str, Any] = msgspec.field(default_factory=dict)
    venue: VenueSettings = msgspec.field(default_factory=VenueSettings)
    data: DataSettings = msgspec.field(default_factory=DataSettings)
    tearsheet: bool = True
    log_level: str = "ERROR"

    def __post_init__(self) -> None:
        if self.log_level.upper() not in LOG_LEVELS:
            raise ConfigError("log_level", f"expected one of {', '.join(LOG_LEVELS)}")
        if not self.underlying:
            raise ConfigError("underlying", "must not be empty")


def component_config[C: NautilusConfig](section: str, values: Mapping[str, Any], cls: type[C]) -> C:
    """Validate one settings section against a component config class.

    Raises
    ------
    ConfigError
        Naming ``<section>.<key>`` for an unknown, mistyped or invalid key.
    """
    try:
        return msgspec.convert(dict(values), cls)
    except msgspec.ValidationError as exc:
        field, message = _locate(exc)
        raise ConfigError(f"{section}.{field}" if field else section, message) from None


def load_settings(path: str | Path, **overrides: Any) -> BacktestSettings:
    """Read a run file (``.json``, ``.yaml`` or ``.yml``) into :class:`BacktestSettings`.

    Keyword ``overrides`` that are not None replace top-level keys (command-line options).

    Raises
    ------
    ConfigError
        If the file cannot be read or parsed, or a key is unknown or invalid; the error
        names the key (``section.key``) and the file.
    """
    file = Path(path)
    try:
        text = file.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError("config", f"cannot read run file {file}: {exc.strerror}") from None
    try:
        data = json.loads(text) if file.suffix == ".json" else yaml.safe_load(text)
    except (json.JSONDecodeError, yaml.YAMLError) as exc:
        raise ConfigError("config", f"{file} is not valid JSON/YAML: {exc}") from None
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ConfigError("config", f"{file}: the run file must hold a mapping of settings")
    return settings_from_mapping(data, source=str(file), **overrides)


def settings_from_mapping(
    data: Mapping[str, Any], source: str = "settings", **overrides: Any
) -> BacktestSettings:
    """Build :class:`BacktestSettings` from plain data (as read from a run file).

    Keyword ``overrides`` that are not None replace top-level keys.

    Raises
    ------
    ConfigError
        If a key is unknown or invalid, naming it (``section.key``) and ``source``.
    """
    merged = {**data, **{key: value for key, value in overrides.items() if value is not None}}
    if isinstance(merged.get("capital"), Mapping):
        # A partial capital section overrides the default initial capital, not replaces it.
        merged["capital"] = {**_default_capital(), **merged["capital"]}
    try:
        return msgspec.convert(merged, BacktestSettings)
    except msgspec.ValidationError as exc:
        field, message = _locate(exc)
        raise ConfigError(field or "config", f"{message} (in {source})") from None


def _locate(exc: msgspec.ValidationError) -> tuple[str, str]:
    """Return ``(dotted key, message)`` of a msgspec validation error."""
    match = _AT.match(str(exc))
    assert match is not None  # the pattern matches any text
    where = match.group("at") or ""
    message = match.group("msg")
    if isinstance(exc.__context__, ConfigError):
        key, message = exc.__context__.field, str(exc.__context__).split(": ", 1)[-1]
    elif unknown := _UNKNOWN.match(message):
        key, message = unknown.group("key"), "unknown key"
    else:
        return where, message
    return (f"{where}.{key}" if where else key), message
