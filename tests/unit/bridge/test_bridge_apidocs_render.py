"""The bridge's docs page renders its OpenAPI 3.1 document: Swagger UI 5, checked in chromium."""

from __future__ import annotations

import os
import re
import shutil
import subprocess

import httpx
import pytest

from nautilus_options.bridge.server import BridgeServer

_CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


def test_the_served_swagger_ui_reads_openapi_3_1(server: BridgeServer) -> None:
    with httpx.Client(base_url=server.url, timeout=30) as http:
        bundle = http.get("/api/v1/docs/assets/swagger-ui-bundle.js").text
        served_version = http.get("/api/v1/openapi.json").json()["openapi"]
    found = re.search(r'PACKAGE_VERSION:"(\d+)\.(\d+)\.(\d+)"', bundle)
    assert found is not None, "no version string in the served swagger-ui-bundle.js"
    assert int(found.group(1)) >= 5, found.group(0)  # Swagger UI 4 cannot read OpenAPI 3.1
    assert served_version.startswith("3.1"), served_version


def test_the_docs_page_renders_the_operations_in_chromium(server: BridgeServer) -> None:
    if _CHROMIUM is None:
        if os.environ.get("CI"):  # scripts/services.sh installs it for CI
            pytest.fail("no chromium: run bash scripts/services.sh")
        pytest.skip("no chromium on this machine")
    rendered = subprocess.run(
        [
            _CHROMIUM,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--virtual-time-budget=30000",
            "--dump-dom",
            f"{server.url}/api/v1/docs",
        ],
        capture_output=True,
        text=True,
        timeout=180,
        check=True,
    ).stdout
    assert "Unable to render this definition" not in rendered
    assert "opblock-summary-path" in rendered  # an operation's row
    assert "/api/v1/health" in rendered
