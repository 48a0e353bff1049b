"""``options-nt serve --live`` rehearsed on the simulator: the live refusals and pre-flight
run first, then the bridge serves the node and names the environment ``live``."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from bridge_node import ADMIN_PASSWORD, cli, wait_for
from kite_session import sim_env, small_simulator

from nautilus_options.simulator import KiteSimulator

pytestmark = pytest.mark.slow

_URL = re.compile(r"bridge at (?P<url>http://\S+/api/v1)")


def test_serve_live_runs_preflight_then_serves_the_live_node(tmp_path: Path) -> None:
    with small_simulator(strikes_each_side=11) as simulator:
        _serve_live(simulator, tmp_path)


def _serve_live(simulator: KiteSimulator, tmp_path: Path) -> None:
    process: subprocess.Popen[bytes] | None = None
    try:
        token_file = tmp_path / "token.json"
        secrets = sim_env(simulator.url, simulator.api_key, simulator.api_secret, token_file)
        env = {**os.environ, **secrets}
        run_file = tmp_path / "run.json"
        run_file.write_text(
            json.dumps({"node": {"expiries": 1, "strikes_each_side": 10}, "log_level": "INFO"})
        )
        state = tmp_path / "state"
        cli("user", "add", "admin", "--scope", "admin", "--password-stdin",
            "--state-dir", str(state), stdin=f"{ADMIN_PASSWORD}\n")  # fmt: skip
        log = tmp_path / "serve.log"
        with log.open("wb") as handle:
            process = subprocess.Popen(
                [
                    sys.executable, "-m", "nautilus_options", "serve", "--live",
                    "--config", str(run_file), "--out", str(tmp_path / "out"),
                    "--rest-url", simulator.url, "--ticker-url", simulator.ws_url,
                    "--session", "always", "--confirm-live", "--max-lots", "1",
                    "--max-daily-loss", "5000", "--port", "0", "--state-dir", str(state),
                ],
                stdout=handle, stderr=subprocess.STDOUT, env=env,
            )  # fmt: skip

        def listening() -> re.Match[str] | None:
            assert process is not None
            if process.poll() is not None:
                raise AssertionError(log.read_text()[-3000:])
            return _URL.search(log.read_text())

        url = wait_for(listening, "the live bridge")["url"]
        text = log.read_text()
        assert "[ok] token valid" in text
        assert "LIVE on" in text
        with httpx.Client(base_url=url, timeout=60) as client:
            login = client.post(
                "/auth/login", json={"username": "admin", "password": ADMIN_PASSWORD}
            )
            headers = {"Authorization": f"Bearer {login.json()['access_token']}"}
            status = client.get("/status", headers=headers)
            assert status.headers["X-Options-NT-Environment"] == "live"
            assert status.json()["environment"] == "live"
            assert status.json()["trading_state"] == "ACTIVE"
        process.send_signal(signal.SIGINT)
        assert process.wait(120) == 0, log.read_text()[-3000:]
        assert "options-nt serve: stopped" in log.read_text()
    finally:
        if process is not None and process.poll() is None:
            process.kill()
            process.wait()
