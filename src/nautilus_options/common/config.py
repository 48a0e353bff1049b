"""Constrained field types and the one validation rule of every options-nt config.

A limit is declared once, on the field's type (``wing_width: PositiveFloat``), the way
Nautilus declares its own :data:`~nautilus_trader.common.config.PositiveInt`. msgspec enforces
it when a config is decoded (``Config.parse``, ``msgspec.convert``, an ``Importable*Config``)
and reports the path of the bad value (``$.capital.risk_per_trade_pct``). Plain construction
(``Config(wing_width=-1)``) runs no msgspec checks, so every config's ``__post_init__`` starts
with :func:`check_fields`, which decodes the instance's own values against its class and
raises :class:`~nautilus_options.errors.ConfigError` naming the field. What remains in a
``__post_init__`` after that call are the rules that span several fields.

>>> import msgspec
>>> class Example(msgspec.Struct, kw_only=True, frozen=True):
...     width: PositiveFloat = 1.0
...     def __post_init__(self) -> None:
...         check_fields(self)
>>> Example(width=-1.0)
Traceback (most recent call last):
...
nautilus_options.errors.ConfigError: width: Expected `float` > 0.0
>>> Example(width=float("inf"))
Traceback (most recent call last):
...
nautilus_options.errors.ConfigError: width: must be a finite number, got inf
"""

from __future__ import annotations

import math
from contextvars import ContextVar
from typing import Annotated, Any, Literal

import msgspec
from nautilus_trader.common.config import (
    NonNegativeFloat,
    NonNegativeInt,
    PositiveFloat,
    PositiveInt,
    msgspec_decoding_hook,
    msgspec_encoding_hook,
)

from nautilus_options.errors import ConfigError

__all__ = [
    "NonEmptyStr",
    "NonNegativeFloat",
    "NonNegativeInt",
    "Percent",
    "PositiveFloat",
    "PositiveInt",
    "Rate",
    "Underlying",
    "check_fields",
    "config_error",
    "decode",
]

#: A share in percent: more than 0, at most 100.
Percent = Annotated[float, msgspec.Meta(gt=0.0, le=100.0)]
#: A continuously compounded annual rate in [0, 1).
Rate = Annotated[float, msgspec.Meta(ge=0.0, lt=1.0)]
#: A string that must not be empty.
NonEmptyStr = Annotated[str, msgspec.Meta(min_length=1)]
#: The indices whose options options-nt trades (the keys of ``domain.nse_tables``' tables).
Underlying = Literal["NIFTY", "BANKNIFTY"]

_AT = " - at `$"
_UNKNOWN = "Object contains unknown field `"
# Set while check_fields decodes a copy, so that the copy's __post_init__ does not recurse.
_CHECKING: ContextVar[bool] = ContextVar("_CHECKING", default=False)


def check_fields(config: msgspec.Struct) -> None:
    """Enforce the constraints declared on the field types of ``config``.

    Every number must also be finite (msgspec has no such constraint, and JSON cannot carry
    ``inf`` or ``nan``).

    Raises
    ------
    ConfigError
        Naming the first field whose value breaks its type or constraint, e.g.
        ``wing_width`` or ``entry_windows[0]``.
    """
    if _CHECKING.get():
        return
    values = msgspec.to_builtins(config, enc_hook=msgspec_encoding_hook)
    for field, value in values.items():
        for number in value if isinstance(value, list | tuple) else (value,):
            if isinstance(number, float) and not math.isfinite(number):
                raise ConfigError(field, f"must be a finite number, got {number!r}")
    token = _CHECKING.set(True)
    try:
        msgspec.convert(values, type(config), dec_hook=msgspec_decoding_hook)
    except msgspec.ValidationError as exc:
        raise config_error(exc) from None
    finally:
        _CHECKING.reset(token)


def config_error(exc: msgspec.ValidationError, source: str | None = None) -> ConfigError:
    """The :class:`ConfigError` of a msgspec validation error, named by msgspec's own path.

    msgspec reports where a value failed only as a ``- at `$.a.b[0]``` suffix of its message;
    this is the one place that reads it. A :class:`ConfigError` raised by a ``__post_init__``
    inside the decoded object keeps its field, prefixed with the object's path.

    Parameters
    ----------
    exc : msgspec.ValidationError
        The error raised while decoding.
    source : str, optional
        Where the data came from (a run file); appended to the message as ``(in <source>)``.
    """
    text, _, at = str(exc).partition(_AT)
    path = at.removesuffix("`").lstrip(".")
    cause = exc.__cause__
    if isinstance(cause, ConfigError):
        key, message = cause.field, str(cause).removeprefix(f"{cause.field}: ")
    elif text.startswith(_UNKNOWN):
        key, message = text.removeprefix(_UNKNOWN).rstrip("`"), "unknown key"
    else:
        key, message = "", text
    field = ".".join(part for part in (path, key) if part) or "config"
    return ConfigError(field, f"{message} (in {source})" if source else message)


def decode[T](values: Any, cls: type[T], source: str | None = None) -> T:
    """Decode plain ``values`` (as read from JSON or YAML) into ``cls``.

    Raises
    ------
    ConfigError
        Naming the path of the first bad value (see :func:`config_error`).
    """
    try:
        return msgspec.convert(values, cls, dec_hook=msgspec_decoding_hook)
    except msgspec.ValidationError as exc:
        raise config_error(exc, source) from None
