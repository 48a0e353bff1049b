"""The bridge's OpenAPI document as documentation: the JSON file and a Markdown table.

The docs build calls :func:`write_reference` so the published OpenAPI document and the
endpoint table always match the code.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from nautilus_options.bridge.app import openapi_schema

__all__ = ["endpoint_table", "write_reference"]

_METHODS = ("get", "post", "put", "delete")


def endpoint_table(schema: dict[str, Any]) -> str:
    """A Markdown table of every operation: method, path, what it does (the first line of
    its description), the answers documented.

    >>> operation = {"description": "Do A.\\n\\nMore.", "responses": {"200": {}}}
    >>> print(endpoint_table({"paths": {"/a": {"get": operation}}}))
    | method | path | what | answers |
    |---|---|---|---|
    | GET | `/a` | Do A. | 200 |
    """
    rows = ["| method | path | what | answers |", "|---|---|---|---|"]
    for path, operations in sorted(schema["paths"].items()):
        for method in _METHODS:
            operation = operations.get(method)
            if operation is None:
                continue
            codes = ", ".join(sorted(operation.get("responses", {})))
            summary = operation.get("description", "").split("\n")[0].replace("|", "\\|")
            rows.append(f"| {method.upper()} | `{path}` | {summary} | {codes} |")
    return "\n".join(rows)


def write_reference(folder: Path) -> tuple[Path, Path]:
    """Write ``openapi.json`` and ``bridge-endpoints.md`` into ``folder``; return both."""
    schema = openapi_schema()
    folder.mkdir(parents=True, exist_ok=True)
    document = folder / "openapi.json"
    document.write_text(json.dumps(schema, indent=2, sort_keys=True), encoding="utf-8")
    table = folder / "bridge-endpoints.md"
    table.write_text(endpoint_table(schema) + "\n", encoding="utf-8")
    return document, table
