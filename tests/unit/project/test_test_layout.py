"""Test modules have unique file names (pytest imports them by base name)."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

TESTS = Path(__file__).resolve().parents[2]


def test_test_module_names_are_unique() -> None:
    names = Counter(path.name for path in TESTS.rglob("*.py") if path.name != "conftest.py")
    clashes = sorted(name for name, count in names.items() if count > 1 and name != "__init__.py")
    assert clashes == [], f"test modules sharing a name: {clashes}"
