"""Fuzzing ``options-nt data import``: whatever the file holds, the command exits 0, or exits 2
with one line on stderr naming the file. Never a traceback, never a partial catalog."""

from __future__ import annotations

import contextlib
import gzip
import io
import json
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nautilus_options.cli import main
from nautilus_options.data.schemas import SCHEMAS, UDIFF_COLUMNS

CE = "NIFTY2611324400CE"

#: Cell values: well-formed ones of every column kind, near-misses and junk.
CELLS = st.one_of(
    st.sampled_from(
        [
            "",
            "2026-01-05T09:15:00+05:30",
            "2026-01-05T09:16:00+0530",
            "2026-01-05 09:15:00Z",
            "2026-01-05T00:00:00+0530",
            "1969-12-31T23:59:59Z",
            "2262-04-12T00:00:00Z",
            "9999-12-31T23:59:59+05:30",
            "2026-02-30T09:15:00+05:30",
            "2026-01-05",
            "2026-01-13",
            "2026-01-27",
            "2099-01-13",
            "0001-01-01",
            CE,
            "NIFTY26JAN24400PE",
            "NIFTY2611326013CE",
            "NIFTY",
            "NIFTY 50",
            "BANKNIFTY",
            "CE",
            "PE",
            "FO",
            "IDO",
            "24400",
            "24400.5",
            "100.05",
            "-1",
            "0",
            "1e308",
            "nan",
            "inf",
            '"',
            "\x00",
        ]
    ),
    st.text(max_size=12),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.integers(-(2**70), 2**70).map(str),
)


@st.composite
def csv_text(draw: st.DrawFn, fmt: str) -> str:
    names = [c.name for c in SCHEMAS[fmt].columns] if fmt != "bhavcopy" else list(UDIFF_COLUMNS)
    header = draw(st.lists(st.sampled_from(names), min_size=1, max_size=len(names), unique=True))
    if draw(st.booleans()):
        header = [*header, draw(st.text(min_size=1, max_size=8))]
    rows = draw(
        st.lists(
            st.lists(CELLS, min_size=len(header) - 1, max_size=len(header) + 1),
            max_size=6,
        )
    )
    return "\n".join(",".join(row) for row in [header, *rows]) + draw(st.sampled_from(["\n", ""]))


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | CELLS,
    lambda inner: st.lists(inner, max_size=7) | st.dictionaries(st.text(max_size=6), inner),
    max_leaves=40,
)


@st.composite
def input_file(draw: st.DrawFn) -> tuple[str, str, bytes]:
    """(format, file name, bytes)."""
    fmt = draw(st.sampled_from(sorted(SCHEMAS)))
    kind = draw(st.sampled_from(["csv", "csv.gz", "truncated.csv.gz", "json", "junk.parquet"]))
    if kind == "json":
        payload = draw(JSON | st.builds(lambda c: {"data": {"candles": c}}, JSON))
        return "kite-candles", f"{CE}.json", json.dumps(payload).encode()
    if kind == "junk.parquet":
        return fmt, "x.parquet", draw(st.binary(max_size=64))
    data = draw(csv_text(fmt)).encode("utf-8", "surrogatepass")
    name = f"{CE}.csv"
    if kind != "csv":
        data = gzip.compress(data)
        name += ".gz"
        if kind.startswith("truncated"):
            data = data[: draw(st.integers(0, max(len(data) - 1, 0)))]
    return fmt, name, data


@settings(suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(input_file(), st.booleans())
def test_every_failure_is_exit_2_naming_the_file(
    case: tuple[str, str, bytes], skip_bad_rows: bool
) -> None:
    fmt, name, data = case
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / name
        source.write_bytes(data)
        catalog = Path(folder) / "catalog"
        args = ["data", "import", "--format", fmt, str(source), "--catalog", str(catalog)]
        args += ["--json", *(["--skip-bad-rows"] if skip_bad_rows else [])]
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main(args)
        assert code in (0, 2)
        if code == 2:
            lines = err.getvalue().rstrip("\n").split("\n")
            assert len(lines) == 1, lines
            assert lines[0].startswith(f"options-nt: error: {source}"), lines
            assert not catalog.exists() or not any(catalog.rglob("*.parquet"))
            error = json.loads(out.getvalue())["error"]  # --json: one object on stdout
            assert str(source) in f"{error['field']}: {error['message']}", error
        else:
            json.loads(out.getvalue())
        leftovers = [p.name for p in Path(folder).iterdir() if p.name.startswith(".catalog")]
        assert leftovers == []
