"""Helpers shared by the loader tests: small input files and catalog snapshots."""

from __future__ import annotations

import hashlib
from pathlib import Path

from nautilus_options.data.schemas import UDIFF_COLUMNS as UDIFF

CE = "NIFTY2611324400CE"
PE = "NIFTY2611324400PE"


def snapshot(root: Path) -> dict[str, str]:
    """Every path under ``root`` with the sha256 of its bytes ("dir" for directories)."""
    return {
        str(path.relative_to(root)): (
            "dir" if path.is_dir() else hashlib.sha256(path.read_bytes()).hexdigest()
        )
        for path in sorted(root.rglob("*"))
    }


def write_csv(path: Path, header: str, *rows: str) -> Path:
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return path


def bhavcopy_row(**values: object) -> dict[str, object]:
    """One UDiFF F&O bhavcopy row: a traded NIFTY option unless overridden."""
    row: dict[str, object] = dict.fromkeys(UDIFF, "")
    row.update(
        TradDt="2026-01-13",
        BizDt="2026-01-13",
        Sgmt="FO",
        Src="NSE",
        FinInstrmTp="IDO",
        TckrSymb="NIFTY",
        XpryDt="2026-01-13",
        StrkPric="24400.0",
        OptnTp="CE",
        OpnPric="100.00",
        HghPric="120.00",
        LwPric="90.00",
        ClsPric="110.00",
        UndrlygPric="24450.35",
        SttlmPric="50.35",
        OpnIntrst="1000",
        TtlTradgVol="650",
    )
    row.update(values)
    return row


def write_bhavcopy(path: Path, rows: list[dict[str, object]]) -> Path:
    lines = [",".join(UDIFF)] + [",".join(str(row[c]) for c in UDIFF) for row in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path
