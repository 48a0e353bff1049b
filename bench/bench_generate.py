"""Time the embedded synthetic market (20 days, +-20 strikes, 2 expiries, 1-minute quotes).

Prints the generation time against the 30 s target and, as a baseline measured in the same
run, the rate at which ``ParquetDataCatalog.write_data`` alone writes the same quotes.

Run: ``.venv/bin/python bench/bench_generate.py``
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from nautilus_trader.persistence.catalog.parquet import ParquetDataCatalog

from nautilus_options.data.synthetic import SyntheticMarketConfig, generate_market

TARGET_SECONDS = 30.0


def main() -> None:
    config = SyntheticMarketConfig()
    with tempfile.TemporaryDirectory() as tmp:
        summary = generate_market(config, Path(tmp) / "generated")
        print(
            f"generate_market: {summary.trading_days} days, {summary.option_instruments} options, "
            f"{summary.option_quotes:,} quotes + {summary.index_trades:,} index trades "
            f"in {summary.seconds:.2f} s ({summary.option_quotes / summary.seconds:,.0f} quotes/s)"
        )
        print(f"vs target {TARGET_SECONDS:.0f} s: {summary.seconds / TARGET_SECONDS:.2f}x")

        source = ParquetDataCatalog(str(summary.catalog_path))
        ids = [str(i.id) for i in source.instruments() if str(i.id).endswith(("CE.NFO", "PE.NFO"))]
        per_instrument = [source.quote_ticks(instrument_ids=[iid]) for iid in ids]
        baseline = ParquetDataCatalog(str(Path(tmp) / "baseline"))
        started = time.perf_counter()
        for quotes in per_instrument:
            baseline.write_data(quotes)
        seconds = time.perf_counter() - started
        count = sum(len(quotes) for quotes in per_instrument)
        print(
            f"baseline ParquetDataCatalog.write_data of the same quotes: {seconds:.2f} s "
            f"({count / seconds:,.0f} quotes/s); generation / write-only: "
            f"{summary.seconds / seconds:.2f}x"
        )


if __name__ == "__main__":
    main()
