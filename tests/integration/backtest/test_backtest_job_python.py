"""The backtest job from Python: ``run_backtest`` and the run config in a user's own node."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from nautilus_trader.backtest.node import BacktestNode

from nautilus_options import (
    CapitalManager,
    CapitalManagerConfig,
    OptionsSpreadStrategyConfig,
    SpreadMonitor,
)
from nautilus_options.data.synthetic import SyntheticMarketConfig, generate_market
from nautilus_options.domain.nse import IST
from nautilus_options.environments.backtest import (
    BacktestSettings,
    DataSettings,
    build_run_config,
    run_backtest,
    run_range,
)
from nautilus_options.environments.recorder import RunRecorder
from nautilus_options.errors import ConfigError
from nautilus_options.portfolio import SpreadTracker

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def catalog(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("market") / "catalog"
    generate_market(SyntheticMarketConfig(days=3, strikes_each_side=8, expiries=2), path)
    return path


def _settings(catalog: Path, out: Path) -> BacktestSettings:
    return BacktestSettings(
        catalog=str(catalog),
        start="2026-01-06",
        end="2026-01-07",
        out=str(out),
        strategy=OptionsSpreadStrategyConfig(spread_type="bull_put_credit", min_days_to_expiry=0),
        data=DataSettings(strikes_each_side=6, expiries=1),
        tearsheet=False,
    )


def test_dates_are_whole_ist_days_and_missing_bounds_come_from_the_catalog(
    catalog: Path, tmp_path: Path
) -> None:
    start, end = run_range(_settings(catalog, tmp_path), catalog)
    assert start is not None
    assert pd.Timestamp(start, tz="UTC").tz_convert(IST).isoformat() == "2026-01-06T00:00:00+05:30"
    assert end is not None
    assert (
        pd.Timestamp(end + 1, tz="UTC").tz_convert(IST).isoformat() == "2026-01-08T00:00:00+05:30"
    )
    first, last = run_range(BacktestSettings(catalog=str(catalog)), catalog)
    assert first is not None
    assert last is not None
    assert pd.Timestamp(first, tz="UTC").tz_convert(IST).strftime("%F %R") == "2026-01-05 09:15"
    assert pd.Timestamp(last, tz="UTC").tz_convert(IST).strftime("%F") == "2026-01-07"


def test_the_run_config_runs_in_a_users_own_node(catalog: Path, tmp_path: Path) -> None:
    settings = _settings(catalog, tmp_path / "own")
    run = build_run_config(settings, catalog)
    quoted = {i for config in run.data for i in (config.instrument_ids or [])}
    assert len([i for i in quoted if i.endswith("PE.NFO")]) == 13  # 6 + ATM + 6, one expiry
    node = BacktestNode(configs=[run])
    node.run()
    engine = node.get_engine(run.id)
    assert engine is not None
    actors = engine.trader.actors()
    assert {type(actor) for actor in actors} == {RunRecorder, CapitalManager, SpreadMonitor}
    spreads = SpreadTracker(engine.cache).spreads()
    assert spreads
    assert {spread.spread_type for spread in spreads} == {"bull_put_credit"}
    manager = next(a for a in actors if isinstance(a, CapitalManager))
    monitor = next(a for a in actors if isinstance(a, SpreadMonitor))
    assert manager.capital == pytest.approx(1_000_000 + sum(s.realized_pnl for s in spreads))
    assert {s.spread_id for s in monitor.snapshots} == {s.spread_id for s in spreads}
    own = {s.spread_id: s.realized_pnl for s in spreads}
    node.dispose()

    outcome = run_backtest(_settings(catalog, tmp_path / "helper"))
    frame = pd.read_csv(outcome.files["spreads"])
    assert dict(zip(frame["spread_id"], frame["pnl"], strict=True)) == pytest.approx(own)
    assert outcome.summary["trades"] == len(own)
    assert "tearsheet" not in outcome.files
    assert outcome.out_dir == tmp_path / "helper"


@pytest.mark.parametrize(
    ("start", "end", "field"),
    [
        ("2026-02-02", "2026-02-03", "start"),  # after the catalog's data
        ("2025-12-01", "2025-12-05", "start"),  # before it
        ("2026-01-07", "2026-01-06", "end"),
        ("yesterday", None, "start"),
    ],
)
def test_bad_ranges_are_refused_naming_the_bound(
    catalog: Path, start: str, end: str | None, field: str
) -> None:
    settings = BacktestSettings(catalog=str(catalog), start=start, end=end)
    with pytest.raises(ConfigError) as exc:
        run_range(settings, catalog)
    assert exc.value.field == field


def test_held_to_expiry_the_job_charges_exercise_stt(catalog: Path, tmp_path: Path) -> None:
    # An iron butterfly with 50-point wings held to the 6 Jan expiry: the index ends beyond
    # a wing, so a long leg is exercised and its holder pays STT on the intrinsic value.
    settings = BacktestSettings(
        catalog=str(catalog),
        end="2026-01-06",
        out=str(tmp_path),
        strategy=OptionsSpreadStrategyConfig(
            spread_type="iron_butterfly",
            wing_width=50.0,
            min_days_to_expiry=0,
            hold_to_expiry=True,
            exit_minutes_before_expiry=None,
            profit_target_pct=None,
            stop_loss_credit_multiple=None,
        ),
        tearsheet=False,
    )
    outcome = run_backtest(settings)
    summary = outcome.summary
    spreads = pd.read_csv(outcome.files["spreads"])
    assert summary["trades"] == len(spreads) == 1
    assert pd.Timestamp(spreads["closed_at"].iloc[0]) == pd.Timestamp(spreads["expiry"].iloc[0])
    assert summary["settlement_charges"] > 0
    assert summary["settlement_charges"] == pytest.approx(spreads["settlement_charges"].sum())
    assert summary["charges_total"] == pytest.approx(
        summary["commissions"] + summary["settlement_charges"], abs=0.01
    )
    capital = pd.read_csv(outcome.files["capital"])
    assert capital["exercise_charges"].iloc[-1] == pytest.approx(summary["settlement_charges"])
    assert summary["ending_capital"] == pytest.approx(1_000_000 + summary["pnl_total"], abs=0.01)


def test_a_run_that_trades_nothing_says_why(catalog: Path, tmp_path: Path) -> None:
    # 0.01 % of ₹10 lakh is ₹100 a trade: the capital manager grants no lot, every time.
    settings = _settings(catalog, tmp_path)
    outcome = run_backtest(
        BacktestSettings(
            catalog=settings.catalog,
            start=settings.start,
            end=settings.end,
            out=settings.out,
            strategy=settings.strategy,
            capital=CapitalManagerConfig(initial_capital=1_000_000, risk_per_trade_pct=0.01),
            data=settings.data,
            tearsheet=False,
        )
    )
    summary = outcome.summary
    assert summary["trades"] == summary["open_spreads"] == summary["entries"] == 0
    assert summary["entry_checks"] > 0
    assert summary["entry_skips"]["zero_lots"] > 0
    assert "sizing returned 0 lots" in summary["no_trades_because"]
    assert "No trades because" in outcome.files["report"].read_text(encoding="utf-8")


def test_an_expiry_rule_that_can_never_match_is_refused_before_running(
    catalog: Path, tmp_path: Path
) -> None:
    settings = _settings(catalog, tmp_path)
    never = OptionsSpreadStrategyConfig(spread_type="bull_put_credit", min_days_to_expiry=30)
    with pytest.raises(ConfigError) as caught:
        run_backtest(
            BacktestSettings(
                catalog=settings.catalog,
                start=settings.start,
                end=settings.end,
                out=settings.out,
                strategy=never,
                data=settings.data,
                tearsheet=False,
            )
        )
    assert caught.value.field == "strategy.min_days_to_expiry"
    assert "30 days" in str(caught.value)


def test_a_run_that_trades_counts_its_entries(catalog: Path, tmp_path: Path) -> None:
    summary = run_backtest(_settings(catalog, tmp_path)).summary
    assert summary["entries"] >= summary["trades"] + summary["open_spreads"] > 0
    assert "no_trades_because" not in summary
