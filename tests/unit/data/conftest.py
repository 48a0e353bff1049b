"""Fixtures for the loader tests."""

from __future__ import annotations

from pathlib import Path

import pytest
from loader_helpers import CE, PE, write_csv

from nautilus_options.data.catalog import import_files


@pytest.fixture
def catalog(tmp_path: Path) -> Path:
    """A catalog that already holds one day-earlier import of the CE, PE and NIFTY."""
    source = write_csv(
        tmp_path / "existing.csv",
        "timestamp,symbol,bid,ask,last",
        f"2026-01-02T09:15:00+05:30,{CE},90.05,90.50,",
        f"2026-01-02T09:15:00+05:30,{PE},80.00,80.50,",
        "2026-01-02T09:15:00+05:30,NIFTY,,,24300.05",
    )
    path = tmp_path / "catalog"
    import_files([source], "quotes", path)
    return path
