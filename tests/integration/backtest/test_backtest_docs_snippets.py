"""The Python examples of the backtest guide and the README run as written.

Each document's ``python`` blocks run in order in one namespace, in a folder holding
``catalog``, a small generated synthetic market (what the documents' ``catalog`` stands for).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from nautilus_trader.backtest.config import BacktestRunConfig
from nautilus_trader.backtest.node import BacktestNode
from nautilus_trader.common.config import ActorFactory
from nautilus_trader.trading.config import StrategyFactory

from nautilus_options.data.synthetic import SyntheticMarketConfig, generate_market

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[3]
_BLOCK = re.compile(r"^```python\n(.*?)^```", re.DOTALL | re.MULTILINE)


def python_blocks(document: Path) -> list[str]:
    """The ``python`` code blocks of a Markdown document, in order."""
    return _BLOCK.findall(document.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    folder = tmp_path_factory.mktemp("docs")
    generate_market(
        SyntheticMarketConfig(days=3, strikes_each_side=12, expiries=2), folder / "catalog"
    )
    previous = Path.cwd()
    os.chdir(folder)
    yield folder
    os.chdir(previous)


def run_blocks(document: Path) -> dict[str, Any]:
    namespace: dict[str, Any] = {"__name__": "__doc_example__"}
    blocks = python_blocks(document)
    assert blocks, document
    for number, block in enumerate(blocks, start=1):
        exec(compile(block, f"{document.name}[python block {number}]", "exec"), namespace)
    return namespace


def test_backtest_guide_examples_run(workdir: Path) -> None:
    namespace = run_blocks(ROOT / "docs" / "guide" / "backtest.md")
    outcome = namespace["outcome"]
    assert outcome.files["report"].is_file()
    assert (workdir / outcome.out_dir / "spreads.csv").is_file()
    # The last example writes a run config from scratch: it must run in a node too.
    run = namespace["run"]
    assert isinstance(run, BacktestRunConfig)
    node = BacktestNode(configs=[run])
    node.run()
    engine = node.get_engine(run.id)
    assert engine is not None
    assert {type(actor).__name__ for actor in engine.trader.actors()} == {
        "RunRecorder",
        "CapitalManager",
        "SpreadMonitor",
    }
    node.dispose()


def test_readme_examples_run(workdir: Path) -> None:
    namespace = run_blocks(ROOT / "README.md")
    assert namespace["outcome"].files["report"].is_file()
    assert type(ActorFactory.create(namespace["capital"])).__name__ == "CapitalManager"
    strategy = StrategyFactory.create(namespace["strategy"])
    assert type(strategy).__name__ == "OptionsSpreadStrategy"
