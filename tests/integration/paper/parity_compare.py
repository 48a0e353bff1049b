"""The decisions of a run (its strategy's orders) and their comparison between two runs."""

from __future__ import annotations

import ast
from dataclasses import dataclass

import pandas as pd

from nautilus_options.portfolio import tag_value

#: The option tick (NFO): fill prices of the two runs may differ by at most this much.
TICK = 0.05


@dataclass(frozen=True)
class Decision:
    """One order of the strategy: which spread and leg, what it traded, how it filled."""

    ts_init: int
    ts_last: int
    sequence: int
    spread: str
    leg: str
    intent: str
    instrument: str
    side: str
    quantity: int
    status: str
    avg_px: float | None

    @property
    def key(self) -> tuple[str, str, str, str, str, int]:
        """What must be the same in both runs."""
        return (self.spread, self.leg, self.intent, self.instrument, self.side, self.quantity)


def _tags(value: object) -> list[str]:
    if isinstance(value, str):
        parsed = ast.literal_eval(value) if value.startswith("[") else value.split(",")
        return [str(tag).strip() for tag in parsed]
    return [str(tag) for tag in value] if isinstance(value, list | tuple) else []


def decisions(orders: pd.DataFrame, until_ns: int | None = None) -> list[Decision]:
    """The strategy orders of a Nautilus orders report, in the order they were created."""
    out = []
    for _, row in orders.reset_index().iterrows():
        tags = _tags(row["tags"])
        spread = tag_value(tags, "spread")
        if spread is None or (until_ns is not None and int(row["ts_init"]) > until_ns):
            continue
        avg = row.get("avg_px")
        out.append(
            Decision(
                ts_init=int(row["ts_init"]),
                ts_last=int(row["ts_last"]),
                sequence=int(str(row["client_order_id"]).rsplit("-", 1)[-1]),
                spread=spread,
                leg=tag_value(tags, "leg") or "",
                intent=tag_value(tags, "intent") or "",
                instrument=str(row["instrument_id"]),
                side=str(row["side"]),
                quantity=int(float(row["quantity"])),
                status=str(row["status"]),
                avg_px=None if avg is None or pd.isna(avg) else float(avg),
            )
        )
    # Orders created at one instant keep the order the strategy created them in.
    return sorted(out, key=lambda d: (d.ts_init, d.sequence))


def table(paper: list[Decision], backtest: list[Decision]) -> str:
    """The two runs side by side, one order a row, ``!`` marking a row that differs."""
    lines = [
        f"{'':1} {'spread':>27} {'leg':>3} {'intent':>6} {'instrument':>24} {'side':>4} "
        f"{'qty':>4} {'paper px':>9} {'bt px':>9} {'diff':>6}"
    ]
    for i in range(max(len(paper), len(backtest))):
        p = paper[i] if i < len(paper) else None
        b = backtest[i] if i < len(backtest) else None
        ref = p or b
        assert ref is not None
        diff = (
            abs(p.avg_px - b.avg_px)
            if p is not None and b is not None and p.avg_px is not None and b.avg_px is not None
            else None
        )
        same = p is not None and b is not None and p.key == b.key
        bad = not same or (diff is not None and diff > TICK + 1e-9)
        lines.append(
            f"{'!' if bad else ' '} {ref.spread:>27} {ref.leg:>3} {ref.intent:>6} "
            f"{ref.instrument:>24} {ref.side:>4} {ref.quantity:>4} "
            f"{_px(p):>9} {_px(b):>9} {'' if diff is None else f'{diff:.2f}':>6}"
        )
    return "\n".join(lines)


def _px(decision: Decision | None) -> str:
    if decision is None:
        return "-"
    return "open" if decision.avg_px is None else f"{decision.avg_px:.2f}"
