"""Credentials on disk, login sessions, the lockout and the idempotency keys."""

from __future__ import annotations

import asyncio
import json
import stat
from pathlib import Path

import pytest

from nautilus_options.bridge.idempotency import IdempotencyConflictError, IdempotencyStore
from nautilus_options.bridge.principal import Scope
from nautilus_options.bridge.security.lockout import LoginThrottle
from nautilus_options.bridge.security.sessions import SessionTokens
from nautilus_options.bridge.security.store import CredentialStore
from nautilus_options.errors import ConfigError


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_store_keeps_argon2_hashes_in_a_0600_file_and_verifies(tmp_path: Path) -> None:
    path = tmp_path / "state" / "creds.json"
    store = CredentialStore(path)
    store.add_user("ops", "correct horse", (Scope.TRADE,))
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    text = path.read_text()
    assert "correct horse" not in text
    assert json.loads(text)["users"][0]["password_hash"].startswith("$argon2id$")
    reread = CredentialStore(path)
    principal = reread.verify_password("ops", "correct horse")
    assert principal is not None
    assert principal.subject == "ops"
    assert principal.allows(Scope.READ)
    assert not principal.allows(Scope.ADMIN)
    assert reread.verify_password("ops", "wrong horse") is None
    assert reread.verify_password("nobody", "correct horse") is None


def test_store_refuses_short_passwords_and_empty_names(tmp_path: Path) -> None:
    store = CredentialStore(tmp_path / "c.json")
    with pytest.raises(ConfigError, match="password"):
        store.add_user("ops", "short")
    with pytest.raises(ConfigError, match="name"):
        store.add_user(" ", "long enough")


def test_api_tokens_are_stored_as_digests_and_revocable(tmp_path: Path) -> None:
    path = tmp_path / "c.json"
    store = CredentialStore(path)
    token, value = store.create_token("ci", (Scope.READ,))
    assert value.startswith("ont_")
    assert value.split("_", 2)[2] not in path.read_text()
    principal = CredentialStore(path).verify_token(value)
    assert principal is not None
    assert principal.subject == f"token:{token.id}"
    assert store.verify_token(value[:-1] + ("A" if value[-1] != "A" else "B")) is None
    assert store.revoke_token(token.id) is not None
    assert CredentialStore(path).verify_token(value) is None
    with pytest.raises(ConfigError, match="scope"):
        store.create_token("none", ())


def test_a_running_store_sees_tokens_and_users_changed_by_another(tmp_path: Path) -> None:
    path = tmp_path / "c.json"
    server, command_line = CredentialStore(path), CredentialStore(path)
    token, value = command_line.create_token("ci", (Scope.READ,))
    command_line.add_user("ops", "long enough")
    assert server.verify_token(value) is not None
    assert server.verify_password("ops", "long enough") is not None
    command_line.revoke_token(token.id)
    assert server.verify_token(value) is None


def test_unreadable_credentials_file_is_named(tmp_path: Path) -> None:
    path = tmp_path / "c.json"
    path.write_text("{not json")
    with pytest.raises(ConfigError, match=str(path)):
        CredentialStore(path)


def test_access_tokens_expire_and_refresh_tokens_are_spent_once() -> None:
    clock = FakeClock()
    sessions = SessionTokens(access_ttl_secs=60, refresh_ttl_secs=600, clock=clock)
    from nautilus_options.bridge.principal import Principal

    pair = sessions.issue(Principal("ops", frozenset({Scope.READ})))
    assert sessions.principal(pair.access) is not None
    assert sessions.principal(pair.refresh) is None  # a refresh token is no access token
    clock.now += 61
    assert sessions.principal(pair.access) is None
    fresh = sessions.refresh(pair.refresh)
    assert fresh is not None
    assert sessions.principal(fresh.access) is not None
    assert sessions.refresh(pair.refresh) is None  # spent
    assert sessions.revoke(fresh.access)
    assert sessions.principal(fresh.access) is None
    assert sessions.refresh(fresh.refresh) is None  # revoked with its pair


def test_lockout_after_repeated_failures_then_expires() -> None:
    clock = FakeClock()
    throttle = LoginThrottle(max_failures=3, window_secs=60, lock_secs=120, clock=clock)
    for _ in range(3):
        assert throttle.begin("user:ops") == 0
        throttle.end("user:ops", ok=False)
    assert throttle.begin("user:ops", "addr:x") == pytest.approx(120)
    clock.now += 121
    assert throttle.begin("user:ops") == 0
    throttle.end("user:ops", ok=True)


def test_attempts_in_flight_count_against_the_limit() -> None:
    throttle = LoginThrottle(max_failures=3, clock=FakeClock())
    keys = ("user:ops", "addr:x")
    assert [throttle.begin(*keys) for _ in range(4)] == [0, 0, 0, 1]
    for _ in range(3):
        throttle.end(*keys, ok=False)
    assert throttle.begin(*keys) > 1  # locked
    assert throttle.begin("user:other", "addr:x") == 0
    throttle.end("user:other", "addr:x", ok=True)
    assert throttle.begin("user:other", "addr:x") == 0  # a success frees its place


def test_idempotency_runs_once_per_key_even_concurrently() -> None:
    store = IdempotencyStore()
    calls: list[int] = []

    async def action() -> int:
        calls.append(1)
        await asyncio.sleep(0.01)
        return len(calls)

    async def scenario() -> list[tuple[int, bool]]:
        first = store.run("ops", "key-0001", {"lots": 1}, action)
        second = store.run("ops", "key-0001", {"lots": 1}, action)
        results = await asyncio.gather(first, second)
        with pytest.raises(IdempotencyConflictError):
            await store.run("ops", "key-0001", {"lots": 2}, action)
        other = await store.run("someone", "key-0001", {"lots": 1}, action)
        return [*results, other]

    results = asyncio.run(scenario())
    assert results == [(1, False), (1, True), (2, False)]
    assert len(calls) == 2


def test_unsafe_settings_are_named() -> None:
    from nautilus_options.bridge.settings import BridgeSettings

    safe = BridgeSettings(host="127.0.0.1")
    assert safe.unsafe(has_users=True) == []
    exposed = BridgeSettings(host="0.0.0.0", cors_origins=("*",))
    warnings = exposed.unsafe(has_users=False)
    assert len(warnings) == 3
    assert "no user" in warnings[0]
    assert "without TLS" in warnings[1]
    assert "every origin" in warnings[2]
    assert BridgeSettings(host="0.0.0.0", tls=True).unsafe(has_users=True) == []


def test_a_failed_run_is_not_remembered_and_runs_again_once() -> None:
    store = IdempotencyStore()
    calls: list[int] = []

    async def action() -> int:
        calls.append(1)
        await asyncio.sleep(0.01)
        if len(calls) == 1:
            raise RuntimeError("broker down")
        return len(calls)

    async def scenario() -> list[object]:
        runs = [store.run("ops", "key-0002", {}, action) for _ in range(3)]
        return await asyncio.gather(*runs, return_exceptions=True)

    first, second, third = asyncio.run(scenario())
    assert isinstance(first, RuntimeError)
    assert sorted([second, third]) == [(2, False), (2, True)]  # type: ignore[type-var]
    assert len(calls) == 2


def test_finished_submissions_survive_a_restart(tmp_path: Path) -> None:
    path = tmp_path / "state" / "submissions.jsonl"
    calls: list[int] = []

    async def action() -> dict[str, str]:
        calls.append(1)
        return {"spread_id": "S0001"}

    first = asyncio.run(IdempotencyStore(path).run("ops", "key-0003", {"lots": 1}, action))
    assert first == ({"spread_id": "S0001"}, False)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    restarted = IdempotencyStore(path)
    again = asyncio.run(restarted.run("ops", "key-0003", {"lots": 1}, action))
    assert again == ({"spread_id": "S0001"}, True)
    assert restarted.lookup("ops", "key-0003") == {"spread_id": "S0001"}
    with pytest.raises(IdempotencyConflictError):
        asyncio.run(restarted.run("ops", "key-0003", {"lots": 2}, action))
    assert len(calls) == 1
