"""Background backtests over real HTTP: one runs at a time and a few wait their turn, dates
are checked against the data, and a result folder is never written outside the results."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from bridge_node import wait_for

from nautilus_options.bridge.app import create_app
from nautilus_options.bridge.backtests import BacktestRuns, default_period
from nautilus_options.bridge.principal import Scope
from nautilus_options.bridge.server import BridgeServer
from nautilus_options.bridge.settings import BridgeSettings

PASSWORD = "s3cret-pass"


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[httpx.Client, BacktestRuns, Path]]:
    results = tmp_path / "results"
    results.mkdir()
    app = create_app(BridgeSettings(state_dir=tmp_path / "state", results_dir=results))
    app.state.bridge.auth.store.add_user("ops", PASSWORD, (Scope.TRADE,))
    server = BridgeServer(app, port=0).start()
    try:
        with httpx.Client(base_url=f"{server.url}/api/v1", timeout=60) as client:
            login = client.post("/auth/login", json={"username": "ops", "password": PASSWORD})
            client.headers["Authorization"] = f"Bearer {login.json()['access_token']}"
            yield client, app.state.backtests, tmp_path
    finally:
        server.stop()  # stops the runs it started


def _post(client: httpx.Client, **body: Any) -> httpx.Response:
    return client.post("/backtests/jobs", json=body)


def test_health_says_results_are_served(served: tuple[httpx.Client, BacktestRuns, Path]) -> None:
    client, _, _ = served
    assert client.get("/health").json()["results"] is True


def test_one_run_at_a_time_a_few_queued_and_more_refused(
    served: tuple[httpx.Client, BacktestRuns, Path],
) -> None:
    client, runs, _ = served
    jobs = [_post(client, name=f"run-{n}") for n in range(4)]
    assert [job.status_code for job in jobs] == [202] * 4
    assert [job.json()["status"] for job in jobs] == ["running", "queued", "queued", "queued"]
    refused = _post(client, name="run-4")
    assert refused.status_code == 429
    assert "1 backtest(s) running and 3 waiting" in refused.json()["detail"]
    assert int(refused.headers["Retry-After"]) > 0
    first = runs.job(jobs[0].json()["id"])
    assert first is not None
    assert first.process is not None
    first.process.terminate()  # the running one ends: the next starts
    second = jobs[1].json()["id"]
    wait_for(
        lambda: client.get(f"/backtests/jobs/{second}").json()["status"] == "running",
        "the queued run to start",
    )
    assert client.get(f"/backtests/jobs/{jobs[0].json()['id']}").json()["status"] == "failed"
    statuses = [job["status"] for job in client.get("/backtests/jobs").json()]
    assert sorted(statuses) == ["failed", "queued", "queued", "running"]


def test_dates_are_iso_within_the_data_and_in_order(
    served: tuple[httpx.Client, BacktestRuns, Path],
) -> None:
    client, runs, _ = served
    first, last = default_period()
    cases = [
        ({"start": "2020-01-01"}, "start", "2020-01-01 is outside the data"),
        ({"end": "2099-01-01"}, "end", "2099-01-01 is outside the data"),
        ({"start": last.isoformat(), "end": first.isoformat()}, "end", f"{first} is before start"),
    ]
    for body, field, message in cases:
        refused = _post(client, **body)
        assert refused.status_code == 422, body
        # The shape of every other 422: a list of {loc, msg, type}.
        [error] = refused.json()["detail"]
        assert error["loc"] == ["body", field], refused.text
        assert error["msg"].startswith(message), refused.text
        assert error["type"] == "value_error"
    for start in (20260105, "2026-01-05T00:00:00", "05/01/2026"):
        refused = _post(client, start=start)
        assert refused.status_code == 422, start
        assert refused.json()["detail"][0]["loc"] == ["body", "start"]
    assert runs.jobs() == []


def test_a_result_folder_is_never_written_through_a_link(
    served: tuple[httpx.Client, BacktestRuns, Path],
) -> None:
    client, runs, root = served
    outside = root / "outside"
    (runs.results_dir / "escape").symlink_to(outside / "report", target_is_directory=True)
    (runs.results_dir / "elsewhere").symlink_to(root, target_is_directory=True)
    for name in ("escape", "elsewhere"):
        refused = _post(client, name=name)
        assert refused.status_code == 409, name
        assert refused.json()["detail"].startswith(f"name: {name!r}")
    assert _post(client, name="../outside").status_code == 422
    assert runs.jobs() == []
    assert not outside.exists()
