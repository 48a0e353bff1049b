"""The example notebooks run top to bottom in a kernel of this interpreter and stay clean."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import nbformat
import pytest
from ipykernel.kernelspec import write_kernel_spec
from jupyter_client.kernelspec import KernelSpecManager
from jupyter_client.manager import KernelManager
from nbclient import NotebookClient

NOTEBOOKS = Path(__file__).resolve().parents[3] / "examples" / "notebooks"
WALKTHROUGH = NOTEBOOKS / "strategy_walkthrough.ipynb"
SWEEP = NOTEBOOKS / "sweep_walkthrough.ipynb"
KERNEL = "options-nt-tests"
_LAUNCH = ("-m", "ipykernel_launcher", "-f", "{connection_file}")

pytestmark = pytest.mark.slow


def _execute(path: Path, workdir: Path) -> nbformat.NotebookNode:
    """Run ``path`` in ``workdir`` with a kernel of ``sys.executable`` (whatever is installed)."""
    kernels = workdir / "kernels"
    write_kernel_spec(kernels / KERNEL, overrides={"argv": [sys.executable, *_LAUNCH]})
    manager = KernelManager(
        kernel_name=KERNEL, kernel_spec_manager=KernelSpecManager(kernel_dirs=[str(kernels)])
    )
    notebook = nbformat.read(path, as_version=4)
    client = NotebookClient(
        notebook, km=manager, timeout=120, resources={"metadata": {"path": str(workdir)}}
    )
    client.execute()
    return notebook


def _stdout(cell: nbformat.NotebookNode) -> str:
    return "".join(o["text"] for o in cell.outputs if o.get("name") == "stdout")


@pytest.mark.parametrize("path", sorted(NOTEBOOKS.glob("*.ipynb")), ids=lambda p: p.name)
def test_committed_notebooks_carry_no_outputs(path: Path) -> None:
    notebook = nbformat.read(path, as_version=4)

    nbformat.validate(notebook)
    code = [cell for cell in notebook.cells if cell.cell_type == "code"]
    assert code
    assert all(not cell.outputs and cell.execution_count is None for cell in code)


def test_strategy_walkthrough_runs_and_checks_its_figures(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MPLBACKEND", "Agg")
    monkeypatch.setenv("TMPDIR", str(tmp_path))  # the notebook's scratch folder

    notebook = _execute(WALKTHROUGH, tmp_path)

    code = [cell for cell in notebook.cells if cell.cell_type == "code"]
    assert not [o for cell in code for o in cell.outputs if o["output_type"] == "error"]
    assert "['Mon 12', 'Tue 13', 'Wed 14', 'Fri 16']" in _stdout(code[1])
    assert "lot 65 units, strike step 50" in _stdout(code[1])
    assert "Kite tradingsymbol: NIFTY2611326000CE" in _stdout(code[1])
    checks = json.loads(_stdout(code[-1]))
    assert checks["lot_size"] == 65
    assert 0.05 < checks["atm_vol"] < 0.5
    assert [(right, ratio) for _, right, ratio in checks["legs"]] == [
        ("PE", 1),
        ("PE", -1),
        ("CE", -1),
        ("CE", 1),
    ]
    low, _, _, high = (strike for strike, _, _ in checks["legs"])
    assert low < checks["breakevens"][0] < checks["breakevens"][1] < high
    assert 0 < checks["credit"] < 100
    assert checks["charges"] > 0
    assert checks["trades"] >= 1
    # The backtest wrote its tables to the scratch folder, and they agree with the figures.
    (summary,) = tmp_path.glob("options-nt-walkthrough-*/backtest/summary.json")
    assert json.loads(summary.read_text())["ending_capital"] == checks["ending_capital"]


@pytest.mark.timeout(300)
def test_sweep_walkthrough_runs_a_grid_on_ray_and_shows_the_heat_map(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TMPDIR", str(tmp_path))  # the notebook's scratch folder
    monkeypatch.setenv("RAY_TMPDIR", "/tmp")  # Ray's sockets: the pytest path is too long
    monkeypatch.setenv("RAY_USAGE_STATS_ENABLED", "0")

    notebook = _execute(SWEEP, tmp_path)

    code = [cell for cell in notebook.cells if cell.cell_type == "code"]
    assert not [o for cell in code for o in cell.outputs if o["output_type"] == "error"]
    best = json.loads(_stdout(code[1]))
    assert set(best["params"]) == {"strategy.wing_width", "strategy.strike_value"}
    assert any("text/html" in o.get("data", {}) for o in code[2].outputs)  # the table
    assert any("image/png" in o.get("data", {}) for o in code[3].outputs)  # the heat map
    checks = json.loads(_stdout(code[-1]))
    assert checks["runs"] == 4
    assert {"results.parquet", "results.csv", "report.html", "runs.jsonl"} <= set(checks["files"])
