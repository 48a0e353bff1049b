"""Catalog paths the writers cannot use are one-line errors (exit 2), never tracebacks."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from nautilus_options.cli import main

CE = "NIFTY2611324400CE"
GENERATE = ["data", "generate", "--days", "1", "--strikes", "1", "--expiries", "1"]


def _quotes(folder: Path) -> Path:
    source = folder / "q.csv"
    source.write_text(f"timestamp,symbol,bid,ask\n2026-01-05T09:15:00+05:30,{CE},1.00,1.05\n")
    return source


def _error(capsys: pytest.CaptureFixture[str]) -> str:
    err = capsys.readouterr().err.strip()
    assert err.startswith("options-nt: error: ")
    assert "Traceback" not in err
    return err


def test_import_into_a_catalog_path_that_is_a_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "cat").write_text("not a catalog")
    source = _quotes(tmp_path)
    args = ["data", "import", "--format", "quotes", str(source)]
    assert main([*args, "--catalog", str(tmp_path / "cat")]) == 2
    assert f"catalog_path: {tmp_path / 'cat'} is a file, not a catalog directory" in _error(capsys)
    assert (tmp_path / "cat").read_text() == "not a catalog"


def test_import_below_a_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "file").write_text("x")
    source = _quotes(tmp_path)
    catalog = tmp_path / "file" / "cat"
    assert (
        main(["data", "import", "--format", "quotes", str(source), "--catalog", str(catalog)]) == 2
    )
    assert f"cannot create the folder {catalog.parent}" in _error(capsys)


def test_generate_out_pointing_at_a_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "out").write_text("x")
    assert main([*GENERATE, "--out", str(tmp_path / "out")]) == 2
    assert "is a file, not a catalog directory" in _error(capsys)


@pytest.mark.parametrize("seed", ["-1", str(2**128)])
def test_generate_refuses_a_seed_numpy_cannot_take(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], seed: str
) -> None:
    assert main([*GENERATE, "--seed", seed, "--out", str(tmp_path / "out")]) == 2
    assert f"seed: must lie in 0 to 2**128 - 1, got {seed}" in _error(capsys)
    assert not (tmp_path / "out").exists()


@pytest.fixture
def read_only(tmp_path: Path) -> Iterator[Path]:
    """A folder nobody may write into (immutable for root, which ignores permissions)."""
    folder = tmp_path / "ro"
    folder.mkdir()
    if os.geteuid() == 0:
        chattr = shutil.which("chattr")
        if chattr is None or subprocess.run([chattr, "+i", folder], check=False).returncode:
            pytest.skip("running as root without chattr: cannot make a folder read-only")
        undo = [chattr, "-i", str(folder)]
    else:
        folder.chmod(0o555)
        undo = ["chmod", "755", str(folder)]
    try:
        yield folder
    finally:
        subprocess.run(undo, check=True)


@pytest.mark.parametrize("command", ["import", "generate"])
def test_a_catalog_whose_folder_is_not_writable(
    tmp_path: Path, read_only: Path, capsys: pytest.CaptureFixture[str], command: str
) -> None:
    catalog = read_only / "cat"
    if command == "import":
        args = ["data", "import", "--format", "quotes", str(_quotes(tmp_path))]
        args += ["--catalog", str(catalog)]
    else:
        args = [*GENERATE, "--out", str(catalog)]
    assert main(args) == 2
    assert _error(capsys) == (
        f"options-nt: error: catalog_path: the folder {read_only} is not writable "
        "(writers keep their lock, journal and staging files beside the catalog)"
    )
    assert list(read_only.iterdir()) == []
