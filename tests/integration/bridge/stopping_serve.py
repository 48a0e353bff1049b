"""``python stopping_serve.py serve ...``: ``options-nt serve`` whose node shuts itself down as
Nautilus does after an error in a component (a ``ShutdownSystem`` from the bridge actor) once
the file named by :data:`STOP_FILE_ENV` exists."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

from nautilus_options.bridge.actor import BridgeActor
from nautilus_options.cli import main
from nautilus_options.environments.serve import BridgeRun
from nautilus_options.environments.session import NodeSession

#: The environment variable naming the file whose creation stops the node.
STOP_FILE_ENV = "OPTIONS_NT_TEST_STOP_FILE"
_attach = BridgeRun.attach


def _attach_and_watch(self: BridgeRun, session: NodeSession) -> None:
    _attach(self, session)
    trigger = Path(os.environ[STOP_FILE_ENV])
    actor = next(a for a in session.running_node.trader.actors() if isinstance(a, BridgeActor))
    loop = asyncio.get_running_loop()

    def watch() -> None:
        if trigger.exists():
            actor.shutdown_system("an error in a component (test)")
        else:
            loop.call_later(0.1, watch)

    watch()


if __name__ == "__main__":
    BridgeRun.attach = _attach_and_watch  # type: ignore[method-assign]
    raise SystemExit(main())
