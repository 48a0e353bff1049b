"""``options-nt data import`` end to end: exit codes, JSON report, summary tables."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from nautilus_trader.persistence.catalog.parquet import ParquetDataCatalog

from nautilus_options.cli import main

CE = "NIFTY2611324400CE"


def _write(path: Path, *rows: str) -> Path:
    path.write_text("\n".join(["timestamp,symbol,bid,ask", *rows]) + "\n")
    return path


def test_import_json_report(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = _write(tmp_path / "q.csv", f"2026-01-05T09:15:00+05:30,{CE},100.05,100.50")
    code = main(
        [
            "data",
            "import",
            "--format",
            "quotes",
            str(source),
            "--catalog",
            str(tmp_path / "cat"),
            "--json",
        ]
    )
    assert code == 0
    report = json.loads(capsys.readouterr().out)
    assert report["rows_read"] == 1
    assert report["rows_written"] == 1
    assert {"instrument_id": f"{CE}.NFO", "data": "quote_tick", "rows": 1} in report["written"]
    assert len(ParquetDataCatalog(str(tmp_path / "cat")).quote_ticks()) == 1


def test_import_tables_and_skipped_rows(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = _write(
        tmp_path / "q.csv",
        f"2026-01-05T09:15:00+05:30,{CE},100.05,100.50",
        f"2026-01-05T09:16:00+05:30,{CE},101.05,100.50",
    )
    code = main(
        [
            "data",
            "import",
            "--format",
            "quotes",
            str(source),
            "--catalog",
            str(tmp_path / "cat"),
            "--skip-bad-rows",
        ]
    )
    assert code == 0
    out = capsys.readouterr().out
    assert f"{CE}.NFO" in out
    assert "crossed quote" in out
    assert "2 rows read, 1 written, 1 skipped" in out


def test_bad_input_exits_2_and_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = _write(tmp_path / "q.csv", f"2026-01-05T09:15:00,{CE},100.05,100.50")
    code = main(
        ["data", "import", "--format", "quotes", str(source), "--catalog", str(tmp_path / "cat")]
    )
    assert code == 2
    err = capsys.readouterr().err
    assert f"{source}, row 1, column 'timestamp': naive timestamp" in err
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
