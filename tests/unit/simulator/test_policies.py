"""Margins, rate classes, sessions and fault profiles (pure parts, no I/O)."""

from __future__ import annotations

from datetime import date, time

import pytest

from nautilus_options.domain.nse import expiry_ns
from nautilus_options.domain.time import NS_PER_SECOND, ist_ns
from nautilus_options.errors import ConfigError
from nautilus_options.simulator.auth import Auth, checksum, next_expiry_ns
from nautilus_options.simulator.errors import KiteError
from nautilus_options.simulator.exchange.margins import Leg, portfolio_margin
from nautilus_options.simulator.faults import FaultInjector, parse_profile
from nautilus_options.simulator.ratelimit import RateLimiter, rate_class

NOW = ist_ns(date(2026, 12, 1), time(10, 0))
EXPIRY = expiry_ns(date(2026, 12, 8))
SPOT = {"NIFTY": 26_000.0}


def put(strike: float, quantity: int, price: float) -> Leg:
    return Leg("NIFTY", strike, False, EXPIRY, quantity, price)


def total(legs: list[Leg]) -> float:
    margin = portfolio_margin(legs, SPOT, NOW)
    return margin.span + margin.exposure


def test_credit_spread_gets_a_hedge_benefit_and_needs_about_its_max_loss() -> None:
    naked = total([put(26_000, -65, 180.0)])
    spread = total([put(26_000, -65, 180.0), put(25_800, 65, 100.0)])
    assert spread < naked / 3
    max_loss = (26_000 - 25_800 - (180 - 100)) * 65
    assert (
        max_loss * 0.8
        < portfolio_margin([put(26_000, -65, 180.0), put(25_800, 65, 100.0)], SPOT, NOW).span
        <= 200 * 65
    )


def test_long_options_and_debit_spreads_need_no_span() -> None:
    assert total([put(26_000, 65, 180.0)]) == 0
    assert portfolio_margin([put(26_000, 65, 180.0), put(25_800, -65, 100.0)], SPOT, NOW).span == 0


def test_naked_short_margin_is_in_the_range_of_kite_figures() -> None:
    # Kite shows roughly Rs 1.0-1.6 lakh for one ATM NIFTY lot of 65 (late 2026).
    assert 80_000 < total([put(26_000, -65, 180.0)]) < 200_000


def test_rate_classes() -> None:
    assert rate_class("GET", "/quote/ltp") == "quote"
    assert rate_class("GET", "/instruments/historical/1/minute") == "historical"
    assert rate_class("POST", "/orders/regular") == "orders"
    assert rate_class("GET", "/orders") == "other"


def test_quote_class_allows_one_a_second() -> None:
    limiter = RateLimiter()
    assert limiter.allow("k", "quote", 0)
    assert not limiter.allow("k", "quote", NS_PER_SECOND // 2)
    assert limiter.allow("k", "quote", NS_PER_SECOND)


def test_orders_class_has_a_per_second_and_a_per_minute_window() -> None:
    limiter = RateLimiter()
    assert all(limiter.allow("k", "orders", 0) for _ in range(10))
    assert not limiter.allow("k", "orders", 1)
    placed = 10
    for second in range(1, 60):
        placed += sum(limiter.allow("k", "orders", second * NS_PER_SECOND) for _ in range(10))
    assert placed == 200


def test_checksum_is_sha256_of_key_token_secret() -> None:
    import hashlib

    assert checksum("k", "t", "s") == hashlib.sha256(b"kts").hexdigest()


def test_tokens_expire_at_the_daily_time_ist() -> None:
    auth = Auth("k", "s", time(6, 0))
    session = auth.exchange("k", "rt", checksum("k", "rt", "s"), NOW)
    assert session.expires_ns == ist_ns(date(2026, 12, 2), time(6, 0))
    auth.check("k", session.access_token, session.expires_ns - 1)
    with pytest.raises(KiteError) as info:
        auth.check("k", session.access_token, session.expires_ns)
    assert (info.value.error_type, info.value.status) == ("TokenException", 403)
    assert next_expiry_ns(ist_ns(date(2026, 12, 2), time(5, 0)), time(6, 0)) == session.expires_ns


def test_bad_checksum_and_expire_all() -> None:
    auth = Auth("k", "s", time(6, 0))
    with pytest.raises(KiteError, match="checksum"):
        auth.exchange("k", "rt", "0" * 64, NOW)
    session = auth.exchange("k", "rt", checksum("k", "rt", "s"), NOW)
    assert auth.expire_all() == 1
    with pytest.raises(KiteError):
        auth.check("k", session.access_token, NOW)


def test_fault_profiles_and_overrides() -> None:
    config = parse_profile("flaky,http_429=0.5,seed=3")
    assert (config.http_429, config.seed, config.lost_response) == (0.5, 3, 0.02)
    assert parse_profile("lost_response=1").lost_response == 1.0
    with pytest.raises(ConfigError):
        parse_profile("nope")
    with pytest.raises(ConfigError):
        parse_profile("none,http_429=2")


def test_fault_draws_are_seeded() -> None:
    config = parse_profile("none,http_429=0.5,seed=11")
    first = [FaultInjector(config).happens("http_429") for _ in range(1)]
    a, b = FaultInjector(config), FaultInjector(config)
    assert [a.happens("http_429") for _ in range(50)] == [b.happens("http_429") for _ in range(50)]
    assert first
