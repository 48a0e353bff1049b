"""The bridge serving the built trader interface (``--ui``) over real HTTP: the page and its
assets with the web server's security headers, API answers unchanged, no path out of the
folder, and a clear error for a folder that was never built."""

from __future__ import annotations

import argparse
import http.client
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest

from nautilus_options.bridge.apidocs import DOCS_CSP
from nautilus_options.bridge.app import ENVIRONMENT_HEADER, create_app
from nautilus_options.bridge.server import BridgeServer
from nautilus_options.bridge.settings import BridgeSettings
from nautilus_options.bridge.ui import UI_CSP, default_ui_dir, ui_folder
from nautilus_options.cli.serve import _bridge_settings, register
from nautilus_options.errors import ConfigError

_PAGE = '<!doctype html><html><script type="module" src="/assets/app-1.js"></script></html>'
_SCRIPT = "console.log('ui');\n"


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    root = tmp_path_factory.mktemp("bridge-ui")
    dist = root / "dist"
    (dist / "assets").mkdir(parents=True)
    (dist / "index.html").write_text(_PAGE)
    (dist / "assets" / "app-1.js").write_text(_SCRIPT)
    (root / "secret.txt").write_text("outside the interface")
    (dist / "outside.txt").symlink_to(root / "secret.txt")
    settings = BridgeSettings(state_dir=root / "state", port=0, ui_dir=dist)
    server = BridgeServer(create_app(settings), port=0).start()
    try:
        yield server.url, root
    finally:
        server.stop()


def _raw_get(url: str, path: str) -> tuple[int, str]:
    """GET ``path`` exactly as written (no client-side ``..`` folding): status and body."""
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=30)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        return response.status, response.read().decode()
    finally:
        connection.close()


def _assert_ui_headers(headers: httpx.Headers) -> None:
    assert headers["content-security-policy"] == UI_CSP
    assert "frame-ancestors 'none'" in headers["content-security-policy"]
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["x-frame-options"] == "DENY"
    assert headers["referrer-policy"] == "no-referrer"
    assert headers[ENVIRONMENT_HEADER] == "paper"


def test_serves_the_page_and_its_assets_with_security_headers(served: tuple[str, Path]) -> None:
    url, _ = served
    with httpx.Client(base_url=url, timeout=30) as client:
        page = client.get("/")
        assert page.status_code == 200
        assert page.text == _PAGE
        assert page.headers["content-type"].startswith("text/html")
        assert page.headers["cache-control"] == "no-cache"
        _assert_ui_headers(page.headers)

        script = client.get("/assets/app-1.js")
        assert script.status_code == 200
        assert script.text == _SCRIPT
        assert "javascript" in script.headers["content-type"]
        _assert_ui_headers(script.headers)

        assert client.get("/web/config").json() == {"mode": "bridge"}
        # Any other page path is the page (its screens are `#/...`); a missing asset is not.
        assert client.get("/overview").text == _PAGE
        assert client.get("/assets/missing.js").status_code == 404


def test_head_answers_the_page_and_assets_without_a_body(served: tuple[str, Path]) -> None:
    url, _ = served
    with httpx.Client(base_url=url, timeout=30) as client:
        for path in ("/", "/overview", "/assets/app-1.js", "/web/config"):
            answer = client.head(path)
            assert (path, answer.status_code, answer.content) == (path, 200, b"")
        page = client.head("/")
        assert page.headers["content-type"].startswith("text/html")
        assert page.headers["cache-control"] == "no-cache"
        _assert_ui_headers(page.headers)
        assert client.head("/assets/missing.js").status_code == 404


def test_api_answers_stay_the_bridges(served: tuple[str, Path]) -> None:
    url, _ = served
    with httpx.Client(base_url=url, timeout=30) as client:
        unknown = client.get("/api/v1/no-such-route")
        assert unknown.status_code == 404
        assert unknown.json() == {"detail": "Not Found"}
        assert "content-security-policy" not in unknown.headers
        # The API docs page keeps its own policy.
        assert client.get("/api/v1/docs").headers["content-security-policy"] == DOCS_CSP
        assert client.get("/api/v1/status").status_code == 401
        login = client.post("/api/v1/auth/login", json={"username": "x", "password": "y"})
        assert login.status_code == 401


@pytest.mark.parametrize(
    "path",
    [
        "/../secret.txt",
        "/assets/../../secret.txt",
        "/..%2fsecret.txt",
        "/assets/..%2f..%2fsecret.txt",
        "/%2e%2e/secret.txt",
        "/outside.txt",  # a link in the folder to a file out of it
    ],
)
def test_refuses_paths_out_of_the_folder(served: tuple[str, Path], path: str) -> None:
    url, root = served
    assert (root / "secret.txt").is_file()
    status, body = _raw_get(url, path)
    assert (status, "outside the interface" in body) == (404, False), (path, status, body)


def test_a_folder_never_built_is_refused_with_the_build_command(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"^--ui: no index.html in .*bash scripts/web.sh build"):
        ui_folder(tmp_path)
    with pytest.raises(ConfigError, match="--ui"):
        create_app(BridgeSettings(state_dir=tmp_path / "state", ui_dir=tmp_path))


def test_serve_ui_takes_a_folder_or_defaults_to_the_checkouts_build(tmp_path: Path) -> None:
    parser = argparse.ArgumentParser()
    register(parser.add_subparsers())
    (tmp_path / "index.html").write_text(_PAGE)
    given = parser.parse_args(["serve", "--ui", str(tmp_path), "--paper"])
    assert _bridge_settings(given, "paper").ui_dir == tmp_path.resolve()
    assert parser.parse_args(["serve", "--ui", "--paper"]).ui == ""  # default_ui_dir()
    assert parser.parse_args(["serve"]).ui is None
    assert default_ui_dir() == Path(__file__).resolve().parents[3] / "web" / "ui" / "dist"
