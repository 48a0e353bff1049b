"""The synthetic market is deterministic, well-formed and cached."""

from __future__ import annotations

import subprocess
import sys
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from nautilus_trader.persistence.catalog.parquet import ParquetDataCatalog

from nautilus_options.data import market_model, synthetic
from nautilus_options.data.synthetic import (
    GENERATOR_VERSION,
    SyntheticMarketConfig,
    cache_root,
    default_catalog,
    generate_market,
)
from nautilus_options.domain.nse import expiry_ns, parse_tradingsymbol
from nautilus_options.errors import ConfigError

SMALL = SyntheticMarketConfig(days=3, strikes_each_side=2, expiries=2, bar_minutes=5)


def _tables(root: Path) -> dict[str, pa.Table]:
    return {str(file.relative_to(root)): pq.read_table(file) for file in root.rglob("*.parquet")}


@pytest.fixture(scope="module")
def small_catalog(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("small") / "catalog"
    generate_market(SMALL, path)
    return path


def test_same_seed_writes_identical_data(small_catalog: Path, tmp_path: Path) -> None:
    generate_market(SMALL, tmp_path / "again")
    first, second = _tables(small_catalog), _tables(tmp_path / "again")
    assert first.keys() == second.keys()
    assert len(first) > 10
    for name, table in first.items():
        assert table.equals(second[name]), name


def test_another_seed_writes_other_prices(small_catalog: Path, tmp_path: Path) -> None:
    other = SyntheticMarketConfig(
        days=3, strikes_each_side=2, expiries=2, bar_minutes=5, seed=SMALL.seed + 1
    )
    generate_market(other, tmp_path / "other")
    ours = ParquetDataCatalog(str(small_catalog)).trade_ticks(instrument_ids=["NIFTY.NSE"])
    theirs = ParquetDataCatalog(str(tmp_path / "other")).trade_ticks(instrument_ids=["NIFTY.NSE"])
    assert [t.price.as_double() for t in ours] != [t.price.as_double() for t in theirs]


def test_quotes_are_on_the_tick_grid_uncrossed_and_alive(small_catalog: Path) -> None:
    catalog = ParquetDataCatalog(str(small_catalog))
    options = [i for i in catalog.instruments() if str(i.id).endswith(("CE.NFO", "PE.NFO"))]
    for option in options:
        quotes = catalog.quote_ticks(instrument_ids=[str(option.id)])
        bid = np.array([q.bid_price.as_double() for q in quotes])
        ask = np.array([q.ask_price.as_double() for q in quotes])
        ts = np.array([q.ts_init for q in quotes])
        assert (bid >= 0.05).all()
        assert (ask > bid).all()
        assert np.allclose(np.round(bid / 0.05), bid / 0.05)
        assert np.allclose(np.round(ask / 0.05), ask / 0.05)
        assert (np.diff(ts) > 0).all()
        assert ts[-1] < option.expiration_ns
        sizes = np.array([q.bid_size.as_double() for q in quotes])
        assert (sizes % option.lot_size.as_double() == 0).all()


def test_chain_follows_the_nearest_expiries(small_catalog: Path) -> None:
    catalog = ParquetDataCatalog(str(small_catalog))
    expiries = {
        parse_tradingsymbol(i.id.symbol.value).expiry
        for i in catalog.instruments()
        if str(i.id).endswith(("CE.NFO", "PE.NFO"))
    }
    # 5-7 January: the 6 Jan expiry rolls to 13 and 20 Jan.
    assert expiries == {date(2026, 1, 6), date(2026, 1, 13), date(2026, 1, 20)}
    closes = catalog.trade_ticks(instrument_ids=["NIFTY.NFO"])
    assert closes[-1].ts_init == expiry_ns(date(2026, 1, 7))


def test_option_prices_rise_with_the_index_for_calls(small_catalog: Path) -> None:
    catalog = ParquetDataCatalog(str(small_catalog))
    index = catalog.trade_ticks(instrument_ids=["NIFTY.NSE"])
    call = next(
        i for i in catalog.instruments() if str(i.id).startswith("NIFTY26120") and "CE" in str(i.id)
    )
    quotes = catalog.quote_ticks(instrument_ids=[str(call.id)])
    spot = {t.ts_init: t.price.as_double() for t in index}
    mids = np.array([(q.bid_price.as_double() + q.ask_price.as_double()) / 2 for q in quotes])
    levels = np.array([spot[q.ts_init] for q in quotes])
    assert np.corrcoef(mids, levels)[0, 1] > 0.8


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"start": date(2026, 1, 3)}, "start"),
        ({"days": 0}, "days"),
        ({"strikes_each_side": -1}, "strikes_each_side"),
        ({"spot_vol_correlation": -2.0}, "spot_vol_correlation"),
        ({"realized_vol_ratio": -0.5}, "realized_vol_ratio"),
        ({"max_quote_lots": 0}, "max_quote_lots"),
        ({"underlying": "SENSEX"}, "underlying"),
        ({"start": date(2026, 12, 21), "days": 20}, "days"),
        ({"seed": -1}, "seed"),
    ],
)
def test_bad_configuration_names_the_field(changes: dict[str, object], field: str) -> None:
    with pytest.raises(ConfigError, match=field) as error:
        SyntheticMarketConfig(**changes)  # type: ignore[arg-type]
    assert error.value.field == field


def test_existing_catalog_is_refused(small_catalog: Path) -> None:
    with pytest.raises(ConfigError, match="not empty"):
        generate_market(SMALL, small_catalog)


def test_interrupted_generation_leaves_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def interrupt(*_args: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(market_model, "quote_day", interrupt)
    with pytest.raises(KeyboardInterrupt):
        generate_market(SMALL, tmp_path / "catalog")
    assert list(tmp_path.iterdir()) == []


def test_default_catalog_is_generated_once_per_version_and_config(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    path = default_catalog(config=SMALL)
    assert path.parent == tmp_path / "options-nt" / "synthetic"
    assert path.name.startswith(f"v{GENERATOR_VERSION}-")
    stamp = {p: p.stat().st_mtime_ns for p in path.rglob("*.parquet")}
    assert default_catalog(config=SMALL) == path
    assert {p: p.stat().st_mtime_ns for p in path.rglob("*.parquet")} == stamp
    monkeypatch.setattr(synthetic, "GENERATOR_VERSION", GENERATOR_VERSION + 1)
    assert default_catalog(config=SMALL) != path


def test_banknifty_market_uses_its_own_level_strikes_and_monthly_symbols(tmp_path: Path) -> None:
    config = SyntheticMarketConfig(
        underlying="BANKNIFTY", days=1, strikes_each_side=1, expiries=1, bar_minutes=75
    )
    summary = generate_market(config, tmp_path / "bank")
    ids = sorted(
        str(i.id)
        for i in ParquetDataCatalog(str(tmp_path / "bank")).instruments()
        if str(i.id).endswith(("CE.NFO", "PE.NFO"))
    )
    assert summary.expiries == (date(2026, 1, 27),)
    assert ids == [
        f"BANKNIFTY26JAN{strike}{right}.NFO"
        for strike in (58_900, 59_000, 59_100)
        for right in ("CE", "PE")
    ]


def test_quote_width_widens_away_from_the_money_and_near_expiry(tmp_path: Path) -> None:
    config = SyntheticMarketConfig(days=1, strikes_each_side=14, expiries=2, bar_minutes=75)
    generate_market(config, tmp_path / "wide")
    catalog = ParquetDataCatalog(str(tmp_path / "wide"))
    spot = {t.ts_init: t.price.as_double() for t in catalog.trade_ticks(["NIFTY.NSE"])}
    rows = []
    for option in catalog.instruments():
        if str(option.id).endswith(("CE.NFO", "PE.NFO")):
            symbol = parse_tradingsymbol(option.id.symbol.value)
            sign = 1.0 if symbol.right == "CE" else -1.0
            for q in catalog.quote_ticks(instrument_ids=[str(option.id)]):
                bid, ask = q.bid_price.as_double(), q.ask_price.as_double()
                otm = sign * np.log(float(symbol.strike) / spot[q.ts_init])
                rows.append((q.ts_init, symbol.expiry, symbol.right, otm, ask - bid, ask + bid))
    quotes = pd.DataFrame(rows, columns=["ts", "expiry", "right", "otm", "width", "sum"])
    quotes["relative"] = 2 * quotes["width"] / quotes["sum"]
    atm_relative: dict[Any, dict[Any, float]] = {}  # (ts, right) -> expiry -> width
    for (ts, expiry, right), chain in quotes.groupby(["ts", "expiry", "right"]):
        chain = chain.sort_values("otm")
        deep_itm, far_otm = chain.iloc[0], chain.iloc[-1]
        atm = chain.iloc[int(np.argmin(chain["otm"].abs()))]
        assert deep_itm["width"] > atm["width"]  # absolute width grows into the money
        assert far_otm["relative"] > 2 * atm["relative"]  # relative width out of the money
        atm_relative.setdefault((ts, right), {})[expiry] = atm["relative"]
    for by_expiry in atm_relative.values():
        near, far = (by_expiry[e] for e in sorted(by_expiry))
        assert near > far  # and towards expiry


@pytest.mark.parametrize("xdg", [None, ""], ids=["unset", "empty"])
def test_cache_root_falls_back_to_the_home_cache(
    xdg: str | None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    if xdg is not None:
        monkeypatch.setenv("XDG_CACHE_HOME", xdg)
    assert cache_root() == tmp_path / ".cache" / "options-nt"


def test_the_market_model_imports_without_the_writer() -> None:
    """No import circle: the model needs its configuration, not the catalog writer."""
    code = (
        "import sys, nautilus_options.data.market_model; "
        "assert 'nautilus_options.data.synthetic' not in sys.modules, 'circle'"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=120)
