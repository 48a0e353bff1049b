"""A backtest acts only on days the catalog holds data for.

The run's period is clipped to the days with index data (with a note), trading days without
data inside it are named, and the strategy neither enters nor exits on stale quotes.
"""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest

from nautilus_options.backtest.statistics import sharpe_ratio
from nautilus_options.common.progress import SilentProgress
from nautilus_options.data.synthetic import SyntheticMarketConfig, generate_market
from nautilus_options.domain.nse import IST
from nautilus_options.domain.time import ist_ns
from nautilus_options.environments.backtest import run_backtest, settings_from_mapping
from nautilus_options.environments.data_window import run_period
from nautilus_options.environments.outputs import read_equity
from nautilus_options.errors import ConfigError

pytestmark = pytest.mark.slow

# Thursday 8, Friday 9 and Monday 12 January 2026; the nearest weekly expires on the 13th.
DAYS = ("2026-01-08", "2026-01-09", "2026-01-12")
GAP = date(2026, 1, 9)


@pytest.fixture(scope="module")
def catalog(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("market") / "catalog"
    config = SyntheticMarketConfig(start=date(2026, 1, 8), days=3, strikes_each_side=14)
    generate_market(config, path)
    return path


@pytest.fixture(scope="module")
def gap_catalog(catalog: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The catalog without any quote or trade of ``GAP`` (IST)."""
    path = tmp_path_factory.mktemp("gap") / "catalog"
    shutil.copytree(catalog, path)
    low, high = ist_ns(GAP), ist_ns(date(2026, 1, 10))
    for folder in ("quote_tick", "trade_tick"):
        for file in (path / "data" / folder).rglob("*.parquet"):
            table = pq.read_table(file)
            stamps = table.column("ts_init").cast("int64")
            kept = pc.or_(pc.less(stamps, low), pc.greater_equal(stamps, high))
            pq.write_table(table.filter(kept), file)
    return path


def _run(catalog: Path, out: Path, **values: Any) -> tuple[dict[str, Any], list[str], Path]:
    notes: list[str] = []
    settings = settings_from_mapping(
        {"catalog": str(catalog), "out": str(out), "tearsheet": False, **values}
    )
    outcome = run_backtest(settings, note=notes.append)
    return outcome.summary, notes, outcome.out_dir


def _ist_days(column: pd.Series) -> set[str]:
    stamps = pd.to_datetime(column.dropna(), utc=True, format="ISO8601").dt.tz_convert(IST)
    return set(stamps.dt.strftime("%Y-%m-%d"))


def test_a_range_beyond_the_data_runs_over_the_days_with_data(
    catalog: Path, tmp_path: Path
) -> None:
    # Saturday 3 to Sunday 18 January: the data holds the 8th to the 12th.
    wide, notes, out = _run(catalog, tmp_path / "wide", start="2026-01-03", end="2026-01-18")
    assert len(notes) == 1
    assert "2026-01-08 to 2026-01-12" in notes[0]
    assert _ist_days(pd.Series([wide["start"], wide["end"]])) == {DAYS[0], DAYS[-1]}
    assert _ist_days(pd.read_csv(out / "fills.csv")["ts_event"]) <= set(DAYS)
    assert wide["days_without_data"] == []

    exact, notes, _ = _run(catalog, tmp_path / "exact", start=DAYS[0], end=DAYS[-1])
    assert notes == []
    # Days outside the data are not flat days of the run: the same figures, Sharpe included.
    for key in ("trades", "open_spreads", "pnl_total", "sharpe", "max_drawdown", "start", "end"):
        assert wide[key] == exact[key], key


def test_a_weekend_end_ends_the_period_on_the_last_trading_day(catalog: Path) -> None:
    settings = settings_from_mapping(
        {"catalog": str(catalog), "start": DAYS[0], "end": "2026-01-11"}
    )
    period = run_period(settings, catalog)
    assert period.clipped
    assert pd.Timestamp(period.end, tz="UTC").tz_convert(IST).strftime("%F") == "2026-01-09"
    assert pd.Timestamp(period.end + 1, tz="UTC").tz_convert(IST).hour == 0


def test_a_range_without_a_day_of_data_is_refused(catalog: Path) -> None:
    settings = settings_from_mapping(
        {"catalog": str(catalog), "start": "2026-01-10", "end": "2026-01-11"}
    )
    with pytest.raises(ConfigError) as raised:
        run_period(settings, catalog)
    assert raised.value.field == "start"
    assert "no data for the period" in str(raised.value)


def test_no_entry_or_exit_on_a_day_without_data(gap_catalog: Path, tmp_path: Path) -> None:
    strategy = {
        "max_concurrent_spreads": 2,
        "profit_target_pct": None,
        "stop_loss_credit_multiple": None,
        # Due at 12:00 IST on the 9th for the spread opened on the 8th (13 January expiry).
        "exit_minutes_before_expiry": 5970,
    }
    summary, notes, out = _run(gap_catalog, tmp_path / "gap", strategy=strategy)
    assert summary["days_without_data"] == [GAP.isoformat()]
    assert any(GAP.isoformat() in note for note in notes)
    # The day without data is no flat day of the Sharpe ratio's daily returns.
    equity = read_equity(out)[2]
    assert summary["sharpe"] == pytest.approx(sharpe_ratio(equity, days_without_data=[GAP]))
    assert summary["sharpe"] != pytest.approx(sharpe_ratio(equity))
    assert summary["entry_skips"].get("stale_quotes", 0) > 0
    fills = pd.read_csv(out / "fills.csv")
    assert GAP.isoformat() not in _ist_days(fills["ts_event"])
    spreads = pd.read_csv(out / "spreads.csv").sort_values("opened_at")
    assert _ist_days(spreads["opened_at"]) == {DAYS[0], DAYS[-1]}
    first = spreads.iloc[0]
    # Its expiry exit came due on the gap day and was taken on the next day with quotes.
    assert _ist_days(pd.Series([first["closed_at"]])) == {DAYS[-1]}


def test_the_simulation_shows_the_simulated_time_reached(catalog: Path, tmp_path: Path) -> None:
    updates: list[tuple[float, str]] = []

    class Recorded(SilentProgress):
        def stage(self, description: str, total: float | None = None, unit: str = "") -> None:
            updates.append((-1.0, description))

        def update(self, completed: float, total: float | None = None, detail: str = "") -> None:
            updates.append((completed, detail))

    settings = settings_from_mapping(
        {"catalog": str(catalog), "out": str(tmp_path / "out"), "data": {"window_days": 1}}
    )
    run_backtest(settings, Recorded())
    stages = [detail for completed, detail in updates if completed < 0]
    assert stages.index("simulating") < stages.index("writing outputs")
    first = updates.index((-1.0, "simulating"))
    simulated = updates[first + 1 : updates.index((-1.0, "writing outputs"))]
    shown = [completed for completed, _ in simulated]
    assert shown == sorted(shown)
    assert len(shown) >= 3  # one a window (a day), then the end
    # Each shows the time the engine had reached when it asked for the next window; the
    # last, the end of the run.
    reached = [detail for _, detail in simulated]
    assert reached[0] == f"{DAYS[0]} IST"
    assert reached[-1] == f"{DAYS[-1]} IST"
    assert set(reached) <= {f"{day} IST" for day in DAYS}
