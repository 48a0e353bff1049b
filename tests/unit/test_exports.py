"""Public names: every ``__all__`` is complete and exact, and nothing private leaks."""

from __future__ import annotations

import importlib
import pkgutil
from types import ModuleType

import pytest

import nautilus_options

#: The public API of DESIGN.md §3, importable from the package itself.
TOP_LEVEL = {
    "CapitalManager",
    "CapitalManagerConfig",
    "CapitalUpdated",
    "EntryManager",
    "ExitManager",
    "OptionsSpreadStrategy",
    "OptionsSpreadStrategyConfig",
    "SpreadMonitor",
    "SpreadMonitorConfig",
    "SpreadSnapshot",
}


def _packages() -> list[str]:
    """Every subpackage of nautilus_options (modules with submodules)."""
    names = ["nautilus_options"]
    for info in pkgutil.walk_packages(nautilus_options.__path__, "nautilus_options."):
        if info.ispkg:
            names.append(info.name)
    return sorted(names)


def _defined_here(module: ModuleType) -> set[str]:
    """Public names a package's ``__init__`` binds to objects defined inside the package."""
    return {
        name
        for name, value in vars(module).items()
        if not name.startswith("_")
        and not isinstance(value, ModuleType)
        and str(getattr(value, "__module__", "")).startswith(module.__name__)
    }


def test_the_package_exports_the_documented_api() -> None:
    assert set(nautilus_options.__all__) == TOP_LEVEL | {"__version__"}
    for name in TOP_LEVEL:
        value = getattr(nautilus_options, name)
        assert value.__name__ == name
        assert value.__module__.startswith("nautilus_options.")


@pytest.mark.parametrize("package", _packages())
def test_every_all_names_existing_public_objects(package: str) -> None:
    module = importlib.import_module(package)
    exported = getattr(module, "__all__", None)
    if exported is None:
        assert not _defined_here(module), f"{package} binds public names without __all__"
        return
    assert list(exported) == sorted(set(exported), key=exported.index), "duplicates"
    for name in exported:
        assert not name.startswith("_") or name == "__version__", f"{package} exports {name}"
        assert hasattr(module, name), f"{package}.__all__ names a missing {name}"
    if package != "nautilus_options":  # the root imports lazily; checked above
        assert _defined_here(module) <= set(exported), f"{package} binds names not in __all__"
