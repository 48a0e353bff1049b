"""The ``--state`` file: sessions, orders, trades, positions and cash across restarts.

One JSON document, written atomically (a temporary file in the same folder, flushed and
fsynced, then ``os.replace``), so a crash leaves the previous complete file, never a
partial one. It holds the access tokens (a paper node keeps its session across a restart,
as with Kite), the id counters (ids never repeat), the day's orders with their histories,
the trades, the account (cash flow, charges, positions, settlements) and the trading day.
When the simulator restarts on a later IST day, the order book and trades start empty
and positions carry over as overnight quantities (Kite's daily order book).
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Any

from nautilus_options.domain.time import ist_date
from nautilus_options.errors import DataError
from nautilus_options.simulator.auth import Session
from nautilus_options.simulator.exchange.orders import Order, Trade
from nautilus_options.simulator.exchange.positions import Position

if TYPE_CHECKING:
    from nautilus_options.simulator.runtime import SimulatorCore

VERSION = 1


def snapshot(core: SimulatorCore) -> dict[str, Any]:
    """The persistent state of ``core`` as a JSON-ready dict."""
    broker, account = core.broker, core.broker.account
    return {
        "version": VERSION,
        "api_key": core.config.api_key,
        "trading_day": broker.trading_day,
        "counters": broker.counters,
        "sessions": [asdict(s) for s in core.auth.sessions.values()],
        "orders": [asdict(o) for o in broker.orders.values()],
        "trades": [t.public() for t in broker.trades],
        "account": {
            "opening_balance": account.opening_balance,
            "cash_flow": account.cash_flow,
            "charges_paid": account.charges_paid,
            "positions": [p.to_dict() for p in account.positions.values()],
            "settlements": account.settlements,
        },
    }


def save_state(core: SimulatorCore, path: Path) -> None:
    """Write the state atomically to ``path``."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(snapshot(core), separators=(",", ":"))
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as stream:
            stream.write(text)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def load_state(core: SimulatorCore, path: Path) -> bool:
    """Restore ``core`` from ``path`` if it exists; return whether it did.

    Raises
    ------
    DataError
        If the file is not a state file of this version.
    """
    path = Path(path)
    if not path.exists():
        return False
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("version") != VERSION:
            raise DataError(f"unsupported state version {data.get('version')!r}", file=str(path))
        broker, account = core.broker, core.broker.account
        broker.counters.update(data["counters"])
        now = core.clock.now_ns()
        for raw in data["sessions"]:
            session = Session(**raw)
            if session.expires_ns > now:
                core.auth.sessions[session.access_token] = session
        broker.orders = {o["order_id"]: Order.from_dict(o) for o in data["orders"]}
        broker.trades = [Trade(**t) for t in data["trades"]]
        stored = data["account"]
        account.opening_balance = stored["opening_balance"]
        account.cash_flow = stored["cash_flow"]
        account.charges_paid = stored["charges_paid"]
        account.settlements = list(stored["settlements"])
        account.positions = {}
        for raw in stored["positions"]:
            position = Position(**raw)
            account.positions[
                f"{position.exchange}:{position.tradingsymbol}:{position.product}"
            ] = position
        broker.trading_day = data["trading_day"]
    except (KeyError, TypeError, ValueError) as exc:
        raise DataError(f"not a simulator state file: {exc}", file=str(path)) from exc
    if broker.trading_day and broker.trading_day != ist_date(now).isoformat():
        broker.roll_day()
        broker.trading_day = ist_date(now).isoformat()
    return True
