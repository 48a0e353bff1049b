"""Small hand-built run outputs for the statistics and report tests."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd
from nautilus_trader.model.identifiers import InstrumentId, PositionId, StrategyId

from nautilus_options.portfolio import LegView, SpreadView

STRATEGY = "S-001"
_DAY_NS = 86_400_000_000_000
_OPENED_NS = 1_767_840_000_000_000_000  # 2026-01-08 02:40 UTC, 08:10 IST
_CLOSED_NS = 1_767_850_000_000_000_000  # 2026-01-08 05:26:40 UTC, 10:56:40 IST


def spread_id(number: int) -> str:
    """The id of the ``number``-th spread of :data:`STRATEGY`."""
    return f"{STRATEGY}-S{number:04d}"


def spread_view(number: int, is_open: bool) -> SpreadView:
    """A one-lot bull put credit spread (long 24100 PE, short 24300 PE), ``number - 1`` days
    after the first; odd spreads win 1,195 and even ones lose 805 (net of 45 of charges)."""
    shift = (number - 1) * _DAY_NS
    legs = tuple(
        LegView(
            index=index,
            instrument_id=InstrumentId.from_str(f"NIFTY26113{strike}PE.NFO"),
            position_id=PositionId(f"{spread_id(number)}-L{index}"),
            strike=float(strike),
            right="PE",
            ratio=ratio,
            quantity=65.0 * ratio,
            open_quantity=65.0 * ratio if is_open else 0.0,
            avg_px_open=price,
            avg_px_close=0.0 if is_open else 1.0,
            realized_pnl=0.0,
            commissions=20.0,
            settlement_charge=0.0,
            is_open=is_open,
        )
        for index, (strike, ratio, price) in enumerate(((24100, 1, 10.0), (24300, -1, 30.0)))
    )
    return SpreadView(
        spread_id=spread_id(number),
        strategy_id=StrategyId(STRATEGY),
        spread_type="bull_put_credit",
        underlying="NIFTY",
        expiry_ns=1_768_298_400_000_000_000,
        legs=legs,
        lots=1,
        lot_size=65,
        net_premium=20.0,
        opened_ns=_OPENED_NS + shift,
        closed_ns=None if is_open else _CLOSED_NS + shift,
        realized_pnl=1_195.0 if number % 2 else -805.0,
        commissions=40.0,
        settlement_charges=5.0,
        max_loss=11_700.0,
        max_profit=1_300.0,
        breakevens=(24_280.0,),
        is_open=is_open,
    )


def orders_frame(tags: Mapping[int, Sequence[str]]) -> pd.DataFrame:
    """An orders report: one order per entry of ``tags[n]`` (``;``-separated extra tags) on
    spread ``n``, tagged as the strategy tags them."""
    rows = [
        {
            "client_order_id": f"O-{number}-{index}",
            "tags": [f"spread={spread_id(number)}", "leg=0", *extra.split(";"), "type=x"],
        }
        for number, extras in tags.items()
        for index, extra in enumerate(extras)
    ]
    return pd.DataFrame(rows)


def snapshots_frame(spreads: pd.DataFrame) -> pd.DataFrame:
    """Two interval snapshots and one fill snapshot per spread, at its opening and after."""
    rows = []
    for _, spread in spreads.iterrows():
        opened = pd.Timestamp(spread["opened_at"])
        for minutes, reason in ((0, "fill"), (15, "interval"), (30, "interval")):
            rows.append(
                {
                    "ts_event": opened + pd.Timedelta(minutes=minutes),
                    "spread_id": spread["spread_id"],
                    "reason": reason,
                    "is_open": True,
                    "unrealized_pnl": -10.0 * minutes,
                    "net_delta": 4.5,
                    "theta": 120.0,
                    "vega": -30.0,
                    "underlying": 24_400.0 + minutes,
                }
            )
    return pd.DataFrame(rows)
