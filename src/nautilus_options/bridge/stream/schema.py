"""The stream's messages as OpenAPI components, so typed clients are generated from one source.

WebSocket routes have no place in OpenAPI paths; :func:`add_stream_schemas` adds every message
under ``components.schemas`` with a ``Stream`` prefix (``StreamEventMessage``, ...), plus the
unions ``StreamServerMessage`` and ``StreamClientMessage``.
"""

from __future__ import annotations

import copy
from typing import Any, Literal

from pydantic import TypeAdapter

from nautilus_options.bridge.stream.messages import ClientMessage, ServerMessage

__all__ = ["PREFIX", "add_stream_schemas"]

PREFIX = "Stream"


def _components(
    union: Any, name: str, mode: Literal["validation", "serialization"]
) -> dict[str, Any]:
    schema = TypeAdapter(union).json_schema(
        mode=mode, ref_template=f"#/components/schemas/{PREFIX}{{model}}"
    )
    defs = schema.pop("$defs", {})
    components = {f"{PREFIX}{key}": value for key, value in defs.items()}
    components[f"{PREFIX}{name}"] = schema
    return components


def add_stream_schemas(openapi: dict[str, Any]) -> dict[str, Any]:
    """A copy of ``openapi`` with the stream's message schemas in ``components.schemas``.

    Raises
    ------
    ValueError
        If ``components.schemas`` already holds a different schema under one of the names.
    """
    merged = copy.deepcopy(openapi)
    schemas: dict[str, Any] = merged.setdefault("components", {}).setdefault("schemas", {})
    added = {
        **_components(ServerMessage, "ServerMessage", "serialization"),
        **_components(ClientMessage, "ClientMessage", "validation"),
    }
    for key, value in sorted(added.items()):
        if key in schemas and schemas[key] != value:
            raise ValueError(f"components.schemas.{key} already holds another schema")
        schemas[key] = value
    merged["components"]["schemas"] = dict(sorted(schemas.items()))
    return merged
