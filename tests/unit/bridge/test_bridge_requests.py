"""Request bodies and the audit log, over real HTTP without a node: an unknown field is
refused naming it, and the read-only preview is never audited."""

from __future__ import annotations

import math
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
from bridge_http import PASSWORD, login, served

from nautilus_options.bridge.app import openapi_schema
from nautilus_options.bridge.audit import AUDIT_FILE
from nautilus_options.bridge.principal import Scope
from nautilus_options.bridge.schemas.backtests import BacktestResultOut
from nautilus_options.bridge.schemas.chain import QuoteGreeks
from nautilus_options.bridge.schemas.money import BalanceOut, CapitalOut
from nautilus_options.bridge.schemas.numbers import round_significant
from nautilus_options.bridge.schemas.trading import GreeksOut, PositionOut
from nautilus_options.bridge.settings import BridgeSettings


@pytest.fixture(scope="module")
def state_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("bridge-requests")


@pytest.fixture(scope="module")
def client(state_dir: Path) -> Iterator[httpx.Client]:
    settings = BridgeSettings(environment="backtest", state_dir=state_dir)
    with served(settings, {"admin": Scope.ADMIN, "viewer": Scope.READ}) as http:
        yield http


def test_every_request_body_forbids_unknown_fields() -> None:
    schemas = openapi_schema()["components"]["schemas"]
    bodies = {
        operation["requestBody"]["content"]["application/json"]["schema"]["$ref"]
        for path in openapi_schema()["paths"].values()
        for operation in path.values()
        if "requestBody" in operation
    }
    names = {ref.rsplit("/", 1)[1] for ref in bodies}
    assert {"LoginRequest", "SubmitRequest", "KillRequest", "BacktestRunRequest"} <= names
    for name in names | {"TemplateRequest", "LegRequest"}:
        assert schemas[name]["additionalProperties"] is False, name


def test_an_unknown_field_is_refused_naming_it(client: httpx.Client) -> None:
    body = {"name": "ci", "scopes": ["read"], "scope": "admin"}
    refused = client.post("/tokens", json=body, headers=login(client, "admin"))
    assert refused.status_code == 422, refused.text
    [error] = refused.json()["detail"]
    assert error["type"] == "extra_forbidden"
    assert error["loc"] == ["body", "scope"]


def test_a_typo_in_the_login_body_is_refused(client: httpx.Client) -> None:
    body = {"username": "admin", "password": PASSWORD, "pasword": PASSWORD}
    refused = client.post("/auth/login", json=body)
    assert refused.status_code == 422
    assert refused.json()["detail"][0]["loc"] == ["body", "pasword"]
    assert PASSWORD not in refused.text


def test_previews_are_not_audited(client: httpx.Client, state_dir: Path) -> None:
    viewer = login(client, "viewer")
    audit = state_dir / AUDIT_FILE
    before = audit.read_text().count("\n")
    body = {"template": {"spread_type": "iron_condor"}, "lots": 1}
    for _ in range(5):
        assert client.post("/manual/preview", json=body, headers=viewer).status_code == 503
    assert audit.read_text().count("\n") == before
    assert client.post("/auth/logout", headers=viewer).status_code == 204
    assert "POST /api/v1/auth/logout" in audit.read_text().splitlines()[-1]


def test_responses_round_money_prices_and_greeks() -> None:
    greeks = GreeksOut(delta=12.345678912, gamma=0.000123456789, theta=-1234.5000000001, vega=0)
    assert greeks.model_dump() == {
        "delta": 12.3457,
        "gamma": 0.000123457,
        "theta": -1234.5,
        "vega": 0,
    }
    position = PositionOut.model_validate(
        {
            "position_id": "P-1",
            "strategy_id": "S-1",
            "instrument_id": "A.NSE",
            "side": "LONG",
            "quantity": 65.0,
            "avg_px_open": 101.02500000000001,
            "realized_pnl": 1234.5000000001,
            "unrealized_pnl": -0.123456,
            "is_open": True,
            "opened_at": "2026-01-01T00:00:00Z",
            "closed_at": None,
        }
    )
    assert position.avg_px_open == 101.025
    assert position.realized_pnl == 1234.5
    assert position.unrealized_pnl == -0.12
    quote = QuoteGreeks(
        instrument_id="A.NSE",
        bid=101.05,
        ask=101.10000000000001,
        mid=101.07500000000002,
        iv=0.1234567891,
        delta=0.5000000001,
        gamma=None,
        theta=None,
        vega=None,
    )
    assert (quote.ask, quote.mid, quote.iv, quote.delta) == (101.1, 101.075, 0.123457, 0.5)
    balance = BalanceOut(currency="INR", total=1e6 + 1e-7, locked=0.005001, free=999_999.999)
    assert balance.model_dump() == {
        "currency": "INR",
        "total": 1_000_000.0,
        "locked": 0.01,
        "free": 1_000_000.0,
    }
    assert math.isnan(round_significant(math.nan))


def test_responses_round_ratios() -> None:
    summary = {
        "max_drawdown_pct": 0.10562168928814927,
        "return_pct": -0.010353000000007384,
        "sharpe": -4.751234567,
        "win_rate": None,
        "pnl_total": -103.53,
        "trades": 3,
    }
    result = BacktestResultOut(
        name="run", modified=datetime(2026, 1, 5, tzinfo=UTC), has_report=True, summary=summary
    )
    assert result.summary == {
        "max_drawdown_pct": 0.1056,
        "return_pct": -0.0104,
        "sharpe": -4.7512,
        "win_rate": None,
        "pnl_total": -103.53,
        "trades": 3,
    }
    money = dict.fromkeys(
        (
            "capital",
            "initial_capital",
            "sizing_capital",
            "deployed",
            "peak",
            "realized_pnl",
            "commissions",
            "exercise_charges",
        ),
        1.0,
    )
    capital = CapitalOut(
        ts=datetime(2026, 1, 5, tzinfo=UTC),
        drawdown_pct=1.4702349871,
        halted=False,
        currency="INR",
        reason="fill",
        **money,
    )
    assert capital.drawdown_pct == 1.4702
