"""``options-nt data generate`` writes a catalog and reports it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from nautilus_options.cli import main


def test_generate_rolls_a_holiday_start_forward_and_prints_json(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "catalog"
    code = main(
        ["data", "generate", "--start", "2026-01-26", "--days", "1", "--strikes", "1",
         "--expiries", "1", "--bar-minutes", "15", "--out", str(out), "--json"]
    )  # fmt: skip
    captured = capsys.readouterr()
    assert code == 0
    assert "2026-01-26 is not an NSE trading day; starting on 2026-01-27" in captured.err
    summary = json.loads(captured.out)
    assert summary["start"] == summary["end"] == "2026-01-27"
    assert summary["expiries"] == ["2026-01-27"]
    assert summary["option_instruments"] == 6
    assert summary["catalog_path"] == str(out)
    assert (out / "data").is_dir()


def test_generate_into_an_existing_catalog_is_a_clear_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "file").write_text("x")
    code = main(["data", "generate", "--days", "1", "--out", str(tmp_path), "--json"])
    assert code == 2
    assert "already exists and is not empty" in capsys.readouterr().err


def test_bad_date_is_rejected_by_the_parser(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["data", "generate", "--start", "5 Jan", "--out", "x"])
    assert "not a date" in capsys.readouterr().err


def test_data_without_a_command_prints_its_help(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["data"]) == 0
    assert "generate" in capsys.readouterr().out
