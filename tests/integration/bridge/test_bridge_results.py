"""``options-nt serve --results DIR``: backtest results served read-only with no node; a first
start prints a one-time admin password; a backtest runs in the background with progress."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from bridge_node import wait_for

from nautilus_options.bridge.principal import Scope
from nautilus_options.bridge.security.store import CREDENTIALS_FILE, CredentialStore

pytestmark = pytest.mark.slow

#: The stages a backtest prints as lines into a log (before its summary).
STAGES = {"preparing the synthetic NIFTY dataset", "loading market data", "writing outputs"}

_PASSWORD = re.compile(r"created user 'admin' with password (?P<password>\S+) ")
_URL = re.compile(r"bridge at (?P<url>http://\S+/api/v1)")


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[httpx.Client, Path, str]]:
    root = tmp_path_factory.mktemp("bridge-results")
    results, state = root / "results", root / "state"
    results.mkdir()
    log = root / "serve.log"
    with log.open("wb") as handle:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "nautilus_options",
                "serve",
                "--results",
                str(results),
                "--port",
                "0",
                "--state-dir",
                str(state),
            ],
            stdout=handle,
            stderr=subprocess.STDOUT,
        )
    try:
        found = wait_for(lambda: _URL.search(log.read_text()), "the bridge to listen", 60)
        password = _PASSWORD.search(log.read_text())
        assert password is not None, log.read_text()
        with httpx.Client(base_url=found["url"], timeout=60) as client:
            login = client.post(
                "/auth/login", json={"username": "admin", "password": password["password"]}
            )
            assert login.status_code == 200, login.text
            client.headers["Authorization"] = f"Bearer {login.json()['access_token']}"
            yield client, root, password["password"]
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(60)


def ok(response: httpx.Response, code: int = 200) -> Any:
    assert response.status_code == code, (response.status_code, response.text)
    return response.json()


def test_no_node_routes_answer_503_and_name_the_environment(
    served: tuple[httpx.Client, Path, str],
) -> None:
    client = served[0]
    health = client.get("/health")
    assert health.headers["X-Options-NT-Environment"] == "backtest"
    assert ok(health)["node"] is False
    assert client.get("/spreads").status_code == 503
    assert ok(client.get("/backtests")) == []


def test_a_background_backtest_reports_progress_and_its_report_is_served(
    served: tuple[httpx.Client, Path, str],
) -> None:
    client, root, password = served
    body = {"name": "one-day", "start": "2026-01-05", "end": "2026-01-05"}
    job = ok(client.post("/backtests/jobs", json=body), 202)
    assert job["status"] == "running"
    assert client.post("/backtests/jobs", json=body).status_code == 409
    shown = wait_for(
        lambda: (j := ok(client.get(f"/backtests/jobs/{job['id']}")))["last_line"] and j,
        "a progress line",
        300,
    )
    # Progress shows while it runs (not only the summary at the end).
    assert shown["status"] == "running", shown
    assert shown["last_line"] in STAGES, shown
    done = wait_for(
        lambda: (j := ok(client.get(f"/backtests/jobs/{job['id']}")))["status"] != "running" and j,
        "the backtest to finish",
        300,
    )
    assert done["status"] == "finished", done
    assert done["elapsed_secs"] > 0
    listed = ok(client.get("/backtests"))
    assert [r["name"] for r in listed] == ["one-day"]
    assert listed[0]["has_report"]
    assert "pnl_total" in listed[0]["summary"]
    report = client.get("/backtests/one-day/report.html")
    assert report.status_code == 200
    assert report.headers["content-type"].startswith("text/html")
    policy = report.headers["content-security-policy"]
    assert policy.startswith("default-src 'none'; script-src 'unsafe-inline';")
    assert "http" not in policy  # nothing from any host
    assert client.get("/backtests/..%2Fstate/report.html").status_code == 404
    # the one-time password is in no file the server wrote
    for path in root.rglob("*"):
        if path.is_file() and path.name != "serve.log":
            assert password.encode() not in path.read_bytes(), path


def test_serve_live_refuses_without_credentials_or_confirmation(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KITE_")}
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "nautilus_options",
            "serve",
            "--live",
            "--state-dir",
            str(tmp_path / "state"),
            "--token-file",
            str(tmp_path / "missing-token.json"),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )
    assert done.returncode == 2, done.stderr
    assert done.stderr.startswith("options-nt: error:")
    assert len(done.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "state").exists()  # refused before anything was created


def test_user_add_takes_the_state_dir_given_before_it_and_defaults_to_read(
    tmp_path: Path,
) -> None:
    home, state = tmp_path / "home", tmp_path / "state"
    command = [sys.executable, "-m", "nautilus_options", "serve", "--state-dir", str(state)]
    subprocess.run(
        [*command, "user", "add", "bob", "--password-stdin"],
        input="bob-password\n",
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "HOME": str(home)},
        check=True,
    )
    users = CredentialStore(state / CREDENTIALS_FILE).users()
    assert [(user.name, user.scopes) for user in users] == [("bob", (Scope.READ,))]
    assert not home.exists()  # nothing written to the default ~/.options-nt


def test_a_port_in_use_is_named(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = subprocess.run(
            [
                sys.executable,
                "-m",
                "nautilus_options",
                "serve",
                "--results",
                str(tmp_path),
                "--port",
                str(port),
                "--state-dir",
                str(tmp_path / "state"),
            ],
            capture_output=True,
            text=True,
            timeout=120,
        )
    assert done.returncode == 2
    assert f"--port: the bridge cannot listen on 127.0.0.1:{port}" in done.stderr
