"""``--address`` is checked with one TCP connect before Ray is asked to join it."""

from __future__ import annotations

import socket
import time

import pytest

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
