"""``options-nt data import`` end to end: exit codes, JSON report, summary tables."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from nautilus_trader.persistence.catalog.parquet import ParquetDataCatalog

from nautilus_options.cli import main

CE = "NIFTY2611324400CE"
T0, T1 = "2026-01-05T09:15:00+05:30", "2026-01-05T09:16:00+05:30"


def _import(tmp_path: Path, *rows: str, options: tuple[str, ...] = ()) -> tuple[int, Path]:
    """Write ``rows`` as a quotes CSV and import it into ``tmp_path/cat``; return the exit code."""
    source = tmp_path / "q.csv"
    source.write_text("\n".join(["timestamp,symbol,bid,ask", *rows]) + "\n")
    args = ["data", "import", "--format", "quotes", str(source), "--catalog"]
    return main([*args, str(tmp_path / "cat"), *options]), source


def test_import_json_report(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _ = _import(tmp_path, f"{T0},{CE},100.05,100.50", options=("--json",))
    assert code == 0
    report = json.loads(capsys.readouterr().out)
    assert report["rows_read"] == 1
    assert report["rows_written"] == 1
    assert {"instrument_id": f"{CE}.NFO", "data": "quote_tick", "rows": 1} in report["written"]
    assert len(ParquetDataCatalog(str(tmp_path / "cat")).quote_ticks()) == 1


def test_import_tables_and_skipped_rows(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rows = (f"{T0},{CE},100.05,100.50", f"{T1},{CE},101.05,100.50")
    code, _ = _import(tmp_path, *rows, options=("--skip-bad-rows",))
    assert code == 0
    captured = capsys.readouterr()
    assert f"{CE}.NFO" in captured.out
    assert "crossed quote" in captured.out
    assert "2 rows read, 1 written, 1 skipped" in captured.out
    assert "importing" not in captured.err  # the progress bar is gone once done


def test_every_row_skipped_exits_0_and_reports_why(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = (f"{T0},{CE},101.05,100.50", f"{T1},FOO,1,2")
    code, _ = _import(tmp_path, *rows, options=("--skip-bad-rows",))
    assert code == 0
    out = capsys.readouterr().out
    assert "Imported into" not in out  # no empty table
    assert "crossed quote" in out
    assert "unknown instrument 'FOO'" in out
    assert "2 rows read, 0 written, 2 skipped" in out


def test_bad_input_exits_2_and_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, source = _import(tmp_path, f"2026-01-05T09:15:00,{CE},100.05,100.50")
    assert code == 2
    err = capsys.readouterr().err
    assert err.strip() == (
        f"options-nt: error: {source}, row 1, column 'timestamp': naive timestamp (no UTC offset)"
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == ["q.csv"]


def test_bhavcopy_underlying_option(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from nautilus_options.data.schemas import UDIFF_COLUMNS

    row = dict.fromkeys(UDIFF_COLUMNS, "")
    row.update(
        TradDt="2026-01-12",
        Sgmt="FO",
        FinInstrmTp="IDO",
        TckrSymb="BANKNIFTY",
        XpryDt="2026-01-27",
        StrkPric="58000",
        OptnTp="CE",
        OpnPric="100",
        HghPric="110",
        LwPric="90",
        ClsPric="105",
        UndrlygPric="58100.25",
        SttlmPric="105",
        TtlTradgVol="30",
    )
    source = tmp_path / "bhav.csv"
    source.write_text(",".join(UDIFF_COLUMNS) + "\n" + ",".join(row.values()) + "\n")
    args = ["data", "import", "--format", "bhavcopy", str(source), "--json"]
    assert main([*args, "--catalog", str(tmp_path / "nifty"), "--underlying", "NIFTY"]) == 0
    assert json.loads(capsys.readouterr().out)["rows_written"] == 0
    assert main([*args, "--catalog", str(tmp_path / "bank"), "--underlying", "BANKNIFTY"]) == 0
    written = json.loads(capsys.readouterr().out)["written"]
    assert {"instrument_id": "BANKNIFTY26JAN58000CE.NFO", "data": "bar", "rows": 1} in written
