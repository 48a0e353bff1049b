"""Market sources over loopback: catalog replay, the Kite feed (a second simulator), 2027."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sim_helpers import FAST, login, nifty_option, wait_for

from nautilus_options.domain.nse import CALENDAR_END
from nautilus_options.domain.time import IST
from nautilus_options.simulator import KiteSimulator, SimulatorConfig


@pytest.fixture(scope="module")
def catalog(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("replay") / "catalog"
    subprocess.run(
        [sys.executable, "-m", "nautilus_options", "data", "generate", "--underlying", "NIFTY",
         "--start", "2026-03-02", "--days", "2", "--strikes", "4", "--expiries", "2",
         "--out", str(out), "--json"],
        check=True, capture_output=True, timeout=120,
    )  # fmt: skip
    return out


def test_replay_rebases_a_catalog_to_the_present_and_fills(catalog: Path) -> None:
    config = SimulatorConfig(market="replay", catalog=catalog, speed=600.0, **FAST)  # type: ignore[arg-type]
    with KiteSimulator(config) as sim:
        kite = login(sim)
        option = nifty_option(kite)
        assert option["expiry"] >= datetime.now(UTC).date()  # relisted from today
        key = f"NFO:{option['tradingsymbol']}"
        first = kite.quote(key, "NSE:NIFTY 50")
        ist_now = datetime.now(IST).replace(tzinfo=None)  # Kite's times are naive IST
        assert abs((first[key]["timestamp"] - ist_now).total_seconds()) < 30
        level = first["NSE:NIFTY 50"]["last_price"]
        wait_for(lambda: kite.ltp("NSE:NIFTY 50")["NSE:NIFTY 50"]["last_price"] != level)
        ask = kite.quote(key)[key]["depth"]["sell"][0]["price"]
        order_id = kite.place_order(
            "regular", "NFO", option["tradingsymbol"], "BUY", 65, "NRML", "LIMIT", price=ask + 5
        )
        wait_for(lambda: kite.order_history(order_id)[-1]["status"] == "COMPLETE")


def test_kite_feed_from_a_second_simulator_drives_the_book() -> None:
    with KiteSimulator(SimulatorConfig(underlyings=("NIFTY",), **FAST)) as upstream:  # type: ignore[arg-type]
        token = login(upstream).access_token
        config = SimulatorConfig(
            market="kite",
            underlyings=("NIFTY",),
            expiries=1,
            strikes_each_side=3,
            kite_api_key=upstream.api_key,
            kite_access_token=token,
            kite_root=upstream.url,
            kite_ws_root=upstream.ws_url,
            **FAST,  # type: ignore[arg-type]
        )
        with KiteSimulator(config) as paper:
            kite = login(paper)
            option = nifty_option(kite)
            symbols = {r["tradingsymbol"] for r in kite.instruments("NFO")}
            assert len(symbols) == 14  # 7 strikes x CE/PE of the upstream's first expiry
            key = f"NFO:{option['tradingsymbol']}"
            source = login(upstream)

            def same_touch() -> bool:
                mine = kite.quote(key)[key]["depth"]["sell"][0]["price"]
                theirs = source.quote(key)[key]["depth"]["sell"][0]["price"]
                return bool(mine) and mine == theirs

            wait_for(same_touch)
            assert wait_for(lambda: sim_connected(paper))
            ask = kite.quote(key)[key]["depth"]["sell"][0]["price"]
            order_id = kite.place_order(
                "regular", "NFO", option["tradingsymbol"], "BUY", 65, "NRML", "LIMIT", price=ask + 5
            )
            wait_for(lambda: kite.order_history(order_id)[-1]["status"] == "COMPLETE")
            assert source.orders() == []  # fills are simulated, nothing reached "Kite"


def sim_connected(sim: KiteSimulator) -> bool:
    return bool(sim.call(lambda core: core.market.connected.is_set()))


def test_a_simulator_in_2027_lists_provisional_expiries() -> None:
    start = datetime(2027, 3, 9, 5, 0, tzinfo=UTC)  # 10:30 IST, a Tuesday
    config = SimulatorConfig(start_at=start, **FAST)  # type: ignore[arg-type]
    with KiteSimulator(config) as sim:
        info = sim.info()
        assert info["calendar"] == "provisional"
        assert info["provisional_expiries"]
        assert all(day > CALENDAR_END.isoformat() for day in info["provisional_expiries"])
        kite = login(sim)
        banknifty = [r for r in kite.instruments("NFO") if r["name"] == "BANKNIFTY"]
        assert banknifty
        assert min(r["expiry"] for r in banknifty).year == 2027
        option = nifty_option(kite)
        key = f"NFO:{option['tradingsymbol']}"
        ask = kite.quote(key)[key]["depth"]["sell"][0]["price"]
        order_id = kite.place_order(
            "regular", "NFO", option["tradingsymbol"], "BUY", 65, "NRML", "LIMIT", price=ask + 5
        )
        wait_for(lambda: kite.order_history(order_id)[-1]["status"] == "COMPLETE")
        assert kite.positions()["net"][0]["quantity"] == 65


def test_a_simulator_inside_the_table_says_nse() -> None:
    with KiteSimulator(SimulatorConfig(underlyings=("NIFTY",), **FAST)) as sim:  # type: ignore[arg-type]
        assert sim.info()["calendar"] in ("nse", "provisional")  # near the end: either
        assert "provisional_expiries" in sim.info()


def test_replay_last_price_band_and_candles_follow_the_market(catalog: Path) -> None:
    """A catalog without option trades: last price is marked to the mid, the band follows it,
    a buy at the ask is accepted, and the candles move."""
    config = SimulatorConfig(market="replay", catalog=catalog, speed=600.0, **FAST)  # type: ignore[arg-type]
    with KiteSimulator(config) as sim:
        kite = login(sim)
        rows = [r for r in kite.instruments("NFO") if r["name"] == "NIFTY"]
        keys = [f"NFO:{r['tradingsymbol']}" for r in rows]
        start = {k: q["last_price"] for k, q in kite.quote(keys).items()}

        def moved() -> tuple[str, dict[str, Any]] | None:
            quotes = kite.quote(keys)
            changes = [(abs(q["last_price"] - start[k]), k) for k, q in quotes.items()]
            change, key = max(changes)
            return (key, quotes[key]) if change >= 1.0 else None

        key, quote = wait_for(moved, timeout=30)
        bid, ask = quote["depth"]["buy"][0]["price"], quote["depth"]["sell"][0]["price"]
        assert quote["last_price"] == pytest.approx(round((bid + ask) / 2 / 0.05) * 0.05)
        assert quote["volume"] == 0  # no print in the catalog, none of ours yet
        assert quote["lower_circuit_limit"] <= bid < ask <= quote["upper_circuit_limit"]
        symbol = key.split(":", 1)[1]
        order_id = kite.place_order("regular", "NFO", symbol, "BUY", 65, "NRML", "LIMIT", price=ask)
        wait_for(lambda: kite.order_history(order_id)[-1]["status"] != "OPEN PENDING")
        final = kite.order_history(order_id)[-1]
        assert final["status"] != "REJECTED", final["status_message"]
        token = quote["instrument_token"]
        now = datetime.now(IST).replace(tzinfo=None)

        def candles() -> list[Any]:
            rows = kite.historical_data(
                token, now - timedelta(hours=1), now + timedelta(hours=1), "minute"
            )
            return (
                rows
                if len({(c["high"], c["low"], c["close"]) for c in rows}) > 1
                or any(c["high"] > c["low"] for c in rows)
                else []
            )

        assert wait_for(candles, timeout=90)
