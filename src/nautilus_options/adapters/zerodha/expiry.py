"""Expiry settlement fills: Kite closes expired options without a trade; the client says so.

Kite has no settlement event. At expiry (15:30 IST) NSE cash-settles every open index
option at its intrinsic value on the index close, and Kite's books simply stop showing the
position (the simulator flattens it at once; Kite does at its end-of-day run). Nautilus
would keep the position open forever, so :meth:`ExpirySettlement.settle_expired`, run every
``settlement_poll_secs`` while the node holds an option on or past its expiry day, closes it
the way Nautilus' own backtest venue does (``OrderMatchingEngine`` cash settlement): a
reduce-only MARKET order of the position's strategy is added to the cache, accepted and
filled at the settlement price with zero commission; the charges owed are booked by
:mod:`nautilus_options.portfolio.settlement` through :func:`.settlement.recognize_kite`.

A position is settled only on the venue's own evidence, with Kite's real endpoints:

1. the option's expiry day has come, on the later of the node's clock and the venue's (the
   last fill of the position carries Kite's exchange time);
2. ``GET /portfolio/positions`` shows the contract flat (or absent) while Nautilus holds it;
3. every trade ``GET /trades`` has in the contract is already in Nautilus' positions (so a
   fill still on its way, or a trade made elsewhere, is never mistaken for a settlement);
4. the index close comes from the day candle of the index on the expiry day
   (``GET /instruments/historical/<index token>/day``); no candle yet means "try again".
"""

from __future__ import annotations

import asyncio

import msgspec
from nautilus_trader.core.uuid import UUID4
from nautilus_trader.live.execution_client import LiveExecutionClient
from nautilus_trader.model.currencies import INR
from nautilus_trader.model.enums import LiquiditySide, OptionKind, OrderSide, OrderType
from nautilus_trader.model.identifiers import (
    ClientOrderId,
    InstrumentId,
    Symbol,
    TradeId,
    VenueOrderId,
)
from nautilus_trader.model.instruments import OptionContract
from nautilus_trader.model.objects import Money, Price
from nautilus_trader.model.orders import MarketOrder
from nautilus_trader.model.position import Position

from nautilus_options.adapters.zerodha.common.errors import KiteError
from nautilus_options.adapters.zerodha.config import ZerodhaExecClientConfig
from nautilus_options.adapters.zerodha.constants import NFO_VENUE, NSE_VENUE
from nautilus_options.adapters.zerodha.http.client import KiteHttpClient
from nautilus_options.adapters.zerodha.providers import ZerodhaInstrumentProvider
from nautilus_options.adapters.zerodha.reports import KiteReports
from nautilus_options.adapters.zerodha.schemas.orders import KiteCandles, KitePositions
from nautilus_options.adapters.zerodha.settlement import (
    settlement_client_order_id,
    settlement_price,
)
from nautilus_options.domain.time import ist_date


class ExpirySettlement(LiveExecutionClient):
    """The expiry half of the execution client (see the module docstring)."""

    _config: ZerodhaExecClientConfig
    _http: KiteHttpClient
    _reports: KiteReports
    _instrument_provider: ZerodhaInstrumentProvider

    async def _settlement_loop(self) -> None:
        while True:
            await asyncio.sleep(self._config.settlement_poll_secs)
            try:
                await self.settle_expired()
            except KiteError as exc:
                self._log.warning(f"Expiry settlement check failed (next poll retries): {exc}")

    def _expiring(self) -> dict[InstrumentId, list[Position]]:
        """Open option positions on or past their expiry day (module docstring, 1)."""
        positions = self._cache.positions_open(venue=NFO_VENUE)
        if not positions:
            return {}
        venue_day = ist_date(max([self._clock.timestamp_ns(), *(p.ts_last for p in positions)]))
        out: dict[InstrumentId, list[Position]] = {}
        for position in positions:
            instrument = self._cache.instrument(position.instrument_id)
            if (
                isinstance(instrument, OptionContract)
                and ist_date(instrument.expiration_ns) <= venue_day
            ):
                out.setdefault(position.instrument_id, []).append(position)
        return out

    async def settle_expired(self) -> int:
        """Emit the settlement fills Kite's books prove (module docstring); return how many.

        Raises
        ------
        KiteError
            If a Kite call fails (nothing is emitted for the contracts not yet checked).
        """
        expiring = self._expiring()
        if not expiring:
            return 0
        book = msgspec.convert(
            await self._http.request("GET", "/portfolio/positions"), KitePositions
        )
        held: dict[str, int] = {}
        for row in book.net:
            if row.exchange == NFO_VENUE.value:
                held[row.tradingsymbol] = held.get(row.tradingsymbol, 0) + row.quantity
        flat = {i: ps for i, ps in expiring.items() if held.get(i.symbol.value, 0) == 0}
        if not flat:
            return 0
        trades = await self._reports.trades()
        emitted = 0
        for instrument_id, positions in flat.items():
            known = {
                t.value
                for p in self._cache.positions(instrument_id=instrument_id)
                for t in p.trade_ids
            }
            symbol = instrument_id.symbol.value
            if any(t.trade_id not in known for t in trades if t.tradingsymbol == symbol):
                continue  # a fill still on its way, or a trade made elsewhere
            instrument = self._cache.instrument(instrument_id)
            assert isinstance(instrument, OptionContract)
            close = await self._index_close(instrument)
            if close is None:
                continue
            price = settlement_price(
                instrument.option_kind == OptionKind.CALL,
                instrument.strike_price.as_double(),
                close,
            )
            for position in positions:
                emitted += self._emit_settlement(position, instrument, price)
        return emitted

    async def _index_close(self, instrument: OptionContract) -> float | None:
        """The underlying index's close on the expiry day (the day candle), if published."""
        index_id = InstrumentId(Symbol(instrument.underlying), NSE_VENUE)
        token = self._instrument_provider.token_for(index_id)
        if token is None:
            self._log.error(f"No Kite token for {index_id}: {instrument.id} cannot be settled")
            return None
        day = ist_date(instrument.expiration_ns)
        data = await self._http.request(
            "GET",
            f"/instruments/historical/{token}/day",
            "historical",
            params={"from": f"{day} 00:00:00", "to": f"{day} 23:59:59"},
        )
        candles = msgspec.convert(data or {}, KiteCandles).candles
        return float(candles[-1][4]) if candles else None

    def _emit_settlement(self, position: Position, instrument: OptionContract, price: float) -> int:
        """Close ``position`` at ``price`` as the backtest venue does (module docstring)."""
        symbol = instrument.id.symbol.value
        client_order_id = ClientOrderId(
            settlement_client_order_id(symbol, price > 0, position.strategy_id.value)
        )
        if self._cache.order(client_order_id) is not None:
            return 0  # already settled (a poll raced the fill through the engine)
        side = OrderSide.SELL if position.is_long else OrderSide.BUY
        ts_event = instrument.expiration_ns
        order = MarketOrder(
            trader_id=position.trader_id,
            strategy_id=position.strategy_id,
            instrument_id=instrument.id,
            client_order_id=client_order_id,
            order_side=side,
            quantity=position.quantity,
            init_id=UUID4(),
            ts_init=self._clock.timestamp_ns(),
            reduce_only=True,
            tags=["EXPIRATION_KITE_CASH" if price > 0 else "EXPIRATION_KITE_OTM"],
        )
        self._cache.add_order(order, position_id=position.id, client_id=self.id)
        venue_order_id = VenueOrderId(client_order_id.value)
        ids = (position.strategy_id, instrument.id, client_order_id)
        self.generate_order_accepted(*ids, venue_order_id, ts_event)
        self.generate_order_filled(
            *ids,
            venue_order_id,
            None,
            TradeId(client_order_id.value),
            side,
            OrderType.MARKET,
            position.quantity,
            Price(price, instrument.price_precision),
            INR,
            Money(0, INR),
            LiquiditySide.TAKER,
            ts_event,
        )
        self._log.info(f"{instrument.id}: settled {position.id} at {price} (expiry)")
        return 1
