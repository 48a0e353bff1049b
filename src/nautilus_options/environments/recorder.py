"""The :class:`RunRecorder` actor: a run's results, gathered from the message bus.

The recorder listens to what the other components publish and keeps it as rows, one
**stream** per kind of event:

============================ ================================================================
stream                       rows
============================ ================================================================
``capital``                  every :class:`~nautilus_options.capital.events.CapitalUpdated`
``snapshots``                every :class:`~nautilus_options.monitor.snapshot.SpreadSnapshot`
``fills``                    every ``OrderFilled`` (the columns of Nautilus' fills report)
``order_events``             every order event: its type, ids and reason
``position_events``          every position event: its type, ids, quantity and P&L
============================ ================================================================

Each stream keeps its latest ``max_rows`` rows in memory; with ``stream_dir`` every row is
also appended to ``<stream_dir>/<stream>.csv`` as it arrives, so nothing is lost when the
memory buffer is bounded, and a killed run leaves what it recorded. The environments read a
run's outputs from the recorder (never from the other components), whether the run is a
backtest, a paper or a live session.

Add the recorder before the components it records, so it hears their first events (the
capital manager publishes its state when it starts).
"""

from __future__ import annotations

import csv
from collections import deque
from collections.abc import Collection
from dataclasses import fields
from pathlib import Path
from typing import Any, Literal, TextIO, get_args

import pandas as pd
from nautilus_trader.analysis.reporter import ReportProvider
from nautilus_trader.common.actor import Actor
from nautilus_trader.config import ActorConfig
from nautilus_trader.core.data import Data
from nautilus_trader.model.data import DataType
from nautilus_trader.model.events import OrderEvent, OrderFilled, PositionEvent

from nautilus_options.capital.events import CapitalUpdated
from nautilus_options.compat.topics import (
    custom_data_topic,
    fill_events_topic,
    order_events_topic,
    position_events_topic,
)
from nautilus_options.errors import ConfigError
from nautilus_options.monitor.snapshot import SpreadSnapshot
from nautilus_options.portfolio import (
    DEFAULT_SETTLEMENT_RECOGNIZERS,
    SettlementRules,
    SpreadTracker,
    SpreadView,
)
from nautilus_options.strategy.diagnostics import EntryDiagnostics

__all__ = [
    "STREAMS",
    "RunRecorder",
    "RunRecorderConfig",
    "Stream",
    "read_stream",
]

Stream = Literal["capital", "snapshots", "fills", "order_events", "position_events"]
#: The recorder's streams, in the order their files are listed.
STREAMS: tuple[Stream, ...] = get_args(Stream)

_TIMES = ("ts_event", "ts_init")
#: Columns of each stream (``fills``: those of Nautilus' fills report).
COLUMNS: dict[Stream, tuple[str, ...]] = {
    "capital": (*_TIMES, *(field.name for field in fields(CapitalUpdated))),
    "snapshots": (*_TIMES, *(field.name for field in fields(SpreadSnapshot))),
    "fills": (
        *("client_order_id", "trader_id", "strategy_id", "instrument_id", "venue_order_id"),
        *("account_id", "trade_id", "position_id", "order_side", "order_type", "last_qty"),
        *("last_px", "currency", "commission", "liquidity_side", "event_id", *_TIMES),
        *("info", "reconciliation"),
    ),
    "order_events": (
        *(*_TIMES, "event", "strategy_id", "instrument_id", "client_order_id"),
        *("venue_order_id", "reason"),
    ),
    "position_events": (
        *(*_TIMES, "event", "strategy_id", "instrument_id", "position_id", "side"),
        *("signed_qty", "avg_px_open", "avg_px_close", "realized_pnl", "unrealized_pnl"),
        "currency",
    ),
}


class RunRecorderConfig(ActorConfig, kw_only=True, frozen=True):
    """Configuration of the :class:`RunRecorder`.

    Parameters
    ----------
    max_rows : int, optional, default 10_000
        Rows each stream keeps in memory (the latest ones); all when None.
    stream_dir : str, optional
        Directory to append every row to, one ``<stream>.csv`` per stream (created if
        missing; existing files are replaced when the recorder starts).
    settlement_recognizers : tuple of str, default the backtest venue's
        Import paths of the callables that recognise the venues' expiry settlement fills,
        used by :meth:`RunRecorder.spreads`.
    """

    max_rows: int | None = 10_000
    stream_dir: str | None = None
    settlement_recognizers: tuple[str, ...] = DEFAULT_SETTLEMENT_RECOGNIZERS

    def __post_init__(self) -> None:
        if self.max_rows is not None and (isinstance(self.max_rows, bool) or self.max_rows < 1):
            raise ConfigError("max_rows", f"must be >= 1 or null, was {self.max_rows!r}")


class _Buffer:
    """The rows of one stream: the latest in memory, all of them in the optional file."""

    def __init__(self, columns: tuple[str, ...], max_rows: int | None) -> None:
        self.columns = columns
        self.rows: deque[dict[str, Any]] = deque(maxlen=max_rows)
        self.total = 0
        self.path: Path | None = None
        self._file: TextIO | None = None
        self._writer: csv.DictWriter[str] | None = None

    def open(self, path: Path) -> None:
        self.close()
        self.path = path
        self._file = path.open("w", newline="", encoding="utf-8", buffering=1)
        self._writer = csv.DictWriter(self._file, self.columns, lineterminator="\n")
        self._writer.writeheader()

    def add(self, row: dict[str, Any]) -> None:
        self.rows.append(row)
        self.total += 1
        if self._writer is not None:
            self._writer.writerow({column: _csv_value(column, row[column]) for column in row})

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
        self._file = None
        self._writer = None


class RunRecorder(Actor):
    """Record a run's capital, snapshots, fills, order and position events from the bus.

    Parameters
    ----------
    config : RunRecorderConfig, optional
        The configuration (defaults when None).
    """

    def __init__(self, config: RunRecorderConfig | None = None) -> None:
        config = config or RunRecorderConfig()
        super().__init__(config)
        self._max_rows = config.max_rows
        self._stream_dir = None if config.stream_dir is None else Path(config.stream_dir)
        self._settlement = SettlementRules.from_paths(config.settlement_recognizers)
        self._buffers = self._new_buffers()
        self._handlers: tuple[tuple[str, Any], ...] = (
            (custom_data_topic(DataType(CapitalUpdated)), self._on_capital),
            (custom_data_topic(DataType(SpreadSnapshot)), self._on_snapshot),
            (fill_events_topic(), self._on_fill),
            (order_events_topic(), self._on_order_event),
            (position_events_topic(), self._on_position_event),
        )
        self._diagnostics: dict[str, EntryDiagnostics] = {}
        self._diagnostics_topic = custom_data_topic(DataType(EntryDiagnostics))

    # -- what it holds ------------------------------------------------------------------------

    def rows(self, stream: Stream) -> list[dict[str, Any]]:
        """The rows of ``stream`` kept in memory, oldest first (timestamps as UNIX ns)."""
        return list(self._buffers[stream].rows)

    def frame(self, stream: Stream) -> pd.DataFrame:
        """The rows of ``stream`` kept in memory as a DataFrame (timestamps in UTC).

        Columns are those of the stream's file; an empty frame still has them all.
        """
        frame = pd.DataFrame(self.rows(stream), columns=list(COLUMNS[stream]))
        for column in _TIMES:
            frame[column] = pd.to_datetime(frame[column].astype("int64"), unit="ns", utc=True)
        return frame

    def total(self, stream: Stream) -> int:
        """How many rows ``stream`` has received (kept in memory or not)."""
        return self._buffers[stream].total

    def dropped(self, stream: Stream) -> int:
        """How many of ``stream``'s rows no longer are in memory (see ``max_rows``)."""
        buffer = self._buffers[stream]
        return buffer.total - len(buffer.rows)

    def stream_path(self, stream: Stream) -> Path | None:
        """The file ``stream`` is appended to, or None without ``stream_dir``."""
        return self._buffers[stream].path

    def entry_diagnostics(self) -> dict[str, EntryDiagnostics]:
        """The latest :class:`EntryDiagnostics` of each strategy, by strategy id.

        Strategies publish their totals when they stop, after the actors stopped, so the
        recorder listens for them until it is disposed.
        """
        return dict(self._diagnostics)

    def spreads(self) -> list[SpreadView]:
        """Every spread in the node's cache, open or closed, ordered by opening time."""
        return SpreadTracker(self.cache, self._settlement).spreads()

    def orders_report(self) -> pd.DataFrame:
        """Nautilus' orders report over every order in the node's cache."""
        return ReportProvider.generate_orders_report(self.cache.orders())

    def positions_report(self) -> pd.DataFrame:
        """Nautilus' positions report over the node's positions and position snapshots."""
        return ReportProvider.generate_positions_report(
            self.cache.positions(), self.cache.position_snapshots()
        )

    # -- lifecycle ----------------------------------------------------------------------------

    def on_start(self) -> None:
        """Open the stream files (with ``stream_dir``) and subscribe to the events."""
        if self._stream_dir is not None:
            self._stream_dir.mkdir(parents=True, exist_ok=True)
            for stream, buffer in self._buffers.items():
                buffer.open(self._stream_dir / f"{stream}.csv")
        for topic, handler in self._handlers:
            self.msgbus.subscribe(topic, handler)
        if not self.msgbus.is_subscribed(self._diagnostics_topic, self._on_diagnostics):
            self.msgbus.subscribe(self._diagnostics_topic, self._on_diagnostics)

    def on_stop(self) -> None:
        """Unsubscribe and close the stream files (the memory buffers stay readable)."""
        for topic, handler in self._handlers:
            self.msgbus.unsubscribe(topic, handler)
        for buffer in self._buffers.values():
            buffer.close()

    def on_reset(self) -> None:
        """Forget every row (the stream files are replaced at the next start)."""
        self._buffers = self._new_buffers()
        self._diagnostics.clear()

    def on_dispose(self) -> None:
        """Close the stream files and stop listening for entry diagnostics."""
        for buffer in self._buffers.values():
            buffer.close()
        if self.msgbus.is_subscribed(self._diagnostics_topic, self._on_diagnostics):
            self.msgbus.unsubscribe(self._diagnostics_topic, self._on_diagnostics)

    # -- handlers -----------------------------------------------------------------------------

    def _on_diagnostics(self, diagnostics: EntryDiagnostics) -> None:
        self._diagnostics[diagnostics.strategy_id] = diagnostics

    def _on_capital(self, update: CapitalUpdated) -> None:
        self._buffers["capital"].add(_data_row(update))

    def _on_snapshot(self, snapshot: SpreadSnapshot) -> None:
        self._buffers["snapshots"].add(_data_row(snapshot))

    def _on_fill(self, fill: OrderFilled) -> None:
        row = OrderFilled.to_dict(fill)
        del row["type"]
        self._buffers["fills"].add(row)

    def _on_order_event(self, event: OrderEvent) -> None:
        venue_order_id = event.venue_order_id
        self._buffers["order_events"].add(
            {
                "ts_event": event.ts_event,
                "ts_init": event.ts_init,
                "event": type(event).__name__,
                "strategy_id": event.strategy_id.value,
                "instrument_id": event.instrument_id.value,
                "client_order_id": event.client_order_id.value,
                "venue_order_id": "" if venue_order_id is None else venue_order_id.value,
                "reason": getattr(event, "reason", None) or "",
            }
        )

    def _on_position_event(self, event: PositionEvent) -> None:
        self._buffers["position_events"].add(
            {
                "ts_event": event.ts_event,
                "ts_init": event.ts_init,
                "event": type(event).__name__,
                "strategy_id": event.strategy_id.value,
                "instrument_id": event.instrument_id.value,
                "position_id": event.position_id.value,
                "side": event.side.name,
                "signed_qty": event.signed_qty,
                "avg_px_open": event.avg_px_open,
                "avg_px_close": event.avg_px_close,
                "realized_pnl": _money(event.realized_pnl),
                "unrealized_pnl": _money(event.unrealized_pnl),
                "currency": event.currency.code,
            }
        )

    def _new_buffers(self) -> dict[Stream, _Buffer]:
        return {stream: _Buffer(COLUMNS[stream], self._max_rows) for stream in STREAMS}


def read_stream(path: str | Path, skip: Collection[str] = ()) -> pd.DataFrame:
    """Read a stream file written by a :class:`RunRecorder` (timestamps in UTC).

    The result has the columns and dtypes of :meth:`RunRecorder.frame`, less ``skip``.
    """
    frame = pd.read_csv(path, usecols=lambda column: column not in skip)
    for column in _TIMES:
        frame[column] = pd.to_datetime(frame[column], utc=True, format="ISO8601")
    return frame


def _data_row(data: Data) -> dict[str, Any]:
    row: dict[str, Any] = data.to_dict()
    del row["type"]
    return row


def _money(value: Any) -> float | None:
    return None if value is None else float(value.as_double())


def _csv_value(column: str, value: Any) -> Any:
    if column in _TIMES:
        return str(pd.Timestamp(value, unit="ns", tz="UTC"))
    return value
