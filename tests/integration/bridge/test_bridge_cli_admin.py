"""``options-nt serve`` administration: the first start's admin password survives a failed
start, user and token changes made on the command line are audited, API tokens expire (REST
and the stream's heartbeats)."""

from __future__ import annotations

import getpass
import io
import json
import signal
import socket
import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path

import httpx
import pytest
from ws_harness import TIMEOUT_S, StreamReader

from nautilus_options.bridge.app import create_app
from nautilus_options.bridge.audit import AUDIT_FILE
from nautilus_options.bridge.principal import Scope
from nautilus_options.bridge.security.store import CREDENTIALS_FILE, CredentialStore
from nautilus_options.bridge.server import BridgeServer
from nautilus_options.bridge.settings import BridgeSettings
from nautilus_options.bridge.stream import WS_PATH, CloseCode, EventHub
from nautilus_options.cli import main

PASSWORD = "s3cret-pass"


def _serve_results(state_dir: Path, results: Path, port: int) -> subprocess.Popen[str]:
    command = [sys.executable, "-m", "nautilus_options", "serve", "--results", str(results)]
    command += ["--port", str(port), "--state-dir", str(state_dir)]
    return subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=results.parent
    )


def test_a_failed_first_start_keeps_the_admin_password_for_the_next(tmp_path: Path) -> None:
    state_dir, results = tmp_path / "state", tmp_path / "results"
    results.mkdir()
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        failed = _serve_results(state_dir, results, taken.getsockname()[1])
        out, err = failed.communicate(timeout=120)
    assert failed.returncode == 2, err
    assert "--port" in err
    assert "password" not in out
    assert not (state_dir / CREDENTIALS_FILE).exists()

    served = _serve_results(state_dir, results, 0)
    try:
        assert served.stdout is not None
        line = served.stdout.readline()  # the first line: the password, once it listens
        assert "created user 'admin' with password" in line, line
        password = line.split("with password ")[1].split()[0]
        assert "bridge at http://127.0.0.1:" in served.stdout.readline()
    finally:
        served.send_signal(signal.SIGINT)
        served.communicate(timeout=60)
    store = CredentialStore(state_dir / CREDENTIALS_FILE)
    assert store.verify_password("admin", password) is not None


def _audit_records(state_dir: Path) -> list[dict[str, object]]:
    lines = (state_dir / AUDIT_FILE).read_text().splitlines()
    return [json.loads(line) for line in lines]


def test_user_and_token_changes_on_the_command_line_are_audited(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    state = ["--state-dir", str(tmp_path)]
    for _ in range(2):  # add, then set the password again
        monkeypatch.setattr(sys, "stdin", io.StringIO(f"{PASSWORD}\n"))
        assert main(["serve", "user", "add", "ops", "--password-stdin", *state]) == 0
    assert main(["serve", "token", "create", "--scope", "read", "--name", "ci", *state]) == 0
    value = capsys.readouterr().out.strip().splitlines()[-1]
    token_id = value.removeprefix("ont_").split("_")[0]
    assert main(["serve", "token", "revoke", token_id, *state]) == 0
    assert main(["serve", "user", "remove", "ops", *state]) == 0
    assert main(["serve", "user", "remove", "ghost", *state]) == 1

    records = _audit_records(tmp_path)
    actions = [(r["action"], r["result"], r["status"]) for r in records]
    assert actions == [
        ("user add", "ok", 0),
        ("user passwd", "ok", 0),
        ("token create", "ok", 0),
        ("token revoke", "ok", 0),
        ("user remove", "ok", 0),
        ("user remove", "refused", 1),
    ]
    assert {(r["subject"], r["client"]) for r in records} == {(getpass.getuser(), "cli")}
    detail = records[2]["detail"]
    assert isinstance(detail, dict)
    assert (detail["id"], detail["name"], detail["scopes"]) == (token_id, "ci", ["read"])
    assert detail["expires"] is not None
    text = (tmp_path / AUDIT_FILE).read_text()
    assert PASSWORD not in text
    assert value not in text


def test_token_create_takes_an_expiry_and_list_shows_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    state = ["--state-dir", str(tmp_path)]
    for expires in ("30d", "never", None):
        extra = [] if expires is None else ["--expires", expires]
        assert main(["serve", "token", "create", "--scope", "read", *extra, *state]) == 0
    with pytest.raises(SystemExit):
        main(["serve", "token", "create", "--scope", "read", "--expires", "soon", *state])
    assert "expected e.g. 30d, 12h or never" in capsys.readouterr().err
    tokens = CredentialStore(tmp_path / CREDENTIALS_FILE).tokens()
    lifetimes = [
        None if t.expires is None else (_at(t.expires) - _at(t.created)).days for t in tokens
    ]
    assert lifetimes == [30, None, 90]
    assert main(["serve", "token", "list", *state]) == 0
    listed = capsys.readouterr().out.splitlines()
    assert listed[0].endswith(f"active, expires {tokens[0].expires}")
    assert listed[1].endswith("active, never expires")


def _at(iso: str) -> datetime:
    return datetime.fromisoformat(iso)


def test_an_expired_api_token_is_refused_over_rest_and_closes_its_stream(tmp_path: Path) -> None:
    app = create_app(BridgeSettings(state_dir=tmp_path), hub=EventHub(heartbeat_s=0.2))
    store = app.state.bridge.auth.store
    server = BridgeServer(app, port=0).start()
    # Valid for 7 to 8 s (times are kept to the second): long enough to be used first.
    _, value = store.create_token("short", (Scope.READ,), timedelta(seconds=8))
    _, lasting = store.create_token("lasting", (Scope.READ,), None)
    try:
        with (
            httpx.Client(base_url=f"{server.url}/api/v1", timeout=TIMEOUT_S) as http,
            StreamReader(f"ws://127.0.0.1:{server.port}{WS_PATH}") as reader,
        ):
            headers = {"Authorization": f"Bearer {value}"}
            assert http.get("/auth/me", headers=headers).status_code == 200
            reader.start(["orders"], token=value)
            reader.until("heartbeat")
            code, reason = reader.close_frame()
            assert (code, reason) == (
                CloseCode.UNAUTHORIZED,
                "unauthorized: token revoked or expired",
            )
            assert http.get("/auth/me", headers=headers).status_code == 401
            forever = {"Authorization": f"Bearer {lasting}"}
            assert http.get("/auth/me", headers=forever).status_code == 200
    finally:
        server.stop()


def test_rest_token_creation_takes_an_expiry_in_days(tmp_path: Path) -> None:
    app = create_app(BridgeSettings(state_dir=tmp_path))
    app.state.bridge.auth.store.add_user("admin", PASSWORD, (Scope.ADMIN,))
    server = BridgeServer(app, port=0).start()
    try:
        with httpx.Client(base_url=f"{server.url}/api/v1", timeout=TIMEOUT_S) as http:
            body = {"username": "admin", "password": PASSWORD}
            access = http.post("/auth/login", json=body).json()["access_token"]
            headers = {"Authorization": f"Bearer {access}"}
            answers = [
                http.post("/tokens", headers=headers, json={"scopes": ["read"], **extra})
                for extra in ({}, {"expires_days": 7}, {"expires_days": None})
            ]
            refused = http.post(
                "/tokens", headers=headers, json={"scopes": ["read"], "expires_days": 0}
            )
            listed = http.get("/tokens", headers=headers).json()
    finally:
        server.stop()
    created = [answer.json() for answer in answers]
    lifetimes = [
        None if c["expires"] is None else (_at(c["expires"]) - _at(c["created"])).days
        for c in created
    ]
    assert lifetimes == [90, 7, None]
    assert refused.status_code == 422
    assert refused.json()["detail"][0]["loc"] == ["body", "expires_days"]
    assert [token["expires"] for token in listed] == [c["expires"] for c in created]
