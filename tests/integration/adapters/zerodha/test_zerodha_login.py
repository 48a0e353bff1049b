"""``options-nt kite login`` against the simulator: the token lands in a 0600 file, unprinted."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest

from nautilus_options.cli import main


def test_login_stores_the_token(
    sim_factory: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sim = sim_factory()
    redirect = httpx.get(f"{sim.url}/connect/login", params={"api_key": sim.api_key}).headers[
        "location"
    ]
    path = tmp_path / "token.json"
    code = main(
        [
            "kite",
            "login",
            "--rest-url",
            sim.url,
            "--login-url",
            f"{sim.url}/connect/login",
            "--token-file",
            str(path),
            "--request-token",
            redirect,
            "--json",
        ]
    )
    assert code == 0
    stored = path.read_text()
    token = __import__("json").loads(stored)["access_token"]
    assert path.stat().st_mode & 0o777 == 0o600
    out = capsys.readouterr()
    assert token not in out.out + out.err
    assert sim.api_secret not in out.out + out.err
    answer = httpx.get(
        f"{sim.url}/user/profile",
        headers={"Authorization": f"token {sim.api_key}:{token}", "X-Kite-Version": "3"},
    )
    assert answer.status_code == 200
