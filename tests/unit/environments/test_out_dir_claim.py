"""An output folder belongs to one running session: a second is refused before it deletes."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from nautilus_options.environments.outputs import prepare_out_dir


def test_a_second_process_is_refused_an_output_folder_in_use(tmp_path: Path) -> None:
    out = tmp_path / "out"
    prepare_out_dir(str(out))
    (out / "fills.csv").write_text("the first session's fills\n")
    assert prepare_out_dir(str(out)) == out  # this process may prepare it again
    (out / "fills.csv").write_text("the first session's fills\n")
    code = (
        f"from nautilus_options.environments.outputs import prepare_out_dir as p; p({str(out)!r})"
    )
    other = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False
    )
    assert other.returncode != 0
    assert f"out: {out} is in use by a running session" in other.stderr
    assert (out / "fills.csv").read_text() == "the first session's fills\n"
