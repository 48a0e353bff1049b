"""Print the bridge's OpenAPI document (the one it serves, the stream's message schemas
included) as the client's ``openapi.json`` (``bash scripts/web.sh generate`` writes it; the
stale check compares it)."""

from __future__ import annotations

import json
import sys

from nautilus_options.bridge.app import openapi_schema


def main() -> None:
    """Write the document to stdout."""
    document = openapi_schema()
    sys.stdout.write(json.dumps(document, indent=2, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
