"""``options-nt sim --market kite`` takes the Kite credentials from the environment."""

from __future__ import annotations

import argparse
from typing import Any

import pytest

from nautilus_options.cli import sim as cli_sim
from nautilus_options.simulator import server
from nautilus_options.simulator.config import SimulatorConfig


def run(argv: list[str], monkeypatch: pytest.MonkeyPatch) -> SimulatorConfig:
    seen: list[SimulatorConfig] = []

    def fake_serve(config: SimulatorConfig, ready: Any) -> None:
        seen.append(config)

    monkeypatch.setattr(server, "serve", fake_serve)
    parser = argparse.ArgumentParser()
    cli_sim.register(parser.add_subparsers())
    args = parser.parse_args(["sim", "--json", *argv])
    assert args.handler(args) == 0
    return seen[0]


def test_kite_credentials_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KITE_API_KEY", "env-key")
    monkeypatch.setenv("KITE_ACCESS_TOKEN", "env-token")
    config = run(["--market", "kite"], monkeypatch)
    assert (config.kite_api_key, config.kite_access_token) == ("env-key", "env-token")


def test_flags_override_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KITE_API_KEY", "env-key")
    monkeypatch.setenv("KITE_ACCESS_TOKEN", "env-token")
    config = run(
        ["--market", "kite", "--kite-api-key", "k", "--kite-access-token", "t"], monkeypatch
    )
    assert (config.kite_api_key, config.kite_access_token) == ("k", "t")


def test_the_token_flag_is_marked_discouraged() -> None:
    parser = argparse.ArgumentParser()
    subparsers = parser.add_subparsers()
    cli_sim.register(subparsers)
    text = subparsers.choices["sim"].format_help()
    assert "discouraged" in text
    assert "KITE_ACCESS_TOKEN" in text
