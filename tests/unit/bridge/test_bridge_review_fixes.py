"""The bridge's docs page, first start, CLI audit and API token expiry, over real HTTP."""

from __future__ import annotations

import re
from collections.abc import Iterator

import httpx
import pytest

from nautilus_options.bridge.app import create_app, openapi_schema
from nautilus_options.bridge.server import BridgeServer
from nautilus_options.bridge.settings import BridgeSettings


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BridgeServer]:
    settings = BridgeSettings(environment="backtest", state_dir=tmp_path_factory.mktemp("state"))
    served = BridgeServer(create_app(settings), port=0).start()
    try:
        yield served
    finally:
        served.stop()


def test_the_docs_page_loads_nothing_from_another_host(server: BridgeServer) -> None:
    with httpx.Client(base_url=server.url, timeout=30) as http:
        page = http.get("/api/v1/docs")
        assert page.status_code == 200
        assert "default-src 'none'" in page.headers["content-security-policy"]
        assert "<script>" not in page.text  # no inline script: the CSP forbids it
        references = re.findall(r'(?:src|href)="([^"]+)"', page.text)
        assert len(references) == 4
        for reference in references:
            assert reference.startswith("/api/v1/docs/assets/"), reference
            asset = http.get(reference)
            assert asset.status_code == 200, reference
            assert asset.content
        assert "https://" not in http.get("/api/v1/docs/assets/start.js").text
        assert http.get("/api/v1/docs/assets/index.html").status_code == 404
        assert http.get("/api/v1/openapi.json").status_code == 200


def test_the_served_openapi_document_holds_the_stream_messages(server: BridgeServer) -> None:
    with httpx.Client(base_url=server.url, timeout=30) as http:
        served = http.get("/api/v1/openapi.json").json()
    schemas = served["components"]["schemas"]
    for name in ("StreamServerMessage", "StreamClientMessage", "StreamEventMessage"):
        assert name in schemas, name
    assert served == openapi_schema()
