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
        "  in_sample: {start: '2026-01-19', end: '2026-01-23'}\n"
        "  out_of_sample: {start: '2026-01-05', end: '2026-01-09'}\n",
        encoding="utf-8",
    )
    address = f"127.0.0.1:{_closed_port()}"
    config = str(tmp_path / "sweep.yaml")
    assert main(["sweep", "--config", config, "--address", address, "--json"]) == 2
    note, error = capsys.readouterr().err.splitlines()
    assert note.startswith("options-nt: note: walk_forward.out_of_sample (2026-01-05) is before")
    assert error.startswith(f"options-nt: error: --address: cannot reach {address}: ")


_SWEEPS = {
    "an off-grid wing": (
        "parameters: {strategy.wing_width: {values: [130]}}\n",
        "parameters.strategy.wing_width: 130 is not a multiple of the NIFTY strike step",
    ),
    "a bad strike value": (
        "parameters: {strategy.strike_value: {values: [7]}}\n",
        "parameters.strategy.strike_value: a target delta must be in (0, 1)",
    ),
    "another underlying": (
        "parameters: {strategy.underlying: {values: [BANKNIFTY]}}\n",
        "parameters.strategy.underlying: BANKNIFTY differs from the run's underlying",
    ),
    "a period without data": (
        "parameters: {strategy.lots: {values: [1]}}\nwalk_forward:\n"
        "  in_sample: {start: '2027-01-04', end: '2027-01-08'}\n"
        "  out_of_sample: {start: '2027-02-01', end: '2027-02-05'}\n",
        "walk_forward.in_sample.start: the catalog holds no data for the period",
    ),
}


@pytest.mark.parametrize("case", list(_SWEEPS))
def test_an_error_of_the_files_is_reported_before_the_address(
    case: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    body, expected = _SWEEPS[case]
    (tmp_path / "base.yaml").write_text(
        "start: '2026-01-05'\nend: '2026-01-09'\n", encoding="utf-8"
    )
    (tmp_path / "sweep.yaml").write_text(f"base: base.yaml\n{body}", encoding="utf-8")
    config = str(tmp_path / "sweep.yaml")
    address = f"127.0.0.1:{_closed_port()}"
    assert main(["sweep", "--config", config, "--address", address, "--json"]) == 2
    error = capsys.readouterr().err.splitlines()[-1]
    assert error.startswith(f"options-nt: error: {expected}")


def test_the_notes_on_the_periods_come_before_the_address_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "base.yaml").write_text("start: '2026-01-05'\n", encoding="utf-8")
    (tmp_path / "sweep.yaml").write_text(
        "base: base.yaml\nparameters: {strategy.lots: {values: [1]}}\nwalk_forward:\n"
        "  in_sample: {start: '2026-01-03', end: '2026-01-06'}\n"
        "  out_of_sample: {start: '2026-01-19', end: '2026-01-23'}\n",
        encoding="utf-8",
    )
    address = f"127.0.0.1:{_closed_port()}"
    config = str(tmp_path / "sweep.yaml")
    assert main(["sweep", "--config", config, "--address", address, "--json"]) == 2
    *notes, error = capsys.readouterr().err.splitlines()
    assert notes == [
        "options-nt: note: walk_forward.in_sample: the run covers 2026-01-05 to 2026-01-06: the "
        "days from 2026-01-03 to 2026-01-06 with index data in the catalog",
        "options-nt: note: walk_forward.in_sample: the run covers only 2 trading day(s): its "
        "sharpe, annualised from so few daily returns, means little (give 5 or more)",
    ]
    assert error.startswith(f"options-nt: error: --address: cannot reach {address}: ")
