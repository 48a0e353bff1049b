"""``options-nt backtest`` end to end on a small generated catalog, through the console script."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from nautilus_options.backtest.statistics import mark_to_market
from nautilus_options.cli import main
from nautilus_options.data.synthetic import SyntheticMarketConfig, generate_market

pytestmark = pytest.mark.slow

OUTPUT_FILES = (
    "fills.csv",
    "orders.csv",
    "positions.csv",
    "spreads.csv",
    "capital.csv",
    "snapshots.csv",
    "order_events.csv",
    "position_events.csv",
    "summary.json",
    "report.html",
    "tearsheet.html",
)
# The small catalog lists only the nearest weekly (expiring on its second day).
SMALL_CATALOG_RUN = "strategy:\n  min_days_to_expiry: 0\n"


@pytest.fixture(scope="module")
def catalog(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("market") / "catalog"
    generate_market(SyntheticMarketConfig(days=3, strikes_each_side=8, expiries=1), path)
    return path


@pytest.fixture(scope="module")
def job(
    catalog: Path, tmp_path_factory: pytest.TempPathFactory
) -> tuple[dict[str, Any], Path, str]:
    out = tmp_path_factory.mktemp("job") / "out"
    run_file = out.parent / "run.yaml"
    run_file.write_text(SMALL_CATALOG_RUN, encoding="utf-8")
    command = [sys.executable, "-m", "nautilus_options", "backtest", "--config", str(run_file)]
    command += ["--catalog", str(catalog), "--out", str(out), "--json"]
    result = subprocess.run(command, capture_output=True, text=True, check=True, timeout=300)
    return json.loads(result.stdout), out, result.stdout


def test_stdout_is_exactly_one_json_object(job: tuple[dict[str, Any], Path, str]) -> None:
    _, _, stdout = job
    assert len(stdout.strip().splitlines()) == 1


def test_summary_keys_and_types(job: tuple[dict[str, Any], Path, str]) -> None:
    summary, out, _ = job
    assert isinstance(summary["trades"], int)
    assert summary["trades"] > 0
    assert isinstance(summary["win_rate"], float)
    assert 0.0 <= summary["win_rate"] <= 1.0
    for key in ("pnl_total", "charges_total", "max_drawdown", "ending_capital"):
        assert isinstance(summary[key], float), key
    assert summary["charges_total"] > 0
    assert summary["max_drawdown"] >= 0
    assert summary["sharpe"] is None or isinstance(summary["sharpe"], float)
    assert summary["out"] == str(out)


def test_every_output_file_is_written(job: tuple[dict[str, Any], Path, str]) -> None:
    summary, out, _ = job
    for name in OUTPUT_FILES:
        assert (out / name).stat().st_size > 0, name
    assert json.loads((out / "summary.json").read_text())["trades"] == summary["trades"]


def test_spreads_add_up_to_the_summary(job: tuple[dict[str, Any], Path, str]) -> None:
    summary, out, _ = job
    spreads = pd.read_csv(out / "spreads.csv")
    assert (~spreads["is_open"]).sum() == summary["trades"]
    assert spreads["pnl"].sum() == pytest.approx(summary["pnl_total"], abs=0.01)
    assert spreads["charges"].sum() == pytest.approx(summary["charges_total"], abs=0.01)
    wins = (spreads.loc[~spreads["is_open"], "pnl"] > 0).sum()
    assert summary["win_rate"] == pytest.approx(wins / summary["trades"])
    legs = [json.loads(text) for text in spreads["legs"]]
    assert all(len(spread_legs) == 4 for spread_legs in legs)  # default iron condor


def test_fills_belong_to_spreads_and_their_commissions_are_the_charges(
    job: tuple[dict[str, Any], Path, str],
) -> None:
    summary, out, _ = job
    fills = pd.read_csv(out / "fills.csv")
    spread_ids = set(pd.read_csv(out / "spreads.csv")["spread_id"])
    assert {position.rsplit("-L", 1)[0] for position in fills["position_id"]} == spread_ids
    commissions = fills["commission"].str.removesuffix(" INR").astype(float).sum()
    assert commissions == pytest.approx(summary["commissions"], abs=0.01)


def test_capital_history_ends_at_the_ending_capital(job: tuple[dict[str, Any], Path, str]) -> None:
    summary, out, _ = job
    capital = pd.read_csv(out / "capital.csv")
    assert capital["capital"].iloc[-1] == pytest.approx(summary["ending_capital"])
    assert capital["capital"].iloc[0] == pytest.approx(summary["initial_capital"])
    assert summary["ending_capital"] == pytest.approx(
        summary["initial_capital"] + summary["pnl_total"], abs=0.01
    )
    # The drawdown is of the equity marked to market, rebuilt here from the CSV files.
    snapshots = pd.read_csv(out / "snapshots.csv", parse_dates=["ts_event"])
    realized = pd.Series(
        capital["capital"].to_numpy(), index=pd.to_datetime(capital["ts_event"], utc=True)
    )
    equity = mark_to_market(realized, snapshots)
    assert summary["max_drawdown"] == pytest.approx((equity.cummax() - equity).max(), abs=0.01)
    assert summary["max_drawdown"] >= 0


def test_snapshots_come_from_fills_and_the_interval_timer(
    job: tuple[dict[str, Any], Path, str],
) -> None:
    _, out, _ = job
    snapshots = pd.read_csv(out / "snapshots.csv")
    assert set(snapshots["reason"]) == {"fill", "interval"}
    spread_ids = set(pd.read_csv(out / "spreads.csv")["spread_id"])
    assert set(snapshots["spread_id"]) == spread_ids


def test_report_lists_the_outputs_and_embeds_the_tearsheet(
    job: tuple[dict[str, Any], Path, str],
) -> None:
    _, out, _ = job
    report = (out / "report.html").read_text()
    for heading in ("Charts", "Spreads", "Files", "Nautilus tearsheet"):
        assert f"<h2>{heading}</h2>" in report, heading
    for name in OUTPUT_FILES:
        assert name == "report.html" or name in report, name
    assert "<iframe src='tearsheet.html'" in report
    assert "plotly" in (out / "tearsheet.html").read_text()[:2_000_000].lower()


def test_without_json_it_prints_a_summary_table(
    catalog: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "human"
    run_file = tmp_path / "run.yaml"
    run_file.write_text(SMALL_CATALOG_RUN, encoding="utf-8")
    arguments = ["--config", str(run_file), "--catalog", str(catalog), "--out", str(out)]
    code = main(["backtest", *arguments, "--end", "2026-01-06"])
    captured = capsys.readouterr()
    assert code == 0
    for label in (
        "Trades (closed spreads)",
        "Win rate",
        "Total P&L (net of charges)",
        "Charges paid",
        "Max drawdown",
        "Sharpe ratio",
        "Ending capital",
    ):
        assert label in captured.out, label
    assert str(out / "report.html") in captured.out.replace("\n", "")
    # Off a terminal, no bar (common.progress): the stages as lines, for a log.
    stages = ("loading market data", "simulating", "writing outputs")
    assert captured.err.splitlines()
    assert all(line.startswith(stages) for line in captured.err.splitlines()), captured.err
    assert (out / "report.html").is_file()
