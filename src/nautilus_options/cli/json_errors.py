"""An error of a ``--json`` command as the one JSON object its stdout promises."""

from __future__ import annotations

from typing import Any

from nautilus_options.errors import ConfigError, OptionsNTError

__all__ = ["error_object"]


def error_object(exc: OptionsNTError) -> dict[str, Any]:
    """``{"error": {"field": ..., "message": ...}}`` for ``exc``.

    ``field`` is the key a :class:`~nautilus_options.errors.ConfigError` names (None for
    other errors) and ``message`` what is wrong with it (the whole error otherwise).
    """
    field = exc.field if isinstance(exc, ConfigError) else None
    message = str(exc).removeprefix(f"{field}: ") if field is not None else str(exc)
    return {"error": {"field": field, "message": message}}
