"""The bridge app over no node, with a stream hub, for the client's tests (a real server).

Prints ``{"url": ..., "token": ...}`` (a read-scope API token) on stdout, then obeys one
command per stdin line and answers ``ok``:

* ``publish TOPIC COUNT``: publish COUNT events ``{"n": i}`` on TOPIC;
* ``quote INSTRUMENT BID``: publish a quote;
* ``restart EPOCH``: stop serving, and serve a new hub (epoch EPOCH) on the same port.

Run by ``test/bridge.ts`` with the repository's ``.venv``.
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

from nautilus_options.bridge.app import build_authenticator, create_app
from nautilus_options.bridge.principal import Scope
from nautilus_options.bridge.security.store import CREDENTIALS_FILE, CredentialStore
from nautilus_options.bridge.server import BridgeServer
from nautilus_options.bridge.settings import BridgeSettings
from nautilus_options.bridge.stream import EventHub


def serve(settings: BridgeSettings, epoch: str, port: int) -> tuple[EventHub, BridgeServer]:
    """A new hub of ``epoch`` served on ``port`` (0: any free one)."""
    hub = EventHub(epoch=epoch, heartbeat_s=0.2)
    hub.set_snapshot(lambda topics: {topic: {"epoch": epoch} for topic in topics})
    app = create_app(settings, authenticator=build_authenticator(settings), hub=hub)
    return hub, BridgeServer(app, port=port).start()


def main() -> None:
    """Serve until stdin closes."""
    with tempfile.TemporaryDirectory() as state_dir:
        settings = BridgeSettings(state_dir=Path(state_dir))
        _, token = CredentialStore(Path(state_dir) / CREDENTIALS_FILE).create_token(
            "client-tests", (Scope.READ,)
        )
        hub, server = serve(settings, "first", 0)
        print(json.dumps({"url": server.url, "token": token}), flush=True)
        for line in sys.stdin:
            command, *args = line.split()
            if command == "publish":
                for n in range(1, int(args[1]) + 1):
                    hub.publish(args[0], {"n": n})
            elif command == "quote":
                hub.publish("quotes", {"instrument_id": args[0], "bid": float(args[1])})
            elif command == "restart":
                port = server.port
                server.stop()
                hub, server = serve(settings, args[0], port)
            print("ok", flush=True)
        server.stop()


if __name__ == "__main__":
    main()
