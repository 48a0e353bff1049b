"""The bridge app without a node, over real HTTP: auth on every route, login, refresh,
lockout, API token scopes, CORS, the environment header and the audit log."""

from __future__ import annotations

import json
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
from bridge_http import PASSWORD, login, served

from nautilus_options.bridge.app import ENVIRONMENT_HEADER, create_app, openapi_schema
from nautilus_options.bridge.audit import AUDIT_FILE
from nautilus_options.bridge.principal import Scope
from nautilus_options.bridge.security.store import CREDENTIALS_FILE, CredentialStore
from nautilus_options.bridge.server import BridgeServer
from nautilus_options.bridge.settings import BridgeSettings

ORIGIN = "http://dashboard.example"


@pytest.fixture(scope="module")
def state_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("bridge-state")


@pytest.fixture(scope="module")
def client(state_dir: Path) -> Iterator[httpx.Client]:
    settings = BridgeSettings(
        environment="backtest",
        state_dir=state_dir,
        cors_origins=(ORIGIN,),
        max_login_failures=3,
    )
    with served(settings, {"admin": Scope.ADMIN, "viewer": Scope.READ}) as http:
        yield http


def test_every_route_but_login_and_refresh_needs_a_token(client: httpx.Client) -> None:
    schema = openapi_schema()
    public = {"/api/v1/auth/login", "/api/v1/auth/refresh"}
    checked = 0
    for path, methods in schema["paths"].items():
        if path in public:
            continue
        url = path.removeprefix("/api/v1").replace("{", "").replace("}", "")
        for method in methods:
            response = client.request(method.upper(), url)
            assert response.status_code == 401, (method, path, response.status_code)
            assert response.headers[ENVIRONMENT_HEADER] == "backtest"
            checked += 1
    assert checked > 25


def test_login_gives_tokens_that_authenticate_and_refresh(client: httpx.Client) -> None:
    response = client.post("/auth/login", json={"username": "admin", "password": PASSWORD})
    pair = response.json()
    assert pair["scopes"] == ["admin"]
    headers = {"Authorization": f"Bearer {pair['access_token']}"}
    health = client.get("/health", headers=headers)
    assert health.status_code == 200
    assert health.json() == {
        "status": "ok",
        "environment": "backtest",
        "version": health.json()["version"],
        "node": False,
        "results": False,  # no --results: the interface's Backtests screen asks nothing more
    }
    # the refresh token is not an access token
    as_access = {"Authorization": f"Bearer {pair['refresh_token']}"}
    assert client.get("/health", headers=as_access).status_code == 401
    fresh = client.post("/auth/refresh", json={"refresh_token": pair["refresh_token"]})
    assert fresh.status_code == 200
    assert client.get("/health", headers=headers).status_code == 401  # old pair revoked
    new_headers = {"Authorization": f"Bearer {fresh.json()['access_token']}"}
    assert client.get("/auth/me", headers=new_headers).json()["subject"] == "admin"
    again = client.post("/auth/refresh", json={"refresh_token": pair["refresh_token"]})
    assert again.status_code == 401
    assert client.post("/auth/logout", headers=new_headers).status_code == 204
    assert client.get("/auth/me", headers=new_headers).status_code == 401


def test_removing_a_user_or_changing_its_password_ends_its_logins_at_once(
    client: httpx.Client, state_dir: Path
) -> None:
    other_process = CredentialStore(state_dir / CREDENTIALS_FILE)  # like `serve user add`
    other_process.add_user("temp", PASSWORD, (Scope.ADMIN,))
    pair = client.post("/auth/login", json={"username": "temp", "password": PASSWORD}).json()
    headers = {"Authorization": f"Bearer {pair['access_token']}"}
    assert client.get("/tokens", headers=headers).status_code == 200
    other_process.add_user("temp", "another-pass", (Scope.READ,))
    assert client.get("/auth/me", headers=headers).status_code == 401
    refreshed = client.post("/auth/refresh", json={"refresh_token": pair["refresh_token"]})
    assert refreshed.status_code == 401
    pair = client.post("/auth/login", json={"username": "temp", "password": "another-pass"}).json()
    assert pair["scopes"] == ["read"]
    headers = {"Authorization": f"Bearer {pair['access_token']}"}
    assert client.get("/auth/me", headers=headers).status_code == 200
    assert other_process.remove_user("temp")
    assert client.get("/auth/me", headers=headers).status_code == 401
    refreshed = client.post("/auth/refresh", json={"refresh_token": pair["refresh_token"]})
    assert refreshed.status_code == 401


def test_node_routes_answer_503_without_a_node(client: httpx.Client) -> None:
    headers = login(client, "viewer")
    for path in ("/status", "/spreads", "/orders", "/positions", "/capital", "/chain"):
        response = client.get(path, headers=headers)
        assert response.status_code == 503, path
        assert response.json() == {"detail": "no node is attached"}


def test_scopes_api_tokens_and_revocation(client: httpx.Client) -> None:
    viewer = login(client, "viewer")
    assert client.get("/tokens", headers=viewer).status_code == 403
    assert client.post("/control/reduce", headers=viewer).status_code == 403
    admin = login(client, "admin")
    created = client.post("/tokens", headers=admin, json={"name": "ci", "scopes": ["read"]})
    assert created.status_code == 201
    token = created.json()["token"]
    listed = client.get("/tokens", headers=admin).json()
    assert token not in json.dumps(listed)
    api = {"Authorization": f"Bearer {token}"}
    assert client.get("/auth/me", headers=api).json() == {
        "subject": f"token:{created.json()['id']}",
        "scopes": ["read"],
    }
    assert client.post("/control/reduce", headers=api).status_code == 403
    assert client.delete(f"/tokens/{created.json()['id']}", headers=admin).status_code == 200
    assert client.get("/auth/me", headers=api).status_code == 401


def test_repeated_failed_logins_lock_the_name(client: httpx.Client) -> None:
    body = {"username": "locked-out", "password": "wrong-password"}
    codes = [client.post("/auth/login", json=body).status_code for _ in range(4)]
    assert codes == [401, 401, 401, 429]
    refused = client.post("/auth/login", json=body)
    assert refused.status_code == 429
    assert int(refused.headers["Retry-After"]) > 0


def test_parallel_failed_logins_check_no_more_passwords_than_the_limit(tmp_path: Path) -> None:
    app = create_app(BridgeSettings(state_dir=tmp_path, max_login_failures=3))
    app.state.bridge.auth.store.add_user("target", PASSWORD, (Scope.READ,))
    server = BridgeServer(app, port=0).start()
    body = {"username": "target", "password": "a-wrong-guess"}
    try:
        with (
            httpx.Client(base_url=f"{server.url}/api/v1", timeout=60) as http,
            ThreadPoolExecutor(12) as pool,
        ):
            codes = list(
                pool.map(lambda _: http.post("/auth/login", json=body).status_code, range(12))
            )
    finally:
        server.stop()
    assert sorted(set(codes)) == [401, 429]
    assert codes.count(401) <= 3  # at most max_login_failures passwords were checked


def test_cors_allows_only_the_listed_origin(client: httpx.Client) -> None:
    preflight = {"Access-Control-Request-Method": "GET"}
    allowed = client.options("/health", headers={"Origin": ORIGIN, **preflight})
    assert allowed.headers["access-control-allow-origin"] == ORIGIN
    other = client.options("/health", headers={"Origin": "http://evil.example", **preflight})
    assert "access-control-allow-origin" not in other.headers


def test_audit_log_records_actions_without_secrets(client: httpx.Client, state_dir: Path) -> None:
    client.post("/auth/login", json={"username": "admin", "password": "not-the-password"})
    headers = login(client, "admin")
    client.post("/control/kill", headers=headers, json={"confirm": "KILL", "reason": "drill"})
    text = (state_dir / AUDIT_FILE).read_text()
    assert PASSWORD not in text
    assert "not-the-password" not in text
    records = [json.loads(line) for line in text.splitlines()]
    failed = [r for r in records if r["action"] == "POST /api/v1/auth/login" and r["status"] == 401]
    assert failed
    assert failed[-1]["subject"] == "admin"
    assert failed[-1]["client"] == "127.0.0.1"
    assert client.get("/audit", headers=headers).json()[-1] == records[-1]
    viewer = login(client, "viewer")
    assert client.get("/audit", headers=viewer).status_code == 403
    kill = [r for r in records if r["action"] == "POST /api/v1/control/kill"][-1]
    assert kill["subject"] == "admin"
    assert kill["status"] == 503  # no node here
    assert kill["result"] == "failed"


def test_a_malformed_body_is_refused_without_echoing_its_secrets(client: httpx.Client) -> None:
    password = "p" * 1025  # too long
    refused = client.post("/auth/login", json={"username": "admin", "password": password})
    assert refused.status_code == 422
    assert refused.json()["detail"][0]["loc"] == ["body", "password"]
    assert password not in refused.text
    token = "r" * 300  # too long
    refused = client.post("/auth/refresh", json={"refresh_token": token})
    assert refused.status_code == 422
    assert token not in refused.text


def test_a_forwarded_for_header_does_not_change_the_recorded_address(
    client: httpx.Client, state_dir: Path
) -> None:
    forged = {"X-Forwarded-For": "203.0.113.9"}
    body = {"username": "forwarded", "password": "wrong-password"}
    assert client.post("/auth/login", json=body, headers=forged).status_code == 401
    records = [json.loads(line) for line in (state_dir / AUDIT_FILE).read_text().splitlines()]
    record = [r for r in records if r["subject"] == "forwarded"][-1]
    assert record["client"] == "127.0.0.1"


def test_token_creation_is_audited_with_its_id_name_scopes_and_expiry(
    client: httpx.Client, state_dir: Path
) -> None:
    headers = login(client, "admin")
    body = {"name": "desk-feed", "scopes": ["read"], "expires_days": 7}
    created = client.post("/tokens", headers=headers, json=body)
    assert created.status_code == 201, created.text
    token = created.json()
    client.delete(f"/tokens/{token['id']}", headers=headers)
    text = (state_dir / AUDIT_FILE).read_text()
    assert token["token"] not in text
    records = [json.loads(line) for line in text.splitlines()]
    create = [r for r in records if r["action"] == "POST /api/v1/tokens"][-1]
    assert create["detail"] == {
        "id": token["id"],
        "name": "desk-feed",
        "scopes": ["read"],
        "expires": token["expires"],
    }
    revoke = [r for r in records if r["action"] == f"DELETE /api/v1/tokens/{token['id']}"][-1]
    assert revoke["detail"] == {"id": token["id"]}
