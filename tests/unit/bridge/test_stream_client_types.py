"""The TypeScript client's generated files match the bridge's current schema.

``web/client/openapi.json`` (the OpenAPI document plus the stream's messages) and
``web/client/src/openapi.ts`` (its types) are committed; this regenerates both with
``bash scripts/web.sh generate`` into a temporary folder and compares.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
GENERATED = ("openapi.json", "src/openapi.ts")


@pytest.mark.slow
def test_the_typescript_client_is_generated_from_the_current_schema(tmp_path: Path) -> None:
    result = subprocess.run(
        ["bash", "scripts/web.sh", "generate", str(tmp_path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    stale = [
        f"web/client/{name}"
        for name in GENERATED
        if (tmp_path / name).read_text() != (ROOT / "web" / "client" / name).read_text()
    ]
    assert stale == [], f"{stale} out of date: run `bash scripts/web.sh generate` and commit them"
