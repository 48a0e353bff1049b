"""The bridge's docs page, first start, CLI audit and API token expiry, over real HTTP."""

from __future__ import annotations

import re

import httpx

from nautilus_options.bridge.app import openapi_schema
from nautilus_options.bridge.server import BridgeServer


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
