"""A bridge app with no node served over loopback, with users, and logins to it."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager

import httpx

from nautilus_options.bridge.app import create_app
from nautilus_options.bridge.principal import Scope
from nautilus_options.bridge.server import BridgeServer
from nautilus_options.bridge.settings import BridgeSettings

PASSWORD = "s3cret-pass"


@contextmanager
def served(settings: BridgeSettings, users: Mapping[str, Scope]) -> Iterator[httpx.Client]:
    """A client of ``/api/v1`` on a server of ``settings``; ``users`` have :data:`PASSWORD`."""
    app = create_app(settings)
    for name, scope in users.items():
        app.state.bridge.auth.store.add_user(name, PASSWORD, (scope,))
    server = BridgeServer(app, port=0).start()
    try:
        with httpx.Client(base_url=f"{server.url}/api/v1", timeout=30) as http:
            yield http
    finally:
        server.stop()


def login(client: httpx.Client, user: str) -> dict[str, str]:
    """The bearer header of a fresh login of ``user``."""
    response = client.post("/auth/login", json={"username": user, "password": PASSWORD})
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}
