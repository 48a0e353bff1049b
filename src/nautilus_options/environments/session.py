"""Run a paper or live ``TradingNode``: signals, the kill switch, a clean stop and the outputs.

:class:`NodeSession` builds the node of a ``TradingNodeConfig`` (from
:func:`~nautilus_options.environments.paper.build_paper_config` or
:func:`~nautilus_options.environments.live.build_live_config`) and runs it:

* SIGINT and SIGTERM stop it cleanly; with ``on_stop="flatten"`` the kill switch's
  hedge-last flattening runs first (bounded by ``flatten_timeout_secs``), with ``"leave"``
  the positions stay but every working order is cancelled (none works while the node is
  down);
* SIGUSR1, the kill file or the daily-loss guard fire the
  :class:`~nautilus_options.environments.killswitch.KillSwitch`: every other strategy is
  stopped, every order cancelled, every position closed hedge-last, then the node halts;
* at the end it writes the backtest's outputs from the recorder
  (:func:`~nautilus_options.environments.outputs.write_run_outputs`);
* a node that stops on its own (Nautilus shuts it down after an error) ends the session at
  the next tick, with ``stopped_unexpectedly`` in the outcome (nothing is flattened or
  cancelled: the node cannot send orders any more).

``on_tick(session)`` is called every ``tick_secs`` on the node's loop (the terminal view).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import signal
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from nautilus_trader.config import TradingNodeConfig
from nautilus_trader.live.node import TradingNode
from nautilus_trader.trading.strategy import Strategy

from nautilus_options.environments.backtest import RECORDER_ID
from nautilus_options.environments.killswitch import KillSwitch
from nautilus_options.environments.outputs import LOG_NAME, write_run_outputs
from nautilus_options.environments.recorder import RunRecorder
from nautilus_options.environments.trading_settings import OnStop
from nautilus_options.errors import ConfigError
from nautilus_options.portfolio import SpreadView
from nautilus_options.strategy import OptionsSpreadStrategy
from nautilus_options.strategy.book import is_complete

__all__ = ["NodeSession", "SessionOutcome"]

#: Bound on the wait for the node to start (connect, load instruments, reconcile).
START_TIMEOUT_SECS = 90.0


@dataclass(frozen=True)
class SessionOutcome:
    """What a finished session left.

    Attributes
    ----------
    summary : dict[str, Any]
        The summary (as ``summary.json``), plus ``killed`` (the kill switch's reason or
        None) and ``elapsed_secs``.
    out_dir : Path
        The output folder.
    files : dict[str, Path]
        Output files by name.
    stopped_unexpectedly : bool
        The node stopped on its own, not by a stop request (see its log, ``files["log"]``).
    """

    summary: dict[str, Any]
    out_dir: Path
    files: dict[str, Path]
    stopped_unexpectedly: bool = False


class NodeSession:
    """Run a paper or live node until stopped or killed (see the module docstring).

    Parameters
    ----------
    config : TradingNodeConfig
        The node's config (with the recorder streaming to ``out_dir`` and a kill switch).
    out_dir : Path
        The output folder.
    initial_capital : float
        The capital of the summary.
    on_stop : {"leave", "flatten"}
        What a clean stop does with open spreads.
    title : str
        Title of ``report.html``.
    flatten_timeout_secs : float
        Bound on the flattening at a stop.
    """

    def __init__(
        self,
        config: TradingNodeConfig,
        out_dir: Path,
        *,
        initial_capital: float,
        on_stop: OnStop = "leave",
        title: str = "options-nt paper",
        flatten_timeout_secs: float = 60.0,
    ) -> None:
        self.config = config
        self.out_dir = out_dir
        self.initial_capital = initial_capital
        self.on_stop = on_stop
        self.title = title
        self.flatten_timeout_secs = flatten_timeout_secs
        self.node: TradingNode | None = None
        self.started_at: datetime | None = None
        self._stop: asyncio.Event | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._ready = threading.Event()
        self._flattened_at_stop = False
        self._stopped_unexpectedly = False
        self._kill: KillSwitch | None = None

    # -- components --------------------------------------------------------------------------

    @property
    def running_node(self) -> TradingNode:
        """The node (once :meth:`run` built it)."""
        if self.node is None:
            raise ConfigError("session", "the node is not built yet")
        return self.node

    @property
    def strategy(self) -> OptionsSpreadStrategy:
        """The spread strategy."""
        return next(
            s for s in self.running_node.trader.strategies() if isinstance(s, OptionsSpreadStrategy)
        )

    @property
    def kill_switch(self) -> KillSwitch:
        """The kill switch (kept after the node is disposed)."""
        if self._kill is None:
            strategies = self.running_node.trader.strategies()
            self._kill = next(s for s in strategies if isinstance(s, KillSwitch))
        return self._kill

    @property
    def recorder(self) -> RunRecorder:
        """The run's recorder."""
        for actor in self.running_node.trader.actors():
            if isinstance(actor, RunRecorder) and actor.id.value == RECORDER_ID:
                return actor
        raise ConfigError("actors", f"no {RECORDER_ID} in the node")

    def spreads(self) -> list[SpreadView]:
        """The strategy's spreads (open and closed), from the cache."""
        return self.strategy.tracker.spreads(strategy_id=self.strategy.id)

    def opened_spreads(self) -> list[SpreadView]:
        """Spreads whose every leg was opened: complete open ones, and closed ones."""
        return [
            view for view in self.spreads() if is_complete(view) or (not view.is_open and view.legs)
        ]

    def wait_ready(self, timeout: float) -> bool:
        """Block (another thread) until the node runs; False after ``timeout`` seconds."""
        return self._ready.wait(timeout)

    # -- control (thread-safe) ---------------------------------------------------------------

    def request_stop(self) -> None:
        """Stop the session (as Ctrl-C does)."""
        if self._loop is not None and self._stop is not None:
            self._loop.call_soon_threadsafe(self._stop.set)

    def kill(self, reason: str) -> None:
        """Fire the kill switch (as SIGUSR1 does)."""
        if self._loop is not None:
            self._loop.call_soon_threadsafe(self.kill_switch.trigger, reason)

    # -- running -----------------------------------------------------------------------------

    def run(
        self,
        on_tick: Callable[[NodeSession], None] | None = None,
        tick_secs: float = 0.5,
        on_ready: Callable[[NodeSession], None] | None = None,
    ) -> SessionOutcome:
        """Build and run the node until stopped or killed; write the outputs.

        Raises
        ------
        ConfigError
            If the node does not start within :data:`START_TIMEOUT_SECS`.
        """
        started = time.perf_counter()
        self.started_at = datetime.now(UTC)
        loop = asyncio.new_event_loop()
        self._loop = loop
        self.node = TradingNode(config=self.config, loop=loop)
        try:
            self.node.build()
            kill = self.kill_switch
            kill.halt_hooks.append(self._halt_others)
            kill.done_hooks.append(lambda reason: self.request_stop())
            self._install_signals(loop)
            loop.run_until_complete(self._main(on_tick, tick_secs, on_ready))
            ended = datetime.now(UTC)
            summary, files = write_run_outputs(
                self.recorder,
                self.out_dir,
                initial_capital=self.initial_capital,
                start=self.started_at,
                end=ended,
                title=self.title,
            )
        finally:
            self._ready.clear()
            self.node.dispose()
        logs = sorted(self.out_dir.glob(f"{LOG_NAME}*.log"), key=lambda path: path.stat().st_mtime)
        if logs:  # rotated logs carry a timestamp: nautilus_<time>.log
            files["log"] = logs[-1]
        summary["killed"] = None if self._flattened_at_stop else kill.reason
        summary["elapsed_secs"] = round(time.perf_counter() - started, 3)
        files["summary"].write_text(json.dumps(summary, indent=2), encoding="utf-8")
        return SessionOutcome(
            summary=summary,
            out_dir=self.out_dir,
            files=files,
            stopped_unexpectedly=self._stopped_unexpectedly,
        )

    async def _main(
        self,
        on_tick: Callable[[NodeSession], None] | None,
        tick_secs: float,
        on_ready: Callable[[NodeSession], None] | None,
    ) -> None:
        node = self.running_node
        self._stop = asyncio.Event()
        runner = asyncio.create_task(node.run_async())
        strategies = node.trader.strategies()
        deadline = time.monotonic() + START_TIMEOUT_SECS
        try:
            while not all(s.is_running for s in strategies):
                if runner.done() or time.monotonic() > deadline:
                    raise ConfigError("node", "the node did not start; see nautilus.log")
                await asyncio.sleep(0.05)
            self._ready.set()
            if on_ready is not None:
                on_ready(self)
            while not self._stop.is_set():
                if on_tick is not None:
                    on_tick(self)
                if not node.is_running() and not self._stop.is_set():
                    self._stopped_unexpectedly = True
                    return
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._stop.wait(), tick_secs)
            if self.on_stop == "flatten" and not self.kill_switch.done:
                await self._flatten()
            elif not self.kill_switch.triggered:
                await self._cancel_working()
        finally:
            await node.stop_async()
            with contextlib.suppress(Exception):
                await asyncio.wait_for(runner, 30)
            pending = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
            for task in pending:
                task.cancel()
            await asyncio.gather(*pending, return_exceptions=True)

    async def _flatten(self) -> None:
        kill = self.kill_switch
        self._flattened_at_stop = not kill.triggered
        kill.trigger("stop with on_stop=flatten")
        deadline = time.monotonic() + self.flatten_timeout_secs
        while not kill.done and time.monotonic() < deadline:
            await asyncio.sleep(0.1)

    async def _cancel_working(self) -> None:
        """Leave the positions, but no order working at the broker while the node is down.

        Every strategy but the kill switch is stopped first (nothing re-prices or re-sends),
        then every working order is cancelled, the unacknowledged ones again each second
        (bounded by ``flatten_timeout_secs``).
        """
        self._halt_others("stop")
        deadline = time.monotonic() + self.flatten_timeout_secs
        while self.kill_switch.cancel_orders() and time.monotonic() < deadline:
            await asyncio.sleep(1.0)

    def _halt_others(self, reason: str) -> None:
        """Stop every strategy but the kill switch (nothing opens or re-prices any more)."""
        for strategy in self.running_node.trader.strategies():
            if not isinstance(strategy, KillSwitch) and strategy.is_running:
                _stop(strategy)

    def _install_signals(self, loop: asyncio.AbstractEventLoop) -> None:
        if threading.current_thread() is not threading.main_thread():
            return  # tests run nodes in threads: they call request_stop() / kill()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, self.request_stop)
        loop.add_signal_handler(signal.SIGUSR1, self.kill_switch.trigger, "SIGUSR1")


def _stop(strategy: Strategy) -> None:
    strategy.stop()
