"""Parsing the text of a run file or a sweep file (JSON or YAML) into plain data.

YAML reads an unquoted ``2026-01-05`` as a date; settings hold dates and timestamps as ISO
strings, so such values are given back as ISO strings (``2026-01-05``,
``2026-01-05T09:15:00+05:30``). A syntax error is one line naming the file, the line and
the column.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path
from typing import Any

import yaml

from nautilus_options.errors import ConfigError

__all__ = ["parse_settings_text"]


class _Loader(yaml.SafeLoader):
    """``yaml.SafeLoader`` that reads timestamps as ISO strings."""


def _iso_timestamp(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> str:
    value: date | datetime = loader.construct_yaml_timestamp(node)
    return value.isoformat()


_Loader.add_constructor("tag:yaml.org,2002:timestamp", _iso_timestamp)


def parse_settings_text(text: str, file: Path, field: str) -> Any:
    """The data in ``text``, read from ``file``: JSON for a ``.json`` file, YAML otherwise.

    Raises
    ------
    ConfigError
        Naming ``field``, with the file, the line and column (1-based) and the problem,
        if ``text`` is not valid JSON or YAML.
    """
    try:
        if file.suffix == ".json":
            return json.loads(text)
        return yaml.load(text, Loader=_Loader)
    except json.JSONDecodeError as exc:
        where, problem = f"line {exc.lineno}, column {exc.colno}", exc.msg
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "unknown place"
        problem = exc.problem or exc.context or "invalid YAML"
    except yaml.YAMLError as exc:
        where, problem = "unknown place", str(exc).splitlines()[0]
    raise ConfigError(field, f"{file}, {where}: not valid {_kind(file)}: {problem}")


def _kind(file: Path) -> str:
    return "JSON" if file.suffix == ".json" else "YAML"
