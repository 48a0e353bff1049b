"""The simulator's live parts wired together, and the market loop that drives them.

:class:`SimulatorCore` owns the clock, the market source, the broker, auth, rate limits,
faults and the ticker hub. Everything runs on one asyncio event loop (uvicorn's), so no
locks are needed: REST handlers and the market loop never run at the same time.

The market loop, every ``tick_interval`` seconds: step the market, let the broker trigger,
match, expire and settle, record candles, mark the changed quotes for the ticker, draw
socket faults once a second, and save the state file when something changed. The broadcast
loop, every ``broadcast_interval`` seconds, sends what was marked (the two rates are
independent: a slow market step never delays frames already due).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import date

from nautilus_options.simulator.auth import Auth
from nautilus_options.simulator.clock import SimClock
from nautilus_options.simulator.config import SimulatorConfig
from nautilus_options.simulator.exchange.broker import Broker
from nautilus_options.simulator.faults import FaultInjector
from nautilus_options.simulator.instruments import provisional_days
from nautilus_options.simulator.market.state import CandleRecorder, MarketSource
from nautilus_options.simulator.ratelimit import RateLimiter
from nautilus_options.simulator.ticker.server import TickerHub

log = logging.getLogger(__name__)


def build_market(config: SimulatorConfig, now_ns: int) -> MarketSource:
    """The market source ``config.market`` names (synthetic, replay or kite)."""
    if config.market == "replay":
        from nautilus_options.simulator.market.replay import ReplayMarket

        return ReplayMarket(config, now_ns)
    if config.market == "kite":
        from nautilus_options.simulator.market.kite import KiteFeedMarket

        return KiteFeedMarket(config, now_ns)
    from nautilus_options.simulator.market.synthetic import SyntheticMarket

    return SyntheticMarket(config, now_ns)


class SimulatorCore:
    """The simulator's state and its market loop (see the module docstring)."""

    def __init__(self, config: SimulatorConfig) -> None:
        self.config = config
        start = config.start_at
        self.clock = SimClock(
            config.session, None if start is None else int(start.timestamp() * 1e9)
        )
        now = self.clock.now_ns()
        self.faults = FaultInjector(config.faults)
        self.market = build_market(config, now)
        self.broker = Broker(
            self.market,
            self.faults,
            user_id=config.user_id,
            api_key=config.api_key,
            api_secret=config.api_secret,
            opening_balance=config.opening_balance,
            partial_fills=config.partial_fills,
        )
        self.auth = Auth(config.api_key, config.api_secret, config.token_expiry)
        self.limiter = RateLimiter(config.rate_limit_scale)
        self.candles = CandleRecorder()
        indices = {i.instrument_token for i in self.market.universe.instruments if not i.tradable}
        self.hub = TickerHub(self.market.quotes, indices, self.faults, config.heartbeat_interval)
        #: Listed expiries after the NSE holiday table (provisional dates), if any.
        self.provisional: list[date] = provisional_days(self.market.universe.instruments)
        if self.provisional:
            log.warning(
                "running on provisional NSE dates (after the holiday table): %s",
                ", ".join(map(str, self.provisional)),
            )
        self.broker.listeners.append(self.hub.push_order)
        self.dirty = False
        self.steps = 0
        self._tasks: list[asyncio.Task[None]] = []
        if config.state_file is not None:
            from nautilus_options.simulator.state import load_state

            load_state(self, config.state_file)
        for token in self.market.quotes:
            self.candles.record(self.market.quotes[token], now // 1_000_000_000)

    def step(self) -> list[int]:
        """One market step at the clock's now; returns the tokens that changed."""
        now = self.clock.now_ns()
        is_open = self.clock.is_open(now)
        changed = self.market.step(now, is_open)
        fills = len(self.broker.trades)
        orders = len(self.broker.orders)
        self.broker.step(now, is_open, changed)
        if len(self.broker.trades) != fills or len(self.broker.orders) != orders:
            self.dirty = True
        now_s = now // 1_000_000_000
        for token in changed:  # a candle moves with a print or a mark (indices: every level)
            quote = self.market.quotes[token]
            if quote.last_trade_time >= now_s or quote.marked_at >= now_s:
                self.candles.record(quote, now_s)
        self.hub.mark(changed)
        self.steps += 1
        return changed

    def save(self, force: bool = False) -> None:
        """Write the state file if one is configured and something changed."""
        if self.config.state_file is not None and (self.dirty or force):
            from nautilus_options.simulator.state import save_state

            save_state(self, self.config.state_file)
            self.dirty = False

    async def run(self) -> None:
        """The market loop (until cancelled)."""
        loop = asyncio.get_running_loop()
        next_faults = loop.time() + 1.0
        self.market.start()
        try:
            while True:
                started = loop.time()
                try:
                    self.step()
                    self.save()
                except Exception:  # keep the broker alive; the error is logged
                    log.exception("market step failed")
                if started >= next_faults:
                    self.hub.socket_faults(self.config.faults.stall_s)
                    next_faults = started + 1.0
                await asyncio.sleep(max(0.0, self.config.tick_interval - (loop.time() - started)))
        finally:
            self.market.stop()

    async def broadcast(self) -> None:
        """The broadcast loop (until cancelled): send marked quotes, at most once an interval.

        It wakes as soon as a step marks quotes (no timer latency after a step), then
        conflates whatever is marked until the interval has passed.
        """
        loop = asyncio.get_running_loop()
        while True:
            await self.hub.marked.wait()
            self.hub.marked.clear()
            started = loop.time()
            try:
                self.hub.broadcast()
            except Exception:  # keep the ticker alive; the error is logged
                log.exception("ticker broadcast failed")
            rest = self.config.broadcast_interval - (loop.time() - started)
            if rest > 0:
                await asyncio.sleep(rest)

    def start(self) -> None:
        """Start the market and broadcast loops on the running event loop."""
        loop = asyncio.get_running_loop()
        self._tasks = [loop.create_task(self.run()), loop.create_task(self.broadcast())]

    async def stop(self) -> None:
        """Stop both loops and save the state."""
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._tasks = []
        await self.market.stopped()
        self.save(force=True)
