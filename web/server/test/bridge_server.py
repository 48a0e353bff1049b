"""The bridge app over no node, with a stream hub and one user, for the web server's tests.

Prints ``{"url": ..., "username": ..., "password": ...}`` on stdout (an admin user), then
obeys one command per stdin line and answers ``ok``:

* ``publish TOPIC COUNT``: publish COUNT events ``{"n": i}`` on TOPIC.

Run by ``test/stack.ts`` with the repository's ``.venv``.
"""

from __future__ import annotations

import json
import secrets
import sys
import tempfile
from pathlib import Path

from nautilus_options.bridge.app import build_authenticator, create_app
from nautilus_options.bridge.principal import Scope
from nautilus_options.bridge.security.store import CREDENTIALS_FILE, CredentialStore
from nautilus_options.bridge.server import BridgeServer
from nautilus_options.bridge.settings import BridgeSettings
from nautilus_options.bridge.stream import EventHub


def main() -> None:
    """Serve until stdin closes."""
    with tempfile.TemporaryDirectory() as state_dir:
        # The web server, as documented: the bridge trusts its X-Forwarded-For.
        settings = BridgeSettings(state_dir=Path(state_dir), trusted_proxies=("127.0.0.1",))
        password = secrets.token_urlsafe(12)
        CredentialStore(Path(state_dir) / CREDENTIALS_FILE).add_user(
            "trader", password, (Scope.ADMIN,)
        )
        hub = EventHub(epoch="web", heartbeat_s=0.2)
        hub.set_snapshot(lambda topics: {topic: {"epoch": "web"} for topic in topics})
        app = create_app(settings, authenticator=build_authenticator(settings), hub=hub)
        server = BridgeServer(app, port=0).start()
        print(
            json.dumps({"url": server.url, "username": "trader", "password": password}),
            flush=True,
        )
        for line in sys.stdin:
            command, *args = line.split()
            if command == "publish":
                for n in range(1, int(args[1]) + 1):
                    hub.publish(args[0], {"n": n})
            print("ok", flush=True)
        server.stop()


if __name__ == "__main__":
    main()
