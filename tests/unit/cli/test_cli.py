"""The command line entry points answer ``--version`` and ``--help``."""

from __future__ import annotations

import json
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from nautilus_options import __version__
from nautilus_options.cli import main


def test_version_flag_prints_package_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["--version"])
    assert exc.value.code == 0
    assert capsys.readouterr().out.strip() == f"options-nt {__version__}"


def test_module_entry_point_matches_console_script() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "nautilus_options", "--version"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.strip() == f"options-nt {__version__}"


def test_installed_version_is_the_project_version() -> None:
    # A stale install (pyproject bumped, package not reinstalled) reports an old version.
    project = tomllib.loads((Path(__file__).parents[3] / "pyproject.toml").read_text())
    assert __version__ == project["project"]["version"]


def test_package_and_command_line_start_without_loading_nautilus() -> None:
    code = (
        "import sys, nautilus_options\n"
        "from nautilus_options.cli import build_parser\n"
        "build_parser()\n"
        "assert 'nautilus_trader' not in sys.modules, 'nautilus_trader imported at start-up'\n"
        "from nautilus_options import CapitalManager\n"
        "assert CapitalManager.__module__ == 'nautilus_options.capital.manager'\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_paper_and_live_refuse_to_start_while_the_kill_file_exists(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    kill_file = tmp_path / "KILL"
    kill_file.touch()
    assert main(["paper", "--kill-file", str(kill_file), "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [
        f"options-nt: error: node.kill_file: {kill_file} exists: the kill switch fired "
        "before; remove the file to start"
    ]
    assert not (tmp_path / "out").exists()


def test_paper_and_live_apply_the_command_line_over_the_run_file(tmp_path: Path) -> None:
    from nautilus_options.cli import build_parser
    from nautilus_options.cli.live import _settings as live_settings
    from nautilus_options.cli.paper import _settings as paper_settings

    run_file = tmp_path / "run.yaml"
    run_file.write_text(
        "node: {on_stop: flatten, max_lots: 4}\n"
        "paper: {url: 'http://127.0.0.1:1', seed: 11}\n"
        "live: {session: always}\n"
    )
    parser = build_parser()
    paper = paper_settings(
        parser.parse_args(["paper", "--config", str(run_file), "--max-daily-loss", "900", "--kite"])
    )
    assert (paper.node.on_stop, paper.node.max_lots, paper.node.max_daily_loss) == (
        "flatten",
        4,
        900.0,
    )
    assert (paper.paper.url, paper.paper.seed, paper.paper.market) == (
        "http://127.0.0.1:1",
        11,
        "kite",
    )
    live = live_settings(
        parser.parse_args(
            ["live", "--config", str(run_file), "--session", "nse", "--max-lots", "2"]
        )
    )
    assert (live.live.session, live.node.max_lots, live.node.on_stop) == ("nse", 2, "flatten")


@pytest.mark.parametrize(
    ("killed", "unexpected", "status", "said"),
    [
        (None, False, 0, "options-nt paper: stopped; 2 closed spreads"),
        ("SIGUSR1", False, 3, "options-nt paper: KILLED (SIGUSR1)"),
        (None, True, 4, "options-nt paper: the node stopped unexpectedly: see "),
    ],
)
def test_a_session_ends_with_a_status_saying_how_it_ended(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    killed: str | None,
    unexpected: bool,
    status: int,
    said: str,
) -> None:
    from nautilus_options.cli.node import report_outcome
    from nautilus_options.environments.session import SessionOutcome

    files = {"report": tmp_path / "report.html", "log": tmp_path / "nautilus.log"}
    summary = {"trades": 2, "pnl_total": 10.0, "killed": killed}
    outcome = SessionOutcome(summary, tmp_path, files, stopped_unexpectedly=unexpected)
    assert report_outcome("options-nt paper", outcome, as_json=False) == status
    assert capsys.readouterr().out.splitlines()[0].startswith(said)
    assert report_outcome("options-nt paper", outcome, as_json=True) == status
    captured = capsys.readouterr()
    assert json.loads(captured.out)["summary"] == summary
    assert ("stopped unexpectedly" in captured.err) is unexpected


@pytest.mark.parametrize("command", ["paper", "serve"])
def test_a_refused_json_start_prints_one_json_error_on_stdout(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], command: str
) -> None:
    # (live is refused for its credentials first, see tests/integration/live)
    kill_file = tmp_path / "KILL"
    kill_file.touch()
    args = [command, "--kill-file", str(kill_file), "--out", str(tmp_path / "out"), "--json"]
    assert main(args) == 2
    captured = capsys.readouterr()
    assert json.loads(captured.out) == {
        "error": {
            "field": "node.kill_file",
            "message": f"{kill_file} exists: the kill switch fired before; remove the file "
            "to start",
        }
    }
    assert captured.err.startswith("options-nt: error: node.kill_file: ")
