"""The circuit limits ``/quote`` shows are the ones orders are checked against (loopback,
official client). The market is stepped by hand (``tick_interval`` of an hour) so that
nothing moves between the quote and the orders."""

from __future__ import annotations

from kiteconnect import KiteConnect
from sim_helpers import FAST, login, nifty_option, wait_for

from nautilus_options.simulator import KiteSimulator, SimulatorConfig
from nautilus_options.simulator.runtime import SimulatorCore


def test_orders_inside_the_quoted_limits_are_never_rejected_for_the_band() -> None:
    config = SimulatorConfig(**{**FAST, "tick_interval": 3600.0}, underlyings=("NIFTY",))  # type: ignore[arg-type]
    with KiteSimulator(config) as sim:
        kite = login(sim)
        option = nifty_option(kite)
        token = option["instrument_token"]

        def traded_away_from_close(core: SimulatorCore) -> bool:
            core.step()
            quote = core.market.quotes[token]
            now_s = core.clock.now_ns() // 1_000_000_000
            return quote.last_trade_time == now_s and abs(quote.last_price - quote.close) >= 0.1

        wait_for(lambda: sim.call(traded_away_from_close), interval=0.2)
        key = f"NFO:{option['tradingsymbol']}"
        quote = kite.quote(key)[key]
        low, high = quote["lower_circuit_limit"], quote["upper_circuit_limit"]
        assert low < quote["last_price"] < high

        def place(side: str, price: float) -> dict[str, object]:
            order_id = kite.place_order(
                "regular", "NFO", option["tradingsymbol"], side, 65, "NRML", "LIMIT", price=price
            )
            return kite.order_history(order_id)[-1]  # type: ignore[no-any-return]

        above = place(KiteConnect.TRANSACTION_TYPE_BUY, round(high + 0.05, 2))
        assert above["status"] == "REJECTED"
        assert f"upper circuit limit of {high:.2f}" in str(above["status_message"])
        below = place(KiteConnect.TRANSACTION_TYPE_SELL, round(low - 0.05, 2))
        assert below["status"] == "REJECTED"
        assert f"lower circuit limit of {low:.2f}" in str(below["status_message"])
        at_high = place(KiteConnect.TRANSACTION_TYPE_BUY, high)
        assert at_high["status"] != "REJECTED", at_high["status_message"]
