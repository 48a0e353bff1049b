"""Record a paper or live session's market data into a catalog that backtests can read.

:class:`MarketRecorder` is an actor for a ``TradingNode``. It listens on the data engine's
topics (:mod:`nautilus_options.compat.topics`) for the quotes of every option and the trades
of every index in the node's cache, and appends them, with the instrument definitions, to a
``ParquetDataCatalog``. A recording is an ordinary catalog::

    options-nt backtest --catalog <recording>

runs the session's market again. What is written matches what the backtest reads:

* the instruments are the ones the data client put in the cache, built by
  :mod:`nautilus_options.data.instruments` as the backtest's are;
* each index trade on ``<INDEX>.NSE`` is also written on its settlement mirror
  ``<INDEX>.NFO`` (trades the bus carries on the mirror itself are not recorded twice);
* ``ts_init`` is the node's receive time, so the backtest replays the session's clock.

**Bounded and crash-safe.** Rows are buffered and flushed every ``flush_interval_secs``,
whenever ``flush_rows`` rows are waiting, and on stop. Flushes are written by a worker
thread, one at a time, so the node's event loop never waits on the disk (a pause there
would delay the strategy's timers and make paper decide on other quotes than a backtest of
the recording). Each flush writes its files into a
staging folder beside the catalog and moves them in through the commit journal of
:mod:`nautilus_options.data.journal`, so a crash never leaves half a flush: the next reader
or writer rolls the commit forward or back. The recorder holds the catalog's writer lock
(:mod:`nautilus_options.data.lock`) from start to stop, so two sessions cannot record into
one catalog at once.

With ``subscribe=True`` (the default) the recorder also subscribes to those instruments,
so the data client streams them even when no strategy asks for them.
"""

from __future__ import annotations

import contextlib
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path
from typing import Any

from nautilus_trader.common.actor import Actor
from nautilus_trader.common.events import TimeEvent
from nautilus_trader.config import ActorConfig, ImportableActorConfig
from nautilus_trader.core.data import Data
from nautilus_trader.model.data import QuoteTick, TradeTick
from nautilus_trader.model.identifiers import InstrumentId, Venue
from nautilus_trader.model.instruments import IndexInstrument, Instrument, OptionContract
from nautilus_trader.persistence.catalog.parquet import ParquetDataCatalog

from nautilus_options.compat.parquet import data_folder
from nautilus_options.compat.topics import quotes_topic, trades_topic
from nautilus_options.data.journal import catalog_writer, commit_files
from nautilus_options.data.staging import staging_directory
from nautilus_options.errors import ConfigError

__all__ = [
    "CatalogAppender",
    "MarketRecorder",
    "MarketRecorderConfig",
    "market_recorder_config",
]

#: Venue of the index's settlement mirror (``data.instruments.NFO``).
MIRROR_VENUE = Venue("NFO")
_FLUSH_TIMER = "market-recorder-flush"


class MarketRecorderConfig(ActorConfig, kw_only=True, frozen=True):
    """Configuration of :class:`MarketRecorder`.

    Parameters
    ----------
    catalog_path : str
        The catalog to append to (created when missing).
    flush_rows : int, default 50_000
        Rows buffered at most before a flush (bounds memory and the flush's pause).
    flush_interval_secs : float, default 30.0
        Seconds between flushes (each writes one file per instrument that had data).
    subscribe : bool, default True
        Subscribe to every option's quotes and every index's trades, so that they are
        recorded even when no strategy subscribes to them.
    wait_for_lock : bool, default False
        Wait for another writer of the catalog to finish instead of failing at start.
    """

    catalog_path: str
    flush_rows: int = 50_000
    flush_interval_secs: float = 30.0
    subscribe: bool = True
    wait_for_lock: bool = False

    def __post_init__(self) -> None:
        if not self.catalog_path:
            raise ConfigError("record.catalog_path", "must name a directory")
        if self.flush_rows < 1:
            raise ConfigError("record.flush_rows", f"must be >= 1, got {self.flush_rows}")
        if not self.flush_interval_secs > 0:
            raise ConfigError(
                "record.flush_interval_secs", f"must be > 0, got {self.flush_interval_secs}"
            )


def market_recorder_config(catalog_path: str | Path, **options: Any) -> ImportableActorConfig:
    """The :class:`MarketRecorder` of a node, by import path (``options``: config fields)."""
    return ImportableActorConfig(
        actor_path=f"{__name__}:MarketRecorder",
        config_path=f"{__name__}:MarketRecorderConfig",
        config={"catalog_path": str(catalog_path), **options},
    )


class CatalogAppender:
    """Appends instruments and ticks to a catalog in atomic, journalled flushes.

    Holds the catalog's writer lock between :meth:`open` and :meth:`close`.

    Parameters
    ----------
    catalog : Path
        The catalog directory.
    wait : bool, default False
        Wait for the lock instead of raising ``CatalogLockedError``.
    """

    def __init__(self, catalog: Path, wait: bool = False) -> None:
        self.catalog = catalog
        self._wait = wait
        self._lock: contextlib.ExitStack | None = None
        self._instruments: dict[InstrumentId, Instrument] = {}
        self._rows: list[Data] = []
        #: Notices of what opening repaired (a stale lock, an interrupted commit).
        self.notices: list[str] = []
        #: Rows and files written so far.
        self.rows_written = 0
        self.files_written = 0

    @property
    def pending(self) -> int:
        """Rows waiting for the next flush."""
        return len(self._rows)

    def open(self) -> None:
        """Take the writer lock (repairing an interrupted commit first)."""
        if self._lock is not None:
            return
        stack = contextlib.ExitStack()
        self.notices.extend(stack.enter_context(catalog_writer(self.catalog, wait=self._wait)))
        self._lock = stack

    def close(self) -> None:
        """Flush what is buffered and release the lock."""
        if self._lock is None:
            return
        try:
            self.flush()
        finally:
            self._lock.close()
            self._lock = None

    def add_instrument(self, instrument: Instrument) -> None:
        """Write ``instrument``'s definition at the next flush, unless the catalog has one."""
        folder = self.catalog / data_folder(type(instrument), instrument.id.value)
        if instrument.id not in self._instruments and not folder.is_dir():
            self._instruments[instrument.id] = instrument

    def add(self, data: Data) -> None:
        """Buffer one tick."""
        self._rows.append(data)

    def take(self) -> tuple[list[Instrument], list[Data]]:
        """Hand over what is buffered (to :meth:`write`), leaving the buffers empty."""
        rows, self._rows = self._rows, []
        instruments = list(self._instruments.values())
        self._instruments.clear()
        return instruments, rows

    def write(self, batch: tuple[list[Instrument], list[Data]]) -> int:
        """Write a batch from :meth:`take` as one atomic commit; return its rows.

        Safe to call from a worker thread (one at a time), while the owner buffers more.
        """
        if self._lock is None:
            raise RuntimeError("the appender is not open")
        instruments, rows = batch
        if not rows and not instruments:
            return 0
        with staging_directory(self.catalog) as staging:
            ParquetDataCatalog(str(staging)).write_data(
                [*instruments, *rows], skip_disjoint_check=True
            )
            files = sorted(str(p.relative_to(staging)) for p in staging.rglob("*.parquet"))
            clash = [rel for rel in files if (self.catalog / rel).exists()]
            if clash:
                raise FileExistsError(f"{self.catalog}: would overwrite {clash[0]}")
            commit_files(staging, self.catalog, files)
        self.rows_written += len(rows)
        self.files_written += len(files)
        return len(rows)

    def flush(self) -> int:
        """Write what is buffered now (:meth:`take` then :meth:`write`)."""
        return self.write(self.take())


class MarketRecorder(Actor):
    """Records the quotes and trades a node receives into a catalog (see the module)."""

    def __init__(self, config: MarketRecorderConfig) -> None:
        super().__init__(config)
        self.cfg = config
        self.appender = CatalogAppender(
            Path(config.catalog_path).expanduser(), wait=config.wait_for_lock
        )
        self._topics: list[tuple[str, Any]] = []
        self._mirrors: dict[InstrumentId, InstrumentId] = {}
        self._writer: ThreadPoolExecutor | None = None
        self._writes: list[Future[int]] = []

    def on_start(self) -> None:
        """Take the catalog's lock, note the instruments and follow their data."""
        self.appender.open()
        self._writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="market-recorder")
        for notice in self.appender.notices:
            self.log.warning(f"recording catalog: {notice}")
        instruments = self.cache.instruments()
        ids = {instrument.id for instrument in instruments}
        for instrument in instruments:
            if isinstance(instrument, OptionContract):
                self.appender.add_instrument(instrument)
                self._follow(quotes_topic(instrument.id), self._on_tick)
                if self.cfg.subscribe:
                    self.subscribe_quote_ticks(instrument.id)
            elif isinstance(instrument, IndexInstrument):
                self.appender.add_instrument(instrument)
                if instrument.id.venue == MIRROR_VENUE:
                    continue  # written from the index's own trades
                mirror = InstrumentId(instrument.id.symbol, MIRROR_VENUE)
                if mirror in ids:
                    self._mirrors[instrument.id] = mirror
                self._follow(trades_topic(instrument.id), self._on_index_trade)
                if self.cfg.subscribe:
                    self.subscribe_trade_ticks(instrument.id)
        self.clock.set_timer(
            _FLUSH_TIMER,
            timedelta(seconds=self.cfg.flush_interval_secs),
            callback=self._on_flush_timer,
        )
        self.log.info(
            f"recording {len(instruments)} instruments' market data into {self.appender.catalog}"
        )

    def on_stop(self) -> None:
        """Stop listening, write what is buffered and release the lock."""
        for topic, handler in self._topics:
            self.msgbus.unsubscribe(topic=topic, handler=handler)
        self._topics.clear()
        if _FLUSH_TIMER in self.clock.timer_names:
            self.clock.cancel_timer(_FLUSH_TIMER)
        self._drain()
        self.appender.close()
        self.log.info(
            f"recorded {self.appender.rows_written} rows in {self.appender.files_written} "
            f"files into {self.appender.catalog}"
        )

    def on_dispose(self) -> None:
        """Release the lock if the node never stopped the recorder."""
        self._drain()
        self.appender.close()

    def _flush(self) -> None:
        """Hand the buffered rows to the writer thread (the node's loop never waits on disk)."""
        self._check_writes()
        batch = self.appender.take()
        if (batch[0] or batch[1]) and self._writer is not None:
            self._writes.append(self._writer.submit(self.appender.write, batch))

    def _check_writes(self) -> None:
        """Forget finished writes; a failed one is raised here, on the node's loop."""
        done = [write for write in self._writes if write.done()]
        self._writes = [write for write in self._writes if not write.done()]
        for write in done:
            write.result()

    def _drain(self) -> None:
        """Wait for the writes in flight and stop the writer thread."""
        if self._writer is not None:
            self._writer.shutdown(wait=True)
            self._writer = None
        self._check_writes()

    def _follow(self, topic: str, handler: Any) -> None:
        self.msgbus.subscribe(topic=topic, handler=handler)
        self._topics.append((topic, handler))

    def _on_tick(self, tick: QuoteTick | TradeTick) -> None:
        self.appender.add(tick)
        if self.appender.pending >= self.cfg.flush_rows:
            self._flush()

    def _on_index_trade(self, trade: TradeTick) -> None:
        self.appender.add(trade)
        mirror = self._mirrors.get(trade.instrument_id)
        if mirror is not None:
            self.appender.add(
                TradeTick(
                    mirror,
                    trade.price,
                    trade.size,
                    trade.aggressor_side,
                    trade.trade_id,
                    trade.ts_event,
                    trade.ts_init,
                )
            )
        if self.appender.pending >= self.cfg.flush_rows:
            self._flush()

    def _on_flush_timer(self, event: TimeEvent) -> None:
        self._flush()
