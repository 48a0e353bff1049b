"""The order journal: every order this node sends, written to disk before it is sent.

Nautilus writes its cache to Redis from a background thread, so an order sent just before the
process dies can be at the broker and missing from Redis. The restarted node's reconciliation
would then book it as an ``EXTERNAL`` order: its fills land in a position no strategy knows,
and the spread it belonged to looks incomplete (an unwind can then leave a short without its
hedge). The journal closes that gap. Before the first Kite call for an order, one JSON line
is appended and fsynced with

* ``base``: the order's Kite tag base (:func:`~.common.symbology.tag_base`);
* ``client_order_id`` and ``position_id`` (the strategy's leg position, or null);
* ``init``: the order's ``OrderInitialized`` event as a dict (strategy, tags, price ...).

At connect the execution client puts back every journaled order that Kite's order book has
and the cache lacks (:func:`restore_order`), *before* reconciliation runs, so reconciliation
applies the broker's state to the strategy's own order, in its own leg position.

Kite's order book lives for a day, so entries older than ``keep_days`` are dropped when the
journal is opened (the file is rewritten atomically). Keep ``state_dir`` across restarts.
"""

from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from nautilus_trader.core.uuid import UUID4
from nautilus_trader.model.events import OrderInitialized, OrderSubmitted
from nautilus_trader.model.identifiers import AccountId, ClientOrderId, PositionId
from nautilus_trader.model.orders import Order
from nautilus_trader.model.orders.unpacker import OrderUnpacker

from nautilus_options.errors import DataError

__all__ = ["JOURNAL_NAME", "JournalEntry", "OrderJournal", "restore_order"]

#: The journal's file name in the execution client's ``state_dir``.
JOURNAL_NAME = "kite-orders.jsonl"
#: Days an entry is kept (Kite's order book is the day's).
KEEP_DAYS = 3
_NS_PER_DAY = 86_400 * 1_000_000_000


@dataclass(frozen=True)
class JournalEntry:
    """One journaled order.

    Attributes
    ----------
    base : str
        The Kite tag base of its slices.
    client_order_id : str
        Its client order id.
    position_id : str | None
        The position the strategy sent it for (HEDGING leg positions), if any.
    init : dict[str, Any] | None
        Its ``OrderInitialized`` as a dict (None for an order only mapped, not journaled).
    ts_ns : int
        When it was journaled (UNIX ns).
    """

    base: str
    client_order_id: str
    position_id: str | None = None
    init: dict[str, Any] | None = None
    ts_ns: int = 0

    @property
    def tradingsymbol(self) -> str | None:
        """Kite's trading symbol of the order's instrument (None for a mapped entry)."""
        return None if self.init is None else str(self.init["instrument_id"]).split(".")[0]

    def to_line(self) -> str:
        """The entry as one JSON line."""
        return json.dumps(
            {
                "base": self.base,
                "client_order_id": self.client_order_id,
                "position_id": self.position_id,
                "init": self.init,
                "ts": self.ts_ns,
            },
            separators=(",", ":"),
        )


class OrderJournal:
    """``tag base -> journaled order``, persisted to ``state_dir`` when one is given.

    Parameters
    ----------
    folder : str | None
        The state folder; None keeps the journal in memory only.
    keep_days : float, default 3
        Entries older than this are dropped on opening.

    Raises
    ------
    DataError
        If a line of the journal file is not a journal entry (names the file and line).
    """

    def __init__(self, folder: str | Path | None, keep_days: float = KEEP_DAYS) -> None:
        self._path = Path(folder).expanduser() / JOURNAL_NAME if folder else None
        self._entries: dict[str, JournalEntry] = {}
        if self._path is None or not self._path.exists():
            return
        lines = self._path.read_text().splitlines()
        for number, line in enumerate(lines, start=1):
            if line.strip():
                entry = _parse(line, self._path, number)
                self._entries[entry.base] = entry
        oldest = time.time_ns() - int(keep_days * _NS_PER_DAY)
        kept = {base: e for base, e in self._entries.items() if e.ts_ns >= oldest}
        if len(kept) < len(self._entries):
            self._entries = kept
            staged = self._path.with_suffix(".tmp")
            staged.write_text("".join(e.to_line() + "\n" for e in kept.values()))
            os.replace(staged, self._path)

    def symbols(self) -> set[str]:
        """Kite trading symbols of the journaled orders (what this node has traded)."""
        return {e.tradingsymbol for e in self._entries.values() if e.tradingsymbol is not None}

    def add(self, base: str, order: Order, position_id: PositionId | None = None) -> None:
        """Journal ``order`` (appended and fsynced at once; a repeat is a no-op)."""
        known = self._entries.get(base)
        if known is not None and known.init is not None:
            return
        self._write(
            JournalEntry(
                base,
                order.client_order_id.value,
                None if position_id is None else position_id.value,
                OrderInitialized.to_dict(order.init_event),
                time.time_ns(),
            )
        )

    def map(self, base: str, client_order_id: str) -> None:
        """Remember that ``base`` is ``client_order_id`` (an order found in the cache)."""
        if base not in self._entries:
            self._write(JournalEntry(base, client_order_id, ts_ns=time.time_ns()))

    def get(self, base: str) -> str | None:
        """The client order id of ``base``, if known."""
        entry = self._entries.get(base)
        return None if entry is None else entry.client_order_id

    def entry(self, base: str) -> JournalEntry | None:
        """The journal entry of ``base``, if any."""
        return self._entries.get(base)

    def _write(self, entry: JournalEntry) -> None:
        self._entries[entry.base] = entry
        if self._path is None:
            return
        self._path.parent.mkdir(parents=True, exist_ok=True)
        with self._path.open("a") as handle:
            handle.write(entry.to_line() + "\n")
            handle.flush()
            os.fsync(handle.fileno())


def _parse(line: str, path: Path, number: int) -> JournalEntry:
    try:
        raw = json.loads(line)
        return JournalEntry(
            str(raw["base"]),
            str(raw["client_order_id"]),
            raw.get("position_id"),
            raw.get("init"),
            int(raw.get("ts", 0)),
        )
    except (ValueError, KeyError, TypeError) as exc:
        message = f"not an order journal entry ({exc})"
        raise DataError(message, file=str(path), row=number) from None


def restore_order(entry: JournalEntry, account_id: AccountId, ts_ns: int) -> Order:
    """Rebuild a journaled order as it was once sent: initialized, then submitted.

    Raises
    ------
    ValueError
        If the entry holds no ``init`` (it was only mapped).
    """
    if entry.init is None:
        raise ValueError(f"{entry.client_order_id}: journal entry holds no order")
    order = OrderUnpacker.from_init(OrderInitialized.from_dict(entry.init))
    order.apply(
        OrderSubmitted(
            trader_id=order.trader_id,
            strategy_id=order.strategy_id,
            instrument_id=order.instrument_id,
            client_order_id=ClientOrderId(entry.client_order_id),
            account_id=account_id,
            event_id=UUID4(),
            ts_event=ts_ns,
            ts_init=ts_ns,
        )
    )
    return order
