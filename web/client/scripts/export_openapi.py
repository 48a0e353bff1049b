"""Print the bridge's OpenAPI document, with the stream's message schemas, as the client's
``openapi.json`` (``bash scripts/web.sh generate`` writes it; the stale check compares it)."""

from __future__ import annotations

import json
import sys

from nautilus_options.bridge.app import openapi_schema
from nautilus_options.bridge.stream import add_stream_schemas


def main() -> None:
    """Write the document to stdout."""
    document = add_stream_schemas(openapi_schema())
    sys.stdout.write(json.dumps(document, indent=2, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
