"""Throughput of ``options-nt data import`` against Nautilus' own catalog writer.

Builds a 1,000,000-row quotes file (200 NIFTY options x 5,000 one-second snapshots), then in
the same run times

* baseline: ``ParquetDataCatalog.write_data`` of the same quotes as ``QuoteTick`` objects
  (object construction not timed);
* import: :func:`nautilus_options.data.catalog.import_files` from the file, reading and
  validation included.

Run: ``.venv/bin/python bench/bench_import.py [--rows N] [--csv] [--repeat N]``.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pv
import pyarrow.parquet as pq
from nautilus_trader.model.data import QuoteTick
from nautilus_trader.persistence.catalog.parquet import ParquetDataCatalog

from nautilus_options.data.catalog import import_files
from nautilus_options.data.instruments import option_contract
from nautilus_options.domain.nse import parse_tradingsymbol

START_NS = 1_767_584_700_000_000_000  # 2026-01-05 09:15 IST
EXPIRY = "NIFTY26113"


def symbols(count: int) -> list[str]:
    """``count`` weekly NIFTY option tradingsymbols around 25,000 (CE and PE)."""
    strikes = [25_000 + 50 * (n - count // 4) for n in range(count // 2)]
    return [f"{EXPIRY}{strike}{right}" for strike in strikes for right in ("CE", "PE")]


def make_file(path: Path, rows: int, instruments: int, as_csv: bool) -> list[str]:
    """Write the quotes file; return its symbols."""
    names = symbols(instruments)
    steps = rows // len(names)
    rng = np.random.default_rng(7)
    ts = START_NS + np.repeat(np.arange(steps, dtype=np.int64) * 1_000_000_000, len(names))
    mids = rng.integers(200, 40_000, size=rows) * 5  # paise on the 0.05 tick
    bid = mids / 100.0
    ask = (mids + 5 * rng.integers(1, 6, size=rows)) / 100.0
    table = pa.table(
        {
            "timestamp": pa.array(ts, pa.timestamp("ns", "UTC")).cast(
                pa.timestamp("ns", "Asia/Kolkata")
            ),
            "symbol": pa.array(np.tile(np.array(names, dtype=object), steps), pa.string()),
            "bid": bid,
            "ask": ask,
            "bid_size": rng.integers(1, 50, size=rows) * 65,
            "ask_size": rng.integers(1, 50, size=rows) * 65,
        }
    )
    if as_csv:
        pv.write_csv(table, path)
    else:
        pq.write_table(table, path)
    return names


def baseline_ticks(path: Path, names: list[str]) -> list[QuoteTick]:
    """The file's quotes as ``QuoteTick`` objects, built with Nautilus' raw-array factory."""
    table = pq.read_table(path) if path.suffix == ".parquet" else pv.read_csv(path)
    symbol = np.asarray(table.column("symbol").to_numpy(zero_copy_only=False), dtype=object)
    ts = table.column("timestamp").cast(pa.timestamp("ns", "UTC")).cast(pa.int64()).to_numpy()
    ticks: list[QuoteTick] = []
    for name in names:
        mask = symbol == name
        instrument = option_contract(parse_tradingsymbol(name))
        ticks += QuoteTick.from_raw_arrays_to_list(
            instrument.id,
            2,
            0,
            table.column("bid").to_numpy()[mask],
            table.column("ask").to_numpy()[mask],
            table.column("bid_size").to_numpy()[mask].astype(np.float64),
            table.column("ask_size").to_numpy()[mask].astype(np.float64),
            ts[mask].astype(np.uint64),
            ts[mask].astype(np.uint64),
        )
    return ticks


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--instruments", type=int, default=200)
    parser.add_argument("--csv", action="store_true", help="import a CSV file instead of parquet")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each; medians reported")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-import-"))
    try:
        source = work / ("quotes.csv" if args.csv else "quotes.parquet")
        names = make_file(source, args.rows, args.instruments, args.csv)
        rows = pq.read_metadata(source).num_rows if not args.csv else args.rows

        ticks = baseline_ticks(source, names)
        baselines, imports = [], []
        for run in range(args.repeat):  # alternate, so both see the same machine load
            catalog = ParquetDataCatalog(str(work / f"baseline{run}"))
            started = time.perf_counter()
            catalog.write_data(ticks)
            baselines.append(time.perf_counter() - started)

            started = time.perf_counter()
            report = import_files([source], "quotes", work / f"imported{run}")
            imports.append(time.perf_counter() - started)
            assert report.rows_written == rows, report.rows_written
        baseline, ours = statistics.median(baselines), statistics.median(imports)

        base_rate, our_rate = rows / baseline, rows / ours
        print(
            f"rows: {rows:,} ({len(names)} instruments, {source.suffix[1:]} input, "
            f"median of {args.repeat} alternating runs)"
        )
        print(
            f"baseline ParquetDataCatalog.write_data: {baseline:6.2f} s  {base_rate:>12,.0f} rows/s"
        )
        print(f"options-nt import (read+validate+write): {ours:6.2f} s  {our_rate:>12,.0f} rows/s")
        print(f"ratio import/baseline: {our_rate / base_rate:.2f}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
