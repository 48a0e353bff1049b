"""Credentials, tokens, rate limits, rules and report parsing of the Zerodha adapter."""

from __future__ import annotations

import asyncio
import logging
import os
from decimal import Decimal
from pathlib import Path

import pytest
from nautilus_trader.model.enums import OrderStatus
from nautilus_trader.model.identifiers import AccountId

from nautilus_options.adapters.zerodha.common.credentials import (
    KiteCredentials,
    Secret,
    load_credentials,
    read_token_file,
    write_token_file,
)
from nautilus_options.adapters.zerodha.common.errors import (
    KiteRateLimitError,
    KiteRequestError,
    KiteServerError,
    KiteTokenError,
    error_for,
)
from nautilus_options.adapters.zerodha.common.symbology import order_tag, split_tag
from nautilus_options.adapters.zerodha.common.tokens import TokenHolder
from nautilus_options.adapters.zerodha.http.ratelimit import RateLimiter
from nautilus_options.adapters.zerodha.parsing.orders import aggregate, position_report
from nautilus_options.adapters.zerodha.parsing.rules import (
    protected_limit,
    slice_quantity,
    within_band,
)
from nautilus_options.adapters.zerodha.schemas.orders import KiteOrder, KitePosition
from nautilus_options.adapters.zerodha.settlement import recognize_kite
from nautilus_options.errors import ConfigError

SECRET, TOKEN = "s3cr3t-value-xyz", "t0k3n-value-abc"


def test_secrets_never_in_repr_str_or_log(caplog: pytest.LogCaptureFixture) -> None:
    creds = KiteCredentials("apikey123", Secret(TOKEN), Secret(SECRET))
    holder = TokenHolder(creds, lambda key, secret: "x")
    logging.getLogger("t").error("%s %s %s", creds, holder, Secret(SECRET))
    text = repr(creds) + str(creds) + repr(holder) + caplog.text + f"{Secret(SECRET)}"
    assert SECRET not in text
    assert TOKEN not in text
    assert "apikey123" not in text


def test_token_file_is_0600_and_a_readable_one_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("KITE_API_KEY", "KITE_ACCESS_TOKEN", "KITE_API_SECRET"):
        monkeypatch.delenv(name, raising=False)
    path = tmp_path / "sub" / "token.json"
    write_token_file(path, {"api_key": "k1234567", "access_token": TOKEN})
    assert path.stat().st_mode & 0o777 == 0o600
    creds = load_credentials(token_file=path)
    assert creds.access_token == Secret(TOKEN)
    os.chmod(path, 0o644)
    with pytest.raises(ConfigError, match="readable by others") as caught:
        read_token_file(path)
    assert TOKEN not in str(caught.value)


def test_an_explicit_token_file_wins_over_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A paper node names the simulator's token file; a live token in the shell must not win.
    path = tmp_path / "paper-token.json"
    write_token_file(path, {"api_key": "k1234567", "access_token": TOKEN})
    monkeypatch.setenv("KITE_ACCESS_TOKEN", "live-token-from-the-shell")
    assert load_credentials(token_file=path).access_token == Secret(TOKEN)
    monkeypatch.setenv("KITE_TOKEN_FILE", str(path))
    assert load_credentials().access_token == Secret("live-token-from-the-shell")


def test_error_mapping_by_consequence() -> None:
    assert isinstance(error_for(403, "TokenException", "m"), KiteTokenError)
    assert isinstance(error_for(429, "NetworkException", "m"), KiteRateLimitError)
    assert error_for(503, "NetworkException", "m").outcome_unknown
    assert isinstance(error_for(500, "OrderException", "m"), KiteServerError)
    refused = error_for(400, "MarginException", "Insufficient funds")
    assert isinstance(refused, KiteRequestError)
    assert not refused.outcome_unknown


def test_renewal_is_single_flight() -> None:
    calls: list[int] = []

    async def provider(key: str, secret: Secret | None) -> str:
        calls.append(1)
        await asyncio.sleep(0.05)
        return f"new-{len(calls)}"

    async def main() -> TokenHolder:
        holder = TokenHolder(KiteCredentials("k", Secret("old")), provider)
        generation = holder.generation
        await asyncio.gather(*(holder.renew(generation) for _ in range(20)))
        await holder.renew(generation)  # a late report of the old token: nothing to do
        return holder

    holder = asyncio.run(main())
    assert calls == [1]
    assert holder.token == "new-1"
    assert holder.renewals == 1


def test_rate_limiter_windows() -> None:
    now = [0.0]
    limiter = RateLimiter([(10, 1.0), (200, 60.0)], clock=lambda: now[0])
    for _ in range(10):
        assert limiter.delay() == 0
        limiter.record()
    assert limiter.delay() == pytest.approx(1.0)
    for second in range(1, 20):
        now[0] = float(second)
        for _ in range(10):
            limiter.record()
    now[0] = 20.0
    assert limiter.delay() == pytest.approx(40.0)  # 200 in the minute: wait for the first


def test_tags_fit_kite_and_round_trip() -> None:
    tag = order_tag("O-20261129-093000-001-000-12345", 7)
    assert len(tag) <= 20
    assert tag.isalnum()
    assert split_tag(tag) == (tag[:16], 7)
    assert split_tag("mktp") is None


def test_rules() -> None:
    assert slice_quantity(1755, 1800, 65) == [1755]
    assert slice_quantity(600, 600, 30) == [600]
    with pytest.raises(ValueError, match="multiple"):
        slice_quantity(100, 1800, 65)
    assert within_band(protected_limit(True, 200.0, 0.05), 200.0)
    assert within_band(protected_limit(False, 30.0, 0.05), 30.0)


def _order(order_id: str, status: str, qty: int, filled: int, avg: float, tag: str) -> KiteOrder:
    return KiteOrder(
        order_id=order_id,
        status=status,
        tradingsymbol="NIFTY26D0125250CE",
        exchange="NFO",
        transaction_type="BUY",
        order_type="LIMIT",
        quantity=qty,
        filled_quantity=filled,
        average_price=avg,
        price=100.0,
        tag=tag,
        order_timestamp="2026-11-29 10:00:00",
    )


def test_sliced_orders_fold_into_one_report() -> None:
    slices = [
        _order("1", "COMPLETE", 1755, 1755, 100.0, order_tag("C", 0)),
        _order("2", "OPEN", 455, 65, 101.0, order_tag("C", 1)),
    ]
    report = aggregate(AccountId("ZERODHA-001"), slices, None, 1)
    assert report.order_status == OrderStatus.PARTIALLY_FILLED
    assert report.quantity.as_double() == 2210
    assert report.filled_qty.as_double() == 1820
    assert str(report.venue_order_id) == "1"
    slices[1] = _order("2", "CANCELLED", 455, 65, 101.0, order_tag("C", 1))
    assert aggregate(AccountId("ZERODHA-001"), slices, None, 1).order_status == OrderStatus.CANCELED


def test_settlement_recognizer_ignores_ordinary_fills() -> None:
    class Fill:
        def __init__(self, cid: str, tid: str) -> None:
            self.client_order_id = type("C", (), {"value": cid})()
            self.trade_id = type("T", (), {"value": tid})()

    assert recognize_kite(Fill("KITE-SETTLE-CASH-X", "KITE-SETTLE-CASH-X")) is not None  # type: ignore[arg-type]
    assert recognize_kite(Fill("O-1", "123")) is None  # type: ignore[arg-type]


def test_a_failed_renewal_is_reported_again_without_asking_the_provider() -> None:
    calls: list[int] = []

    def provider(key: str, secret: Secret | None) -> str:
        calls.append(1)
        assert secret is not None
        raise ValueError(f"login refused for {secret.reveal()}")

    async def main(retry_interval: float) -> TokenHolder:
        holder = TokenHolder(
            KiteCredentials("k", Secret("old"), Secret("s3cr3t")),
            provider,
            retry_interval=retry_interval,
        )
        for _ in range(4):
            with pytest.raises(KiteTokenError, match="ValueError: login refused for \\*\\*\\*"):
                await holder.renew(holder.generation)
        return holder

    holder = asyncio.run(main(60.0))
    assert calls == [1]
    assert holder.expired  # orders are refused at once during the window
    assert "s3cr3t" not in str(holder.last_failure)
    calls.clear()
    asyncio.run(main(0.0))
    assert calls == [1, 1, 1, 1]


def test_position_report_average_is_the_opening_sides() -> None:
    account = AccountId("ZERODHA-001")
    # Long 65 after buying 130 (at 100 and 110) and selling 65 at 120.
    long = KitePosition(
        "NIFTY26D0126000CE",
        "NFO",
        65,
        average_price=90.0,
        buy_quantity=130,
        buy_value=13650.0,
        sell_quantity=65,
        sell_value=7800.0,
    )
    assert position_report(account, long, 0).avg_px_open == Decimal("105")
    short = KitePosition(
        "NIFTY26D0126000CE",
        "NFO",
        -65,
        average_price=80.0,
        buy_quantity=65,
        buy_value=6500.0,
        sell_quantity=130,
        sell_value=11700.0,
    )
    assert position_report(account, short, 0).avg_px_open == Decimal("90")
    bare = KitePosition("NIFTY26D0126000CE", "NFO", 65, average_price=99.5)
    assert position_report(account, bare, 0).avg_px_open == Decimal("99.5")
