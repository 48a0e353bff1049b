"""``options-nt serve`` as a real process: a paper node on the in-process simulator with the
bridge, an admin user made with ``options-nt serve user add`` and an HTTP client."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from nautilus_options.environments.paper import DEMO_SETTINGS

#: Bound on every wait (a loaded 2-core CI machine).
TIMEOUT = 150.0
ADMIN_PASSWORD = "admin-pass-123"
#: The in-process simulator's state file in the fixture's folder (its orders after a stop).
SIMULATOR_STATE = "simulator.json"
_URL = re.compile(r"bridge at (?P<url>http://\S+/api/v1)")
_SIMULATOR = re.compile(r"on the simulator at (?P<url>http://\S+) ")


@dataclass
class BridgeNode:
    """The serving process, its folders, the simulator's URL and an admin client."""

    process: subprocess.Popen[bytes]
    out: Path
    state_dir: Path
    url: str
    simulator_url: str
    client: httpx.Client

    def token(self, scope: str) -> str:
        """A new API token with ``scope``, made by ``options-nt serve token create``."""
        return cli("token", "create", "--scope", scope, "--state-dir", str(self.state_dir))


def cli(*args: str, stdin: str | None = None) -> str:
    """Run ``options-nt serve ARGS``; return its stdout (stripped)."""
    done = subprocess.run(
        [sys.executable, "-m", "nautilus_options", "serve", *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return done.stdout.strip()


def wait_for(condition: Callable[[], Any], what: str, timeout: float = TIMEOUT) -> Any:
    """Poll ``condition`` until it returns a truthy value; fail naming ``what``."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        time.sleep(0.1)


@contextmanager
def bridge_node(
    root: Path,
    *,
    entry: Sequence[str] = ("-m", "nautilus_options"),
    extra_env: Mapping[str, str] | None = None,
    **strategy: Any,
) -> Iterator[BridgeNode]:
    """Serve a paper node (demo settings, fast timers); yield it; SIGINT it at the end.

    ``entry`` is what Python runs (the command line by default; a script taking the same
    arguments), with ``extra_env`` added to its environment.
    """
    run_file = root / "run.json"
    run_file.write_text(
        json.dumps(
            {
                **DEMO_SETTINGS,
                "strategy": {
                    **DEMO_SETTINGS["strategy"],
                    "exit_check_interval_secs": 1,
                    **strategy,
                },
                "monitor": {"interval_secs": 1.0},
                "node": {"strikes_each_side": 10, "kill_check_secs": 0.2},
                "paper": {"tick_interval": 0.2, "state_file": str(root / SIMULATOR_STATE)},
            }
        )
    )
    state_dir, out, results = root / "state", root / "out", root / "results"
    results.mkdir()
    cli(
        "user",
        "add",
        "admin",
        "--scope",
        "admin",
        "--password-stdin",
        "--state-dir",
        str(state_dir),
        stdin=f"{ADMIN_PASSWORD}\n",
    )
    log = root / "serve.log"
    env = {k: v for k, v in os.environ.items() if not k.startswith("KITE_")} | dict(extra_env or {})
    with log.open("wb") as handle:
        process = subprocess.Popen(
            [
                sys.executable,
                *entry,
                "serve",
                "--port",
                "0",
                "--config",
                str(run_file),
                "--out",
                str(out),
                "--state-dir",
                str(state_dir),
                "--results",
                str(results),
                "--paper",
            ],
            stdout=handle,
            stderr=subprocess.STDOUT,
            env=env,
        )
    try:

        def started() -> re.Match[str] | None:
            if process.poll() is not None:
                raise AssertionError(f"serve exited: {log.read_text()[-3000:]}")
            return _URL.search(log.read_text())

        url = wait_for(started, "the bridge to listen")["url"]
        simulator = _SIMULATOR.search(log.read_text())
        assert simulator is not None
        with httpx.Client(base_url=url, timeout=60) as client:
            login = client.post(
                "/auth/login", json={"username": "admin", "password": ADMIN_PASSWORD}
            )
            assert login.status_code == 200, login.text
            client.headers["Authorization"] = f"Bearer {login.json()['access_token']}"
            yield BridgeNode(process, out, state_dir, url, simulator["url"], client)
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGINT)
            try:
                process.wait(TIMEOUT)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
