"""Helpers shared by the loader tests: small input files and catalog snapshots."""

from __future__ import annotations

import hashlib
from pathlib import Path

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
