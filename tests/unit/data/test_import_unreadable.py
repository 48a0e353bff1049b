"""Files that cannot be read at all are one-line errors naming the file, never tracebacks."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest
from loader_helpers import CE, snapshot

from nautilus_options.cli import main
from nautilus_options.data.readers import CSV_BLOCK_SIZE

GOOD = f"timestamp,symbol,bid,ask\n2026-01-05T09:15:00+05:30,{CE},1.00,1.05\n"


def _gzip(data: bytes, keep: float = 1.0) -> bytes:
    packed = gzip.compress(data)
    return packed[: max(int(len(packed) * keep), 1)]


LONG = "2026-01-05T09:16:00+05:30," + "x" * (3 * CSV_BLOCK_SIZE) + ",1,2\n"
HUGE_HEADER = "timestamp,symbol," + "b" * 200_000 + "\n"

#: (case, file name, content: bytes or None for a directory, message)
CASES: list[tuple[str, str, bytes | None, str]] = [
    ("gzip-cut-in-header", "q.csv.gz", _gzip(GOOD.encode(), 0.1), "cannot read file: "),
    ("gzip-cut-in-stream", "q.csv.gz", _gzip((GOOD * 200).encode(), 0.5), "cannot read file: "),
    ("not-gzip", "q.csv.gz", b"plain", "Not a gzipped file"),
    ("huge-header-field", "q.csv", HUGE_HEADER.encode(), "field larger than field limit"),
    ("long-line", "q.csv", (GOOD + LONG).encode(), f"row 2: line longer than {CSV_BLOCK_SIZE:,}"),
    ("directory", "q.csv", None, "is a directory, not a file"),
    ("bad-utf8", "q.csv", b"timestamp,symbol,bid,ask\n\xff\xfe,1,2,3\n", "cannot read file"),
    ("junk-parquet", "q.parquet", b"PAR1junk", "cannot read file"),
]


def _import(source: Path, fmt: str) -> int:
    return main(["data", "import", "--format", fmt, str(source), "--catalog", str(source) + "-c"])


@pytest.mark.parametrize(
    ("name", "content", "message"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_unreadable_files_exit_2_with_one_line(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    name: str,
    content: bytes | None,
    message: str,
) -> None:
    source = tmp_path / name
    if content is None:
        source.mkdir()
    else:
        source.write_bytes(content)
    before = snapshot(tmp_path)
    assert _import(source, "quotes") == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert err.startswith(f"options-nt: error: {source}")
    assert message in err
    assert snapshot(tmp_path) == before


@pytest.mark.parametrize("depth", [10_000, 200_000])
def test_deeply_nested_kite_json(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], depth: int
) -> None:
    source = tmp_path / f"{CE}.json"
    source.write_text("[" * depth + "]" * depth)
    assert _import(source, "kite-candles") == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith(f"options-nt: error: {source}")
    assert "JSON nested too deeply" in err or "candle is not a list" in err


def test_a_long_value_is_shortened_in_the_message(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "q.csv"
    source.write_text(GOOD + "2026-01-05T09:16:00+05:30," + "x" * 500_000 + ",1,2\n")
    assert _import(source, "quotes") == 2
    err = capsys.readouterr().err
    assert "row 2, column 'symbol': unknown instrument 'xxx" in err
    assert len(err) < 500
