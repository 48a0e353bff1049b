"""Basket margins over the bus: a MarginRequest answered by the Zerodha client in a TradingNode."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from kite_node import Recorder, RecorderConfig, build_node, eventually, run
from kiteconnect import KiteConnect
from nautilus_trader.live.node import TradingNode

from nautilus_options.capital.messages import (
    MARGIN_ENDPOINT,
    MarginLeg,
    MarginRequest,
    MarginResponse,
)


def _iron_condor(sim: Any) -> tuple[MarginLeg, ...]:
    """Short strangle two strikes out, long wings two strikes further, one lot each."""
    kite = KiteConnect(sim.api_key, root=sim.url)
    spot = next(r for r in kite.instruments("NSE") if r["tradingsymbol"] == "NIFTY 50")[
        "last_price"
    ]
    rows = kite.instruments("NFO")
    calls = sorted(
        (r for r in rows if r["instrument_type"] == "CE" and r["strike"] > spot),
        key=lambda r: r["strike"],
    )
    puts = sorted(
        (r for r in rows if r["instrument_type"] == "PE" and r["strike"] < spot),
        key=lambda r: -r["strike"],
    )
    lot = int(calls[0]["lot_size"])

    def leg(row: dict[str, Any], side: str) -> MarginLeg:
        return MarginLeg(f"{row['tradingsymbol']}.NFO", side, lot, 0.0)  # type: ignore[arg-type]

    return (leg(calls[1], "SELL"), leg(calls[3], "BUY"), leg(puts[1], "SELL"), leg(puts[3], "BUY"))


def test_basket_margin_of_an_iron_condor_shows_the_hedge_benefit(
    sim_factory: Any, tmp_path: Path
) -> None:
    sim = sim_factory()
    legs = _iron_condor(sim)
    node = build_node(sim, str(tmp_path / "state"), RecorderConfig())
    answers: list[MarginResponse] = []
    buses: list[Any] = []

    async def act(node: TradingNode) -> None:
        (actor,) = node.trader.strategies()
        assert isinstance(actor, Recorder)
        assert MARGIN_ENDPOINT in actor.msgbus.endpoints()
        buses.append(actor.msgbus)
        actor.msgbus.send(
            endpoint=MARGIN_ENDPOINT,
            msg=MarginRequest(request_id="IC-1", legs=legs, callback=answers.append),
        )
        unknown = (MarginLeg("NIFTY99D0199999CE.NFO", "SELL", 65, 10.0),)
        actor.msgbus.send(
            endpoint=MARGIN_ENDPOINT,
            msg=MarginRequest(request_id="BAD", legs=unknown, callback=answers.append),
        )
        await eventually(lambda: len(answers) == 2, 20, "margin answers")

    run(node, act)
    good, bad = sorted(answers, key=lambda a: a.request_id != "IC-1")
    assert good.request_id == "IC-1"
    assert good.error is None
    assert 0 < good.final < good.initial  # the hedge benefit
    assert good.available > good.final
    assert bad.request_id == "BAD"
    assert bad.error
    assert "InputException" in bad.error or "Unknown instrument" in bad.error
    assert (bad.initial, bad.final, bad.available) == (0.0, 0.0, 0.0)
    assert MARGIN_ENDPOINT not in buses[0].endpoints()  # deregistered on disconnect
