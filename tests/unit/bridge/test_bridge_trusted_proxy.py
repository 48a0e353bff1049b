"""The client address behind a trusted proxy, over real HTTP: the per-address lockout and the
audit log see the forwarded address from a configured proxy only, and a locked-out login
says how long to wait."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import httpx
import pytest
from bridge_http import PASSWORD, served
from starlette.requests import Request

from nautilus_options.bridge.audit import AUDIT_FILE
from nautilus_options.bridge.client_address import client_address, trusted_proxies
from nautilus_options.bridge.principal import Scope
from nautilus_options.bridge.settings import BridgeSettings
from nautilus_options.cli.serve import _bridge_settings, register
from nautilus_options.errors import ConfigError


def _fail_logins(client: httpx.Client, forwarded_for: str, count: int) -> list[int]:
    """Failed logins, each under another name (the name lockout stays out of the way)."""
    return [
        client.post(
            "/auth/login",
            json={"username": f"guess-{forwarded_for}-{n}", "password": "wrong-password"},
            headers={"X-Forwarded-For": forwarded_for},
        ).status_code
        for n in range(count)
    ]


def _login(client: httpx.Client, forwarded_for: str) -> httpx.Response:
    return client.post(
        "/auth/login",
        json={"username": "trader", "password": PASSWORD},
        headers={"X-Forwarded-For": forwarded_for},
    )


def test_a_trusted_proxys_forwarded_address_is_locked_out_alone(tmp_path: Path) -> None:
    settings = BridgeSettings(
        state_dir=tmp_path, max_login_failures=1, trusted_proxies=("127.0.0.1",)
    )
    with served(settings, {"trader": Scope.TRADE}) as client:
        # One failure locks a name, ADDRESS_FACTOR (4) failures an address.
        assert _fail_logins(client, "203.0.113.7", 5) == [401, 401, 401, 401, 429]
        locked = _login(client, "203.0.113.7")
        assert locked.status_code == 429
        wait = int(locked.headers["Retry-After"])
        assert 0 < wait <= 301
        assert locked.json()["detail"] == f"too many failed logins; try again in {wait} s"
        # Another browser behind the same proxy still logs in.
        assert _login(client, "198.51.100.2").status_code == 200
    records = [json.loads(line) for line in (tmp_path / AUDIT_FILE).read_text().splitlines()]
    clients = {r["client"] for r in records if r["action"] == "POST /api/v1/auth/login"}
    assert clients == {"203.0.113.7", "198.51.100.2"}


def test_forwarded_for_from_an_untrusted_peer_is_ignored(tmp_path: Path) -> None:
    settings = BridgeSettings(state_dir=tmp_path, max_login_failures=1)
    with served(settings, {"trader": Scope.TRADE}) as client:
        # A forged header changes nothing: the failures count against the peer itself.
        for n in range(4):
            assert _fail_logins(client, f"203.0.113.{n}", 1) == [401], n
        assert _login(client, "198.51.100.2").status_code == 429


def test_only_the_nearest_untrusted_hop_counts() -> None:
    def address(peer: str, forwarded: str, trusted: tuple[str, ...]) -> str:
        scope = {
            "type": "http",
            "client": (peer, 50000),
            "headers": [(b"x-forwarded-for", forwarded.encode())] if forwarded else [],
        }
        return client_address(Request(scope), trusted)

    trusted = ("127.0.0.1", "10.0.0.5")
    # A browser's own X-Forwarded-For stays to the left of what the proxies add.
    assert address("127.0.0.1", "6.6.6.6, 203.0.113.7, 10.0.0.5", trusted) == "203.0.113.7"
    assert address("127.0.0.1", "", trusted) == "127.0.0.1"
    assert address("192.0.2.1", "203.0.113.7", trusted) == "192.0.2.1"
    assert trusted_proxies([" 127.0.0.1", "::1"]) == ("127.0.0.1", "::1")
    with pytest.raises(ConfigError, match=r"^--trusted-proxy: 'localhost' is not an IP"):
        trusted_proxies(["localhost"])


def test_serve_takes_trusted_proxies(tmp_path: Path) -> None:
    parser = argparse.ArgumentParser()
    register(parser.add_subparsers())
    args = parser.parse_args(
        ["serve", "--state-dir", str(tmp_path), "--trusted-proxy", "127.0.0.1"]
    )
    assert _bridge_settings(args, "paper").trusted_proxies == ("127.0.0.1",)
    assert _bridge_settings(parser.parse_args(["serve"]), "paper").trusted_proxies == ()
