"""The Zerodha execution client: orders on Kite, their events, account and reconciliation.

Flow of one order (KITE_API.md §3.2-3.5, §4; DESIGN.md §7):

1. ``submitted``; checks (NFO option, lot multiple, DAY/IOC, supported type); MARKET exits
   become limits one tick inside the price band (:mod:`.parsing.rules`). Kite orders live
   for the trading day, so Nautilus' default GTC is sent as DAY.
2. One Kite order per freeze-quantity slice, tagged ``<base><slice>``. A placement that gets a
   timeout or 5xx is **never retried blindly**: the order book is searched for its tag and
   the slice is placed again only when Kite has none. A 429 never ran and is retried by the
   HTTP client. A ``TokenException`` rejects the order with a clear reason (no order goes out
   late after a renewal) and starts the shared renewal.
3. Kite's order updates and a poll of the order book become Nautilus events (:mod:`.sync`),
   including a later slice refused at placement (reported as ``OrderUpdated``).
4. Modify and cancel go to every live slice; ``OrderUpdated`` is sent on Kite's modify
   acknowledgement (the ``PUT`` returning the order id), not on the exchange's confirmation.
5. Account state from ``/user/margins`` on connect and after fills.
6. Options Kite settles at expiry are closed with settlement fills (:mod:`.expiry`); the
   ``Margin.basket`` endpoint answers margin requests
   (:mod:`~nautilus_options.adapters.zerodha.margins`); reconciliation reports raise rather
   than lie (:mod:`.reconciliation`).
"""

from __future__ import annotations

import asyncio
from decimal import Decimal
from typing import Any

import msgspec
from nautilus_trader.cache.cache import Cache
from nautilus_trader.common.component import LiveClock, MessageBus
from nautilus_trader.execution.messages import (
    SubmitOrder,
)
from nautilus_trader.model.currencies import INR
from nautilus_trader.model.enums import (
    AccountType,
    OmsType,
    OrderSide,
    OrderType,
    TimeInForce,
)
from nautilus_trader.model.identifiers import AccountId, ClientId, ClientOrderId, PositionId
from nautilus_trader.model.instruments import OptionContract
from nautilus_trader.model.objects import AccountBalance, Money
from nautilus_trader.model.orders import Order

from nautilus_options.adapters.zerodha.amend import OrderAmendments
from nautilus_options.adapters.zerodha.common.errors import KiteError, KiteTokenError
from nautilus_options.adapters.zerodha.common.symbology import order_tag, tag_base
from nautilus_options.adapters.zerodha.common.tokens import TokenHolder
from nautilus_options.adapters.zerodha.config import ZerodhaExecClientConfig
from nautilus_options.adapters.zerodha.constants import NFO_VENUE, NSE_VENUE, ZERODHA
from nautilus_options.adapters.zerodha.expiry import ExpirySettlement
from nautilus_options.adapters.zerodha.http.client import KiteHttpClient
from nautilus_options.adapters.zerodha.journal import OrderJournal, restore_order
from nautilus_options.adapters.zerodha.margins import MarginEndpoint
from nautilus_options.adapters.zerodha.parsing.orders import (
    KITE_ORDER_TYPES,
)
from nautilus_options.adapters.zerodha.parsing.rules import protected_limit, slice_quantity
from nautilus_options.adapters.zerodha.providers import ZerodhaInstrumentProvider
from nautilus_options.adapters.zerodha.reconciliation import Reconciliation
from nautilus_options.adapters.zerodha.reports import KiteReports, group_orders
from nautilus_options.adapters.zerodha.schemas.orders import KiteMargins
from nautilus_options.adapters.zerodha.tracking import TrackedOrder
from nautilus_options.adapters.zerodha.websocket.client import KiteTickerClient, TickerCallbacks
from nautilus_options.domain.nse import freeze_quantity
from nautilus_options.domain.time import ist_date
from nautilus_options.portfolio import tag_value

_DECODE_ORDER = msgspec.convert
TOKEN_REASON = "Kite access token expired (TokenException): order not sent; renewing the token"


class ZerodhaExecutionClient(OrderAmendments, ExpirySettlement, MarginEndpoint, Reconciliation):
    """Orders on Kite (see the module docstring)."""

    def __init__(
        self,
        loop: asyncio.AbstractEventLoop,
        http: KiteHttpClient,
        holder: TokenHolder,
        provider: ZerodhaInstrumentProvider,
        msgbus: MessageBus,
        cache: Cache,
        clock: LiveClock,
        config: ZerodhaExecClientConfig,
        name: str | None = None,
    ) -> None:
        super().__init__(
            loop=loop,
            client_id=ClientId(name or ZERODHA),
            venue=NFO_VENUE,
            oms_type=OmsType.NETTING,
            account_type=AccountType.MARGIN,
            base_currency=INR,
            instrument_provider=provider,
            msgbus=msgbus,
            cache=cache,
            clock=clock,
            config=config,
        )
        self._config = config
        self._http = http
        self._holder = holder
        self._set_account_id(AccountId(f"{ZERODHA}-{config.account_number}"))
        self._journal = OrderJournal(config.state_dir)
        self._orders: dict[str, TrackedOrder] = {}  # by tag base
        self._by_kite_id: dict[str, TrackedOrder] = {}
        self._locks: dict[str, asyncio.Lock] = {}
        self._reports = KiteReports(http, self.account_id, self._resolve)
        self._ticker = KiteTickerClient(
            config.kite.ticker_url,
            holder,
            TickerCallbacks(on_order=self._on_order_update),
            max_connections=1,
        )
        self._poll_task: asyncio.Task[None] | None = None
        self._settle_task: asyncio.Task[None] | None = None
        self._account_task: asyncio.Task[None] | None = None
        self.counts = {"placed": 0, "lookups": 0, "found_by_tag": 0, "replaced": 0, "fills": 0}

    # -- lifecycle ----------------------------------------------------------------------
    async def _connect(self) -> None:
        await self._instrument_provider.initialize()
        await self._update_account(retry_for=self._http.connect_retry)
        await self._await_account_registered()
        for venue in (NFO_VENUE, NSE_VENUE):
            self._cache.set_account_id_for_venue(venue, self.account_id)
        await self._restore_journaled_orders()
        await self._ticker.connect()
        self._register_margin_endpoint()
        self._poll_task = self.create_task(self._poll_loop(), log_msg="kite-order-poll")
        self._settle_task = self.create_task(
            self._settlement_loop(), log_msg="kite-expiry-settlement"
        )

    async def _restore_journaled_orders(self) -> None:
        """Put back orders Kite has and the cache lost, before reconciliation (:mod:`.journal`).

        A filled order whose leg position the cache lost is replaced by its journaled self
        too, so reconciliation books its fills again into that position.
        """
        for base in group_orders(await self._reports.orders(retry=True)):
            entry = self._journal.entry(base)
            if entry is None or entry.init is None:
                continue
            position_id = None if entry.position_id is None else PositionId(entry.position_id)
            known = self._cache.order(ClientOrderId(entry.client_order_id))
            if known is None:
                lost = "the order"
            elif _position_lost(self._cache, known, position_id):
                lost = "its position"
                self._cache.purge_order(known.client_order_id)
            else:
                continue
            order = restore_order(entry, self.account_id, self._clock.timestamp_ns())
            self._cache.add_order(order, position_id, self.id)
            self._log.warning(
                f"{order.client_order_id}: restored from the order journal "
                f"(the cache had lost {lost}); reconciliation applies its fills again"
            )

    async def _disconnect(self) -> None:
        self._deregister_margin_endpoint()
        for task in (self._poll_task, self._settle_task):
            if task is not None:
                task.cancel()
        await self._ticker.close()
        await self._http.close()  # shared: the first client to stop closes it

    async def _update_account(self, retry_for: float = 0.0) -> None:
        margins = msgspec.convert(
            await self._http.request("GET", "/user/margins", retry_for=retry_for), KiteMargins
        )
        equity = margins.equity
        used = sum(equity.utilised.get(k, 0.0) for k in ("span", "exposure", "option_premium"))
        free = Decimal(str(max(equity.net, 0.0))).quantize(Decimal("0.01"))
        locked = Decimal(str(max(used, 0.0))).quantize(Decimal("0.01"))
        balance = AccountBalance(Money(free + locked, INR), Money(locked, INR), Money(free, INR))
        self.generate_account_state([balance], [], True, self._clock.timestamp_ns())

    async def _try_update_account(self) -> None:
        try:
            await self._update_account()
        except KiteError as exc:
            self._log.warning(f"Margins not refreshed (next fill retries): {exc}")

    def _refresh_account_soon(self) -> None:
        if self._account_task is None or self._account_task.done():
            self._account_task = self.create_task(
                self._try_update_account(), log_msg="kite-margins"
            )

    # -- identifiers ----------------------------------------------------------------------
    def _resolve(self, base: str) -> ClientOrderId | None:
        known = self._journal.get(base)
        if known is not None:
            return ClientOrderId(known)
        for order in self._cache.orders(venue=NFO_VENUE):
            if tag_base(order.client_order_id.value) == base:
                self._journal.map(base, order.client_order_id.value)
                return order.client_order_id
        return None

    # -- submission -----------------------------------------------------------------------
    def _check(self, order: Order) -> str | OptionContract:
        instrument = self._cache.instrument(order.instrument_id)
        if not isinstance(instrument, OptionContract) or order.instrument_id.venue != NFO_VENUE:
            return f"{order.instrument_id} is not an NFO option loaded from Kite"
        if order.order_type not in KITE_ORDER_TYPES:
            return f"Kite has no {order.order_type.name} orders (LIMIT, MARKET, SL, SL-M)"
        if order.time_in_force not in (TimeInForce.DAY, TimeInForce.GTC, TimeInForce.IOC):
            tif = order.time_in_force.name
            return f"Kite validity must be DAY (GTC is sent as DAY) or IOC, not {tif}"
        lot = int(instrument.lot_size.as_double())
        if int(order.quantity.as_double()) % lot:
            return f"quantity {order.quantity} is not a multiple of the lot {lot}"
        return instrument

    def _form(
        self, order: Order, instrument: OptionContract, quantity: int, tag: str
    ) -> dict[str, Any]:
        kite_type = KITE_ORDER_TYPES[order.order_type]
        price = order.price.as_double() if order.has_price else 0.0
        exit_order = order.is_reduce_only or tag_value(order.tags, "intent") == "close"
        if order.order_type == OrderType.MARKET and exit_order:
            reference = self._reference_price(order)
            if reference is not None:
                tick = instrument.price_increment.as_double()
                kite_type, price = (
                    "LIMIT",
                    protected_limit(order.side == OrderSide.BUY, reference, tick),
                )
        form: dict[str, Any] = {
            "variety": "regular",
            "exchange": order.instrument_id.venue.value,
            "tradingsymbol": order.instrument_id.symbol.value,
            "transaction_type": "BUY" if order.side == OrderSide.BUY else "SELL",
            "quantity": quantity,
            "product": self._config.product,
            "order_type": kite_type,
            "validity": "IOC" if order.time_in_force == TimeInForce.IOC else "DAY",
            "tag": tag,
        }
        if kite_type in ("LIMIT", "SL"):
            form["price"] = price
        if kite_type in ("SL", "SL-M"):
            form["trigger_price"] = order.trigger_price.as_double()
        if kite_type in ("MARKET", "SL-M"):
            form["market_protection"] = self._config.market_protection
        return form

    def _reference_price(self, order: Order) -> float | None:
        quote = self._cache.quote_tick(order.instrument_id)
        if quote is not None:
            return (quote.bid_price.as_double() + quote.ask_price.as_double()) / 2
        trade = self._cache.trade_tick(order.instrument_id)
        return trade.price.as_double() if trade is not None else None

    async def _submit_order(self, command: SubmitOrder) -> None:
        order = command.order
        now = self._clock.timestamp_ns()
        self.generate_order_submitted(
            order.strategy_id, order.instrument_id, order.client_order_id, now
        )
        checked = self._check(order)
        if isinstance(checked, str):
            self._reject(order, checked)
            return
        if self._holder.expired:
            self._reject(order, TOKEN_REASON)
            return
        freeze = freeze_quantity(checked.underlying, ist_date(now))
        quantities = slice_quantity(
            int(order.quantity.as_double()), freeze, int(checked.lot_size.as_double())
        )
        base = tag_base(order.client_order_id.value)
        self._journal.add(base, order, command.position_id)
        tracked = TrackedOrder(
            order.client_order_id,
            order.strategy_id,
            order.instrument_id,
            order.side,
            order.order_type,
            base,
            quantities,
            ioc=order.time_in_force == TimeInForce.IOC,
        )
        self._orders[base] = tracked
        async with self._lock(base):
            for index, quantity in enumerate(quantities):
                try:
                    kite_id = await self._place(
                        self._form(
                            order, checked, quantity, order_tag(order.client_order_id.value, index)
                        )
                    )
                except KiteTokenError as exc:
                    sent_with = exc.generation
                    if sent_with is None:
                        sent_with = self._holder.generation
                    self.create_task(self._holder.renew(sent_with), log_msg="kite-renew")
                    if index == 0:
                        tracked.closed = True
                        self._reject(order, TOKEN_REASON)
                        return
                    tracked.refused = f"slice {index} not sent: {TOKEN_REASON}"
                    tracked.quantities = quantities[:index]
                    break
                except KiteError as exc:
                    if index == 0 and not exc.outcome_unknown:
                        tracked.closed = True
                        self._reject(order, f"{exc.error_type}: {exc.message}")
                        return
                    if not exc.outcome_unknown:
                        tracked.refused = f"slice {index}: {exc.error_type}: {exc.message}"
                        tracked.quantities = quantities[:index]
                        break
                    self._log.error(f"{order.client_order_id}: slice {index} unresolved: {exc}")
                    continue  # the poll adopts the slice if Kite has it
                tracked.kite_ids[index] = kite_id
                self._by_kite_id[kite_id] = tracked
            tracked.placing = False
        await self._refresh(tracked)

    def _reject(self, order: Order, reason: str) -> None:
        self.generate_order_rejected(
            order.strategy_id,
            order.instrument_id,
            order.client_order_id,
            reason,
            self._clock.timestamp_ns(),
        )

    async def _place(self, form: dict[str, Any]) -> str:
        """Place one Kite order, resolving lost answers by tag (module docstring, step 2)."""
        last: KiteError | None = None
        for _ in range(self._config.place_attempts):
            try:
                data = await self._http.request(
                    "POST", "/orders/regular", "orders", data=form, renew_on_token=False
                )
                self.counts["placed"] += 1
                return str(data["order_id"])
            except KiteError as exc:
                if not exc.outcome_unknown:
                    raise
                last = exc
            found = await self._find_tag(form["tag"])
            if found is not None:
                self.counts["found_by_tag"] += 1
                return found
            self.counts["replaced"] += 1
        assert last is not None
        raise last

    async def _find_tag(self, tag: str) -> str | None:
        """Kite's order id carrying ``tag`` (reads are retried; they cannot duplicate)."""
        self.counts["lookups"] += 1
        for attempt in range(8):
            try:
                for order in await self._reports.orders():
                    if order.tag == tag:
                        return order.order_id
                return None
            except KiteError as exc:
                if not exc.outcome_unknown:
                    raise
                await asyncio.sleep(min(2.0, 0.2 * 2**attempt))
        raise KiteError(f"order book unreachable while looking up tag {tag}")


def _position_lost(cache: Cache, order: Order, position_id: PositionId | None) -> bool:
    """Whether ``order`` filled into ``position_id`` but the cache holds no such position."""
    return (
        position_id is not None
        and order.is_closed
        and order.filled_qty.as_double() > 0
        and cache.position(position_id) is None
    )
