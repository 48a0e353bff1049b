"""An error of a ``--json`` command as the one JSON object its stdout promises."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from nautilus_options.errors import ConfigError, OptionsNTError

__all__ = ["error_object", "errors_as_json"]


def error_object(exc: OptionsNTError) -> dict[str, Any]:
    """``{"error": {"field": ..., "message": ...}}`` for ``exc``.

    ``field`` is the key a :class:`~nautilus_options.errors.ConfigError` names (None for
    other errors) and ``message`` what is wrong with it (the whole error otherwise).
    """
    field = exc.field if isinstance(exc, ConfigError) else None
    message = str(exc).removeprefix(f"{field}: ") if field is not None else str(exc)
    return {"error": {"field": field, "message": message}}


@contextmanager
def errors_as_json(enabled: bool) -> Iterator[None]:
    """When ``enabled``, print an options-nt error raised inside as one JSON object on stdout.

    The error is raised again, so the command line still prints its line on stderr and
    exits with 2.
    """
    try:
        yield
    except OptionsNTError as exc:
        if enabled:
            print(json.dumps(error_object(exc)), flush=True)
        raise
