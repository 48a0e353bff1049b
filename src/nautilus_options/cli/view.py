"""The live terminal view of a paper or live session: spreads, capital, orders, connections.

:func:`render` builds a rich renderable from a running
:class:`~nautilus_options.environments.session.NodeSession`; the commands refresh it inside a
``rich.live.Live`` on a terminal. :func:`status_line` is the one-line form printed when
stdout is not a terminal (services, pipes).
"""

from __future__ import annotations

import sys
import time
from typing import Any, TextIO

from rich.console import Console, Group
from rich.live import Live
from rich.table import Table
from rich.text import Text

from nautilus_options.environments.session import NodeSession, SessionOutcome
from nautilus_options.portfolio import LegView

__all__ = ["render", "run_with_view", "status_line"]

_CAPITAL_KEYS = ("capital", "deployed", "realized_pnl", "drawdown_pct", "halted")
#: Seconds between status lines when stdout is not a terminal.
STATUS_SECS = 10.0


def _mark(session: NodeSession, leg: LegView) -> float | None:
    quote = session.running_node.cache.quote_tick(leg.instrument_id)
    if quote is None:
        return None
    return (quote.bid_price.as_double() + quote.ask_price.as_double()) / 2


def _capital(session: NodeSession) -> dict[str, Any]:
    rows = session.recorder.rows("capital")
    return rows[-1] if rows else {}


def _connected(session: NodeSession) -> str:
    kernel = session.running_node.kernel
    data = "up" if kernel.data_engine.check_connected() else "DOWN"
    execution = "up" if kernel.exec_engine.check_connected() else "DOWN"
    return f"data {data}, execution {execution}"


def _cell(value: Any) -> str:
    return f"{value:,.2f}" if isinstance(value, float) else str(value)


def status_line(session: NodeSession) -> str:
    """One line: connections, capital, open spreads and their P&L, open orders."""
    spreads = [view for view in session.spreads() if view.is_open]
    pnl = sum(view.unrealized_pnl(lambda leg: _mark(session, leg)) or 0.0 for view in spreads)
    capital = _capital(session).get("capital")
    orders = len(session.running_node.cache.orders_open())
    capital_text = "?" if capital is None else f"{float(capital):,.0f}"
    return (
        f"[{_connected(session)}] capital {capital_text} INR | open spreads {len(spreads)} "
        f"(open P&L {pnl:+,.0f}) | open orders {orders}"
    )


def render(session: NodeSession, header: str = "") -> Group:
    """The full view: a header, the spreads with their legs, capital, and open orders."""
    spreads = Table(title="Spreads", expand=True)
    for column in ("spread", "leg", "side", "qty", "open px", "mark", "P&L"):
        spreads.add_column(column, justify="right" if column in ("qty", "open px") else "left")
    for view in session.spreads()[-8:]:
        pnl = view.unrealized_pnl(lambda leg: _mark(session, leg)) if view.is_open else None
        state = "open" if view.is_open else f"closed {view.realized_pnl:+,.0f}"
        total = f"{pnl:+,.0f}" if pnl is not None else ""
        spreads.add_row(
            f"{view.spread_id} ({view.spread_type}, {state})", "", "", "", "", "", total
        )
        for leg in view.legs:
            mark = _mark(session, leg)
            side = "SELL" if leg.ratio < 0 else "BUY"
            spreads.add_row(
                "",
                f"{leg.instrument_id.symbol} ",
                side,
                f"{leg.open_quantity:g}/{leg.quantity:g}",
                f"{leg.avg_px_open:.2f}",
                "" if mark is None else f"{mark:.2f}",
                "",
            )
    capital = _capital(session)
    money = Table(title="Capital", expand=True)
    for key in _CAPITAL_KEYS:
        money.add_column(key)
    money.add_row(*(_cell(capital.get(key, "")) for key in _CAPITAL_KEYS))
    orders = Table(title="Open orders", expand=True)
    for column in ("order", "instrument", "side", "qty", "price", "status"):
        orders.add_column(column)
    for order in session.running_node.cache.orders_open():
        price = getattr(order, "price", None)
        orders.add_row(
            order.client_order_id.value,
            order.instrument_id.symbol.value,
            order.side_string(),
            f"{order.quantity}",
            "" if price is None else f"{price}",
            order.status_string(),
        )
    kill = session.kill_switch
    footer = Text(f"connections: {_connected(session)}")
    if kill.triggered:
        footer.append(f"   KILL SWITCH: {kill.reason}", style="bold red")
    return Group(Text(header, style="bold"), spreads, money, orders, footer)


def run_with_view(
    session: NodeSession, header: str, started: float, out: TextIO | None = None
) -> SessionOutcome:
    """Run ``session`` showing the view (a terminal) or status lines (otherwise) on ``out``.

    Spreads held when the node started (taken over after a restart) are named once; then
    one line ``first spread opened after <s> s: <id>`` is printed when the first spread of
    this session has all its legs, ``started`` being the ``time.monotonic()`` of the
    command start. ``out`` defaults to stdout (``--json`` gives stderr).
    """
    stream = sys.stdout if out is None else out
    console = Console(file=stream)
    live: Live | None = None
    state: dict[str, Any] = {"opened": False, "status": 0.0, "held": set()}

    def say(line: str) -> None:
        (console if live is None else live.console).print(line)
        stream.flush()

    def ready(running: NodeSession) -> None:
        held = [view.spread_id for view in running.spreads() if view.is_open]
        state["held"] = {view.spread_id for view in running.spreads()}
        if held:
            say(f"took over {len(held)} open spread(s) held at the start: {', '.join(held)}")

    def tick(running: NodeSession) -> None:
        if not state["opened"]:
            opened = [v for v in running.opened_spreads() if v.spread_id not in state["held"]]
            if opened:
                state["opened"] = True
                secs = time.monotonic() - started
                say(f"first spread opened after {secs:.0f} s: {opened[0].spread_id}")
        if live is not None:
            live.update(render(running, header))
        elif time.monotonic() - state["status"] >= STATUS_SECS:
            state["status"] = time.monotonic()
            print(status_line(running), file=stream, flush=True)

    if console.is_terminal:
        with Live(console=console, refresh_per_second=2, transient=False) as live:
            return session.run(on_tick=tick, tick_secs=0.5, on_ready=ready)
    return session.run(on_tick=tick, tick_secs=0.5, on_ready=ready)
