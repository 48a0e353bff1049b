"""Chain-window selection from an imported catalog drives a BacktestNode over exactly it."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from nautilus_trader.backtest.node import BacktestNode
from nautilus_trader.config import (
    BacktestEngineConfig,
    BacktestRunConfig,
    LoggingConfig,
)
from nautilus_trader.model.identifiers import InstrumentId

from nautilus_options.data.catalog import import_files, settlement_prices
from nautilus_options.data.selection import chain_data_configs, select_chain
from nautilus_options.environments.venues import nse_venue_configs
from nautilus_options.errors import ConfigError

WEEKLY = "NIFTY26113"  # 2026-01-13
MONTHLY = "NIFTY26JAN"  # 2026-01-27
STRIKES = range(24000, 24900, 100)
MINUTES = 5


@pytest.fixture(scope="module")
def catalog(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Quotes of two expiries x 9 strikes x CE/PE and NIFTY trades, 5 minutes on 2026-01-12."""
    root = tmp_path_factory.mktemp("selection")
    lines = ["timestamp,symbol,bid,ask,last"]
    for minute in range(MINUTES):
        stamp = f"2026-01-12T09:{15 + minute:02d}:00+05:30"
        lines.append(f"{stamp},NIFTY,,,{24410 + minute}.05")
        for series in (WEEKLY, MONTHLY):
            for strike in STRIKES:
                for right in ("CE", "PE"):
                    lines.append(
                        f"{stamp},{series}{strike}{right},{10 + minute}.00,{11 + minute}.00,"
                    )
    source = root / "chain.csv"
    source.write_text("\n".join(lines) + "\n")
    import_files([source], "quotes", root / "catalog")
    return root / "catalog"


def _ids(series: str, strikes: range) -> set[str]:
    return {f"{series}{k}{r}.NFO" for k in strikes for r in ("CE", "PE")}


def test_window_around_the_index_price(catalog: Path) -> None:
    window = select_chain(
        catalog, "NIFTY", date(2026, 1, 12), date(2026, 1, 12), strikes_each_side=2
    )
    assert window.spot == pytest.approx(24410.05)
    assert window.expiries == (date(2026, 1, 13),)
    assert set(window.option_ids) == _ids(WEEKLY, range(24200, 24700, 100))
    assert window.index_ids == ("NIFTY.NSE", "NIFTY.NFO")


def test_explicit_spot_and_expiries(catalog: Path) -> None:
    window = select_chain(
        catalog,
        "NIFTY",
        "2026-01-12",
        "2026-01-12",
        expiries=[date(2026, 1, 27)],
        strikes_each_side=1,
        spot=24040,
    )
    assert set(window.option_ids) == _ids(MONTHLY, range(24000, 24200, 100))
    both = select_chain(
        catalog, "NIFTY", "2026-01-12", "2026-01-12", expiries=2, spot=24040, strikes_each_side=0
    )
    assert set(both.option_ids) == _ids(WEEKLY, range(24000, 24100, 100)) | _ids(
        MONTHLY, range(24000, 24100, 100)
    )


def test_bad_selections_name_the_parameter(catalog: Path) -> None:
    with pytest.raises(ConfigError, match="expiries"):
        select_chain(catalog, "NIFTY", "2026-01-12", "2026-01-12", expiries=[date(2026, 1, 20)])
    with pytest.raises(ConfigError, match="underlying"):
        select_chain(catalog, "BANKNIFTY", "2026-01-12", "2026-01-12")
    with pytest.raises(ConfigError, match="spot"):
        select_chain(catalog, "NIFTY", "2026-01-02", "2026-01-02")
    with pytest.raises(ConfigError, match="end"):
        select_chain(catalog, "NIFTY", "2026-01-12", "2026-01-11")


def test_bounds_follow_the_one_date_rule(catalog: Path) -> None:
    """A timestamp without a zone is IST wall-clock time, as everywhere in options-nt."""
    naive = select_chain(catalog, "NIFTY", "2026-01-12 09:15", "2026-01-12 15:30", spot=24040)
    aware = select_chain(
        catalog, "NIFTY", "2026-01-12T03:45Z", "2026-01-12T10:00:00+00:00", spot=24040
    )
    assert (naive.start_ns, naive.end_ns) == (aware.start_ns, aware.end_ns)
    day = select_chain(catalog, "NIFTY", "2026-01-12", "2026-01-12", spot=24040)
    assert day.end_ns - day.start_ns == 86_400 * 10**9 - 1
    with pytest.raises(ConfigError, match=r"start: .*outside 1970-01-01 to 2262-04-11"):
        select_chain(catalog, "NIFTY", "1969-12-31", "2026-01-12")


@pytest.mark.slow
def test_backtest_node_loads_exactly_the_window(catalog: Path) -> None:
    window = select_chain(
        catalog, "NIFTY", date(2026, 1, 12), date(2026, 1, 12), strikes_each_side=1
    )
    venues = nse_venue_configs(fees=False)
    run = BacktestRunConfig(
        engine=BacktestEngineConfig(logging=LoggingConfig(log_level="ERROR")),
        venues=venues,
        data=chain_data_configs(catalog, window),
        dispose_on_completion=False,
    )
    node = BacktestNode(configs=[run])
    try:
        result = node.run()[0]
        engine = node.get_engine(run.id)
        loaded = {i.value for i in engine.cache.instrument_ids()}
        assert loaded == set(window.option_ids) | set(window.index_ids)
        assert len(window.option_ids) == 6
        # 6 option quote streams + NIFTY trades on NSE and the NFO mirror, 5 minutes each
        assert result.iterations == (6 + 2) * MINUTES
        for option_id in window.option_ids:
            quote = engine.cache.quote_tick(InstrumentId.from_str(option_id))
            assert quote is not None
            assert quote.bid_price.as_double() == 10 + MINUTES - 1
        assert engine.cache.trade_tick(InstrumentId.from_str("NIFTY.NFO")) is not None
    finally:
        node.dispose()


def _bhavcopy(path: Path, day: str, index: str, strikes: range) -> Path:
    from nautilus_options.data.schemas import UDIFF_COLUMNS

    rows = []
    for strike in strikes:
        for right in ("CE", "PE"):
            values = dict.fromkeys(UDIFF_COLUMNS, "")
            values.update(
                TradDt=day,
                Sgmt="FO",
                FinInstrmTp="IDO",
                TckrSymb="NIFTY",
                XpryDt="2026-01-13",
                StrkPric=str(strike),
                OptnTp=right,
                OpnPric="100",
                HghPric="110",
                LwPric="90",
                ClsPric="105",
                UndrlygPric=index,
                SttlmPric="105",
                TtlTradgVol="650",
            )
            rows.append(",".join(values[c] for c in UDIFF_COLUMNS))
    path.write_text("\n".join([",".join(UDIFF_COLUMNS), *rows]) + "\n")
    return path


@pytest.mark.slow
def test_end_of_day_window_from_bhavcopy_bars(tmp_path: Path) -> None:
    strikes = range(24000, 24900, 100)
    files = [
        _bhavcopy(tmp_path / "d1.csv", "2026-01-12", "24410.05", strikes),
        _bhavcopy(tmp_path / "d2.csv", "2026-01-13", "24520.40", strikes),
    ]
    report = import_files(files, "bhavcopy", tmp_path / "catalog")
    window = select_chain(
        tmp_path / "catalog", "NIFTY", "2026-01-12", "2026-01-13", strikes_each_side=1
    )
    assert window.spot == pytest.approx(24410.05)
    configs = chain_data_configs(tmp_path / "catalog", window)
    assert [c.data_type.__name__ for c in configs] == ["Bar"]
    assert sorted(configs[0].bar_types or []) == sorted(
        f"{i}-1-DAY-LAST-EXTERNAL" for i in (*window.option_ids, *window.index_ids)
    )
    assert len(report.settlement_prices) == 18  # every contract on its expiry day
    run = BacktestRunConfig(
        engine=BacktestEngineConfig(logging=LoggingConfig(log_level="ERROR")),
        venues=nse_venue_configs(
            fees=False,
            settlement_prices=settlement_prices(tmp_path / "catalog", window.option_ids),
        ),
        data=configs,
        dispose_on_completion=False,
    )
    node = BacktestNode(configs=[run])
    try:
        result = node.run()[0]
        engine = node.get_engine(run.id)
        assert {i.value for i in engine.cache.instrument_ids()} == set(window.option_ids) | set(
            window.index_ids
        )
        assert result.iterations == (6 + 2) * 2  # one daily bar per instrument and day
    finally:
        node.dispose()


def test_synthetic_catalog_selection_and_import_alongside(tmp_path: Path) -> None:
    from nautilus_options.data.synthetic import SyntheticMarketConfig, generate_market

    summary = generate_market(
        SyntheticMarketConfig(days=1, strikes_each_side=4, expiries=1), tmp_path / "synthetic"
    )
    window = select_chain(
        summary.catalog_path, "NIFTY", summary.start, summary.end, strikes_each_side=2
    )
    assert len(window.option_ids) == 10
    assert {c.data_type.__name__ for c in chain_data_configs(summary.catalog_path, window)} == {
        "QuoteTick",
        "TradeTick",
    }
    # Real quotes for a synthetic option on a later day go in beside the generated data.
    option = window.option_ids[0].removesuffix(".NFO")
    later = tmp_path / "later.csv"
    later.write_text(f"timestamp,symbol,bid,ask\n2026-01-06T09:15:00+05:30,{option},10,10.5\n")
    report = import_files([later], "quotes", summary.catalog_path)
    assert [(w.data, w.rows) for w in report.written] == [("quote_tick", 1)]
    assert len(report.files_unchanged) == 1  # the instrument definition is the generator's
