"""Shared pytest configuration for the options-nt test suite.

Hypothesis profiles (``HYPOTHESIS_PROFILE`` selects one; ``CI`` set means ``ci``):

* ``ci``: bounded for a small shared machine, and *random*: every run explores new inputs.
  A failure prints the ``@reproduce_failure`` blob and the seed to rerun it with
  ``pytest --hypothesis-seed=<seed>``.
* ``dev``: the default locally, the same bounds.
* ``deep``: 2,000 examples a test, for an occasional thorough exploration.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Verbosity, settings

_SHARED = {
    "deadline": None,
    "print_blob": True,
    "suppress_health_check": [HealthCheck.too_slow],
}
settings.register_profile("ci", max_examples=150, verbosity=Verbosity.normal, **_SHARED)
settings.register_profile("dev", max_examples=100, **_SHARED)
settings.register_profile("deep", max_examples=2_000, **_SHARED)
settings.load_profile(
    os.environ.get("HYPOTHESIS_PROFILE") or ("ci" if os.environ.get("CI") else "dev")
)


def pytest_ignore_collect(collection_path: Path, config: pytest.Config) -> bool | None:
    """Never collect a ``conftest.py`` as a doctest module.

    ``--doctest-modules`` (for the doctests in ``src``) would otherwise import each test
    folder's ``conftest.py`` a second time under the same module name.
    """
    del config
    return True if collection_path.name == "conftest.py" else None


def pytest_configure(config: pytest.Config) -> None:
    """Keep paper and live state folders (``$XDG_STATE_HOME``) out of the home folder."""
    del config
    os.environ["XDG_STATE_HOME"] = tempfile.mkdtemp(prefix="options-nt-state-")


def pytest_unconfigure(config: pytest.Config) -> None:
    """Remove the state folder of :func:`pytest_configure`."""
    del config
    shutil.rmtree(os.environ["XDG_STATE_HOME"], ignore_errors=True)
