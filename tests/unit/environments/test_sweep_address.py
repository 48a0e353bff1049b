"""``--address`` is checked with one TCP connect before Ray is asked to join it."""

from __future__ import annotations

import socket
import time
from pathlib import Path

import pytest

from nautilus_options.cli import main
from nautilus_options.environments.sweep import check_address
from nautilus_options.errors import ConfigError


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.mark.parametrize("scheme", ["", "ray://"])
def test_nothing_listening_fails_at_once_naming_the_option(scheme: str) -> None:
    address = f"{scheme}127.0.0.1:{_closed_port()}"
    started = time.monotonic()
    with pytest.raises(ConfigError, match=f"^--address: cannot reach {address}: "):
        check_address(address)
    assert time.monotonic() - started < 10


def test_an_unknown_host_and_a_malformed_address_fail_naming_the_option() -> None:
    with pytest.raises(ConfigError, match=r"^--address: cannot reach nosuchhost\.invalid:6379"):
        check_address("nosuchhost.invalid:6379", timeout=2.0)
    with pytest.raises(ConfigError, match=r"^--address: 'head' is not host:port"):
        check_address("head")


def test_a_listening_ray_client_address_passes() -> None:
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        check_address(f"ray://127.0.0.1:{server.getsockname()[1]}")


def test_the_command_notes_a_reversed_split_and_refuses_the_address_in_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "base.yaml").write_text("start: '2026-01-05'\n", encoding="utf-8")
    (tmp_path / "sweep.yaml").write_text(
        "base: base.yaml\nparameters: {strategy.lots: {values: [1]}}\nwalk_forward:\n"
        "  in_sample: {start: '2026-01-12', end: '2026-01-16'}\n"
        "  out_of_sample: {start: '2026-01-05', end: '2026-01-09'}\n",
        encoding="utf-8",
    )
    address = f"127.0.0.1:{_closed_port()}"
    config = str(tmp_path / "sweep.yaml")
    assert main(["sweep", "--config", config, "--address", address, "--json"]) == 2
    note, error = capsys.readouterr().err.splitlines()
    assert note.startswith("options-nt: note: walk_forward.out_of_sample (2026-01-05) is before")
    assert error.startswith(f"options-nt: error: --address: cannot reach {address}: ")
