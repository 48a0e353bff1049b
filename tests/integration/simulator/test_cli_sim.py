"""``options-nt sim --json``: one JSON object on stdout, a working server, Ctrl-C stops it."""

from __future__ import annotations

import json
import signal
import subprocess
import sys

from kiteconnect import KiteConnect


def test_sim_command_prints_json_serves_and_stops_on_ctrl_c() -> None:
    with subprocess.Popen(
        [
            sys.executable,
            "-m",
            "nautilus_options",
            "sim",
            "--json",
            "--port",
            "0",
            "--session",
            "always",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    ) as process:
        assert process.stdout is not None
        info = json.loads(process.stdout.readline())
        assert info["url"].startswith("http://127.0.0.1:")
        assert info["ws_url"].startswith("ws://")
        kite = KiteConnect(info["api_key"], root=info["url"])
        kite.generate_session("token", info["api_secret"])
        assert kite.profile()["user_id"] == info["user_id"]
        process.send_signal(signal.SIGINT)
        out, _ = process.communicate(timeout=30)
    assert process.returncode == 0
    assert out == ""  # exactly one JSON object on stdout
