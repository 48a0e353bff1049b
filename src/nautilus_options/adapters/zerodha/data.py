"""The Zerodha data client: instruments, ticker quotes and trades, historical candles.

Glue only: the provider loads instruments, :class:`~.websocket.client.KiteTickerClient`
carries the subscriptions, :func:`~.parsing.ticker.decode_frame` and
:func:`~.parsing.market.market_data` turn frames into ticks, which go to
``_handle_data``. Modes follow what is subscribed (KITE_API.md §5.2): quotes need the depth
of ``full`` mode, trades alone need ``quote`` mode, an index streams in ``full`` mode (its
32-byte packet carries the exchange time). A frame with broken framing is logged and
skipped; the socket stays up.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from nautilus_trader.cache.cache import Cache
from nautilus_trader.common.component import LiveClock, MessageBus
from nautilus_trader.data.messages import (
    RequestBars,
    SubscribeInstrument,
    SubscribeInstruments,
    SubscribeQuoteTicks,
    SubscribeTradeTicks,
    UnsubscribeQuoteTicks,
    UnsubscribeTradeTicks,
)
from nautilus_trader.live.data_client import LiveMarketDataClient
from nautilus_trader.model.data import BarType
from nautilus_trader.model.enums import BarAggregation
from nautilus_trader.model.identifiers import ClientId, InstrumentId

from nautilus_options.adapters.zerodha.common.enums import KiteMode
from nautilus_options.adapters.zerodha.common.errors import TickerDecodeError
from nautilus_options.adapters.zerodha.common.tokens import TokenHolder
from nautilus_options.adapters.zerodha.config import ZerodhaDataClientConfig
from nautilus_options.adapters.zerodha.constants import NFO_VENUE
from nautilus_options.adapters.zerodha.http.client import KiteHttpClient
from nautilus_options.adapters.zerodha.parsing.market import (
    TokenRoute,
    TradeState,
    market_data,
    parse_candles,
)
from nautilus_options.adapters.zerodha.parsing.ticker import SEGMENT_INDICES, decode_frame
from nautilus_options.adapters.zerodha.providers import ZerodhaInstrumentProvider
from nautilus_options.adapters.zerodha.schemas.orders import KiteCandles
from nautilus_options.adapters.zerodha.websocket.client import KiteTickerClient, TickerCallbacks
from nautilus_options.domain.time import IST

#: Kite candle intervals by (aggregation, step) (KITE_API.md §3.9).
INTERVALS: dict[tuple[BarAggregation, int], str] = {
    **{(BarAggregation.MINUTE, n): f"{n}minute" for n in (3, 5, 10, 15, 30, 60)},
    (BarAggregation.MINUTE, 1): "minute",
    (BarAggregation.DAY, 1): "day",
}


class ZerodhaDataClient(LiveMarketDataClient):
    """Market data from Kite (see the module docstring)."""

    def __init__(
        self,
        loop: asyncio.AbstractEventLoop,
        http: KiteHttpClient,
        holder: TokenHolder,
        provider: ZerodhaInstrumentProvider,
        msgbus: MessageBus,
        cache: Cache,
        clock: LiveClock,
        config: ZerodhaDataClientConfig,
        name: str | None = None,
    ) -> None:
        super().__init__(
            loop=loop,
            client_id=ClientId(name or "ZERODHA"),
            venue=NFO_VENUE,
            msgbus=msgbus,
            cache=cache,
            clock=clock,
            instrument_provider=provider,
            config=config,
        )
        self._http = http
        self._provider = provider
        self._ticker = KiteTickerClient(
            config.kite.ticker_url,
            holder,
            TickerCallbacks(
                on_binary=self._on_binary, on_error=self._on_error, on_gap=self._on_gap
            ),
            max_connections=config.max_connections,
            heartbeat_timeout=config.heartbeat_timeout_secs,
            backoff_initial=config.backoff_initial_secs,
            backoff_max=config.backoff_max_secs,
        )
        self._quotes: dict[int, set[InstrumentId]] = {}
        self._trades: dict[int, set[InstrumentId]] = {}
        self._routes: dict[int, TokenRoute] = {}
        self._trade_state = TradeState()
        self.decode_errors = 0

    @property
    def ticker(self) -> KiteTickerClient:
        """The ticker connections (for inspection)."""
        return self._ticker

    async def _connect(self) -> None:
        await self._provider.initialize()
        for instrument in self._provider.list_all():
            self._handle_data(instrument)
        await self._ticker.connect()

    async def _disconnect(self) -> None:
        await self._ticker.close()
        await self._http.close()  # shared: the first client to stop closes it

    # -- market data ------------------------------------------------------------------
    def _on_binary(self, frame: bytes) -> None:
        ts_init = self._clock.timestamp_ns()
        try:
            rows = decode_frame(frame)
        except TickerDecodeError as exc:
            self.decode_errors += 1
            self._log.warning(f"Skipped a ticker frame: {exc}")
            return
        for data in market_data(rows, self._routes, self._trade_state, ts_init):
            self._handle_data(data)

    def _on_error(self, message: str) -> None:
        self._log.error(f"Kite ticker: {message}")

    def _on_gap(self, index: int, seconds: float, why: str) -> None:
        self._log.warning(
            f"Ticker connection {index} was down {seconds:.1f} s ({why}); "
            "reconnected with its subscriptions and modes, ticks in the gap are lost"
        )

    # -- subscriptions ----------------------------------------------------------------
    def _token(self, instrument_id: InstrumentId) -> int:
        token = self._provider.token_for(instrument_id)
        if token is None:
            raise ValueError(f"{instrument_id} is not among the loaded Kite instruments")
        return token

    def _mode(self, token: int) -> KiteMode:
        if self._quotes.get(token) or (token & 0xFF) == SEGMENT_INDICES:
            return KiteMode.FULL
        return KiteMode.QUOTE

    async def _update(self, token: int) -> None:
        quotes, trades = self._quotes.get(token, set()), self._trades.get(token, set())
        if not quotes and not trades:
            self._routes.pop(token, None)
            await self._ticker.unsubscribe([token])
            return
        self._routes[token] = TokenRoute(
            tuple(sorted(quotes, key=str)), tuple(sorted(trades, key=str))
        )
        if self._ticker.modes.get(token) != self._mode(token):
            await self._ticker.subscribe([token], self._mode(token))

    async def _subscribe_quote_ticks(self, command: SubscribeQuoteTicks) -> None:
        token = self._token(command.instrument_id)
        self._quotes.setdefault(token, set()).add(command.instrument_id)
        await self._update(token)

    async def _subscribe_trade_ticks(self, command: SubscribeTradeTicks) -> None:
        token = self._token(command.instrument_id)
        self._trades.setdefault(token, set()).add(command.instrument_id)
        await self._update(token)

    async def _unsubscribe_quote_ticks(self, command: UnsubscribeQuoteTicks) -> None:
        token = self._token(command.instrument_id)
        self._quotes.get(token, set()).discard(command.instrument_id)
        await self._update(token)

    async def _unsubscribe_trade_ticks(self, command: UnsubscribeTradeTicks) -> None:
        token = self._token(command.instrument_id)
        self._trades.get(token, set()).discard(command.instrument_id)
        await self._update(token)

    async def _subscribe_instrument(self, command: SubscribeInstrument) -> None:
        """Instruments are sent once on connect; the dump changes daily, not intraday."""

    async def _subscribe_instruments(self, command: SubscribeInstruments) -> None:
        """Instruments are sent once on connect."""

    # -- requests ---------------------------------------------------------------------
    async def _request_bars(self, request: RequestBars) -> None:
        bar_type: BarType = request.bar_type
        spec = bar_type.spec
        interval = INTERVALS.get((spec.aggregation, spec.step))
        if interval is None:
            self._log.error(
                f"Kite has no candles for {bar_type} (intervals: {sorted(INTERVALS.values())})"
            )
            return
        token = self._token(bar_type.instrument_id)
        start = request.start or datetime.now(UTC)
        end = request.end or datetime.now(UTC)
        params = {
            "from": start.astimezone(IST).strftime("%Y-%m-%d %H:%M:%S"),
            "to": end.astimezone(IST).strftime("%Y-%m-%d %H:%M:%S"),
            "interval": interval,
            "continuous": 0,
            "oi": 0,
        }
        data = await self._http.request(
            "GET", f"/instruments/historical/{token}/{interval}", "historical", params=params
        )
        candles = KiteCandles(candles=list((data or {}).get("candles", [])))
        bars = parse_candles(bar_type, candles.candles, self._clock.timestamp_ns())
        self._handle_bars(bar_type, bars, request.id, request.start, request.end, request.params)
