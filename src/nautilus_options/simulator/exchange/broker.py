"""The order book of the simulated account: placement, modification, cancellation, matching.

Lifecycle (KITE_API.md §4.2, the simulator's state machine):

1. **Synchronous checks** (:mod:`~nautilus_options.simulator.exchange.rules`): a broken rule
   answers 4xx and no order exists. Insufficient margin answers 400 ``MarginException``
   with Kite's message.
2. **Accepted**: the reply carries ``order_id``; the history records
   ``PUT ORDER REQ RECEIVED`` → ``VALIDATION PENDING`` → ``OPEN PENDING``, then either
   ``REJECTED`` (price outside the protection band of
   :func:`~nautilus_options.simulator.exchange.rules.circuit_limits`, the one ``/quote``
   shows, or an injected exchange rejection) or
   ``OPEN`` (``TRIGGER PENDING`` for SL/SL-M) with an exchange order id and timestamp.
   AMO orders wait in ``AMO REQ RECEIVED`` until the session opens.
3. **Matching** at every market step and right after placement: a BUY crosses the best ask
   (a SELL the best bid) when its limit allows; it fills at most the displayed size at the
   touch (``partial_fills``), which the fill consumes; the rest stays ``OPEN`` and tries
   again at the next step. A resting order fills at its own limit, a new one at the touch
   (only when the touch is inside the band in force: a protected market order's limit is
   clamped into the band, and never fills outside it).
   IOC remainders and TTL expiry are ``CANCELLED``.
4. **Order updates** go to the ticker's listeners for every status change after placement:
   ``OPEN``, ``UPDATE`` (partial fill or modification of an open order), ``COMPLETE``,
   ``CANCELLED``, ``REJECTED``, ``TRIGGER PENDING``; faults may duplicate or reorder them.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping
from typing import Any

from nautilus_options.domain.nse import expiry_ns
from nautilus_options.domain.time import NS_PER_MINUTE, NS_PER_SECOND, ist_date
from nautilus_options.simulator.errors import KiteError, input_error
from nautilus_options.simulator.exchange import rules
from nautilus_options.simulator.exchange.accounting import Account, leg
from nautilus_options.simulator.exchange.margins import Leg, Margin, order_premium
from nautilus_options.simulator.exchange.orders import Order, Trade, kite_time
from nautilus_options.simulator.faults import FaultInjector
from nautilus_options.simulator.instruments import Instrument
from nautilus_options.simulator.market.state import MarketSource, Quote

UpdateListener = Callable[[dict[str, Any]], None]


class Broker:
    """One account's orders, trades and positions over a market (no I/O, no clock)."""

    def __init__(
        self,
        market: MarketSource,
        faults: FaultInjector,
        *,
        user_id: str,
        api_key: str,
        api_secret: str,
        opening_balance: float,
        partial_fills: bool = True,
    ) -> None:
        self.market = market
        self.faults = faults
        self.user_id, self.api_key, self.api_secret = user_id, api_key, api_secret
        self.partial_fills = partial_fills
        self.account = Account(opening_balance)
        self.orders: dict[str, Order] = {}
        self.trades: list[Trade] = []
        self.listeners: list[UpdateListener] = []
        self.counters = {"order": 0, "trade": 0, "exchange": 0}
        self.trading_day = ""
        self._held: dict[str, Any] | None = None
        self._expiries = [
            (_expiry_ns(i), i) for i in market.universe.instruments if i.expiry is not None
        ]

    # ----------------------------------------------------------------- ids and updates
    def _next(self, kind: str) -> int:
        self.counters[kind] += 1
        return self.counters[kind]

    def _order_id(self, now_ns: int) -> str:
        return ist_date(now_ns).strftime("%y%m%d") + f"{self._next('order'):013d}"

    def update_payload(self, order: Order, status: str | None = None) -> dict[str, Any]:
        """The order-update message body Kite pushes (order fields + user and checksum)."""
        data = order.public()
        if status is not None:
            data["status"] = status
        digest = hashlib.sha256(
            (order.order_id + order.order_timestamp + self.api_secret).encode()
        ).hexdigest()
        data.update(
            user_id=self.user_id,
            unfilled_quantity=order.remaining,
            app_id=0,
            checksum=digest,
        )
        return data

    def _emit(self, order: Order, status: str | None = None) -> None:
        payload = self.update_payload(order, status)
        if self.faults.happens("reorder_update") and self._held is None:
            self._held = payload
            return
        copies = 2 if self.faults.happens("duplicate_update") else 1
        for _ in range(copies):
            self._send(payload)
        self.flush_held()

    def _send(self, payload: dict[str, Any]) -> None:
        for listener in list(self.listeners):
            listener(payload)

    def flush_held(self) -> None:
        """Send an update held back by the reorder fault (after the one that overtook it)."""
        if self._held is not None:
            held, self._held = self._held, None
            self._send(held)

    # ----------------------------------------------------------------------- placement
    def instrument(self, exchange: str, tradingsymbol: str) -> Instrument | None:
        """A listed instrument, if any."""
        return self.market.universe.find(exchange, tradingsymbol)

    def place(
        self, variety: str, form: Mapping[str, str], now_ns: int, is_open: bool
    ) -> dict[str, Any]:
        """Handle ``POST /orders/{variety}``; return the reply's ``data``.

        Raises
        ------
        KiteError
            For a request the rules refuse (no order is created).
        """
        request = rules.parse_order(variety, form)
        instrument = self.instrument(request.exchange, request.tradingsymbol)
        rules.check_order(request, instrument, is_open)
        assert instrument is not None
        if not request.autoslice:
            return {"order_id": self._place_one(request, instrument, now_ns, is_open).order_id}
        slices = rules.slice_quantities(request.quantity, instrument)
        parent = self._order_id(now_ns) if len(slices) > 1 else None
        children: list[dict[str, Any]] = []
        for quantity in slices:
            child = rules.OrderRequest(
                **{**request.__dict__, "quantity": quantity, "autoslice": False}
            )
            try:
                order = self._place_one(child, instrument, now_ns, is_open, parent=parent)
                children.append({"order_id": order.order_id})
            except KiteError as exc:
                children.append(
                    {
                        "error": {
                            "code": exc.status,
                            "error_type": exc.error_type,
                            "message": exc.message,
                            "data": None,
                        }
                    }
                )
        first = next((c["order_id"] for c in children if "order_id" in c), None)
        return {"order_id": parent or first, "children": children}

    def _place_one(
        self,
        request: rules.OrderRequest,
        instrument: Instrument,
        now_ns: int,
        is_open: bool,
        parent: str | None = None,
    ) -> Order:
        quote = self.market.quotes[instrument.instrument_token]
        estimate = (
            request.price or (quote.best_ask or quote.best_bid or (quote.last_price, 0, 0))[0]
        )
        self.check_margin(instrument, request.transaction_type, request.quantity, estimate, now_ns)
        order = Order(
            order_id=self._order_id(now_ns),
            placed_by=self.user_id,
            account_id=self.user_id,
            variety=request.variety,
            exchange=instrument.exchange,
            tradingsymbol=instrument.tradingsymbol,
            instrument_token=instrument.instrument_token,
            order_type=request.order_type,
            transaction_type=request.transaction_type,
            validity=request.validity,
            validity_ttl=request.validity_ttl,
            product=request.product,
            quantity=request.quantity,
            price=request.price,
            trigger_price=request.trigger_price,
            disclosed_quantity=request.disclosed_quantity,
            market_protection=request.market_protection,
            order_timestamp=kite_time(now_ns),
            pending_quantity=request.quantity,
            tag=request.tag,
            tags=[request.tag] if request.tag else [],
            guid=f"sim-{self.counters['order']}",
            expiry_ns=now_ns + (request.validity_ttl or 0) * NS_PER_MINUTE,
        )
        if parent is not None:
            order.tags += ["autoslice", f"autoslice:{parent}"]
        self.orders[order.order_id] = order
        if request.variety == "amo" and not is_open:
            order.snapshot("AMO REQ RECEIVED", now_ns)
            return order
        order.snapshot("PUT ORDER REQ RECEIVED", now_ns)
        self._admit(order, instrument, quote, now_ns)
        return order

    def _admit(self, order: Order, instrument: Instrument, quote: Quote, now_ns: int) -> None:
        """Validation, exchange registration, then the first matching attempt."""
        order.snapshot("VALIDATION PENDING", now_ns)
        order.snapshot("OPEN PENDING", now_ns)
        limits = rules.circuit_limits(quote, instrument.tick_size, now_ns // NS_PER_SECOND)
        breach = rules.limits_breach(order.price, limits) if order.price else None
        if breach is None and self.faults.happens("exchange_reject"):
            breach = "RMS:Rule: Exchange rejected the order (injected fault)."
        if breach is not None:
            order.pending_quantity = 0
            order.snapshot("REJECTED", now_ns, breach)
            self._emit(order)
            return
        order.exchange_order_id = f"{1_100_000_000_000_000 + self._next('exchange')}"
        order.exchange_timestamp = kite_time(now_ns)
        if order.order_type in ("SL", "SL-M"):
            order.snapshot("TRIGGER PENDING", now_ns)
            self._emit(order)
            return
        self._open(order, instrument, quote, now_ns)

    def _open(self, order: Order, instrument: Instrument, quote: Quote, now_ns: int) -> None:
        if order.order_type in ("MARKET", "SL-M"):
            touch = quote.best_ask if order.transaction_type == "BUY" else quote.best_bid
            price = touch[0] if touch else quote.last_price
            order.limit = rules.protected_price(
                "BUY" if order.transaction_type == "BUY" else "SELL",
                price,
                order.market_protection,
                rules.circuit_limits(quote, instrument.tick_size, now_ns // NS_PER_SECOND),
                instrument.tick_size,
            )
            order.price, order.order_type = order.limit, "LIMIT"
            order.tags += ["mktp", f"mktp:{order.market_protection:.2f}"]
        else:
            order.limit = order.price
        order.snapshot("OPEN", now_ns)
        self._emit(order)
        self._match(order, instrument, quote, now_ns, aggressive=True)
        if order.validity == "IOC" and order.working:
            self._cancel(order, now_ns, "IOC order cancelled: no more quantity at the limit.")

    # --------------------------------------------------------------------------- margin
    def spots(self) -> dict[str, float]:
        """Index level of every underlying with a price."""
        out: dict[str, float] = {}
        for instrument in self.market.universe.instruments:
            level = None if instrument.tradable else self.market.index_price(instrument.underlying)
            if level:
                out[instrument.underlying] = level
        return out

    def current_margin(self, now_ns: int, extra: list[Leg] | None = None) -> tuple[Margin, float]:
        """SPAN and exposure of positions, working orders and ``extra``; premium of open buys."""
        legs = self.account.legs(self.market.universe, self.market.quotes, self.orders.values())
        margin = self.account.margin(legs + (extra or []), self.spots(), now_ns)
        blocked = 0.0 + sum(
            order_premium("BUY", o.remaining, o.limit or o.price)
            for o in self.orders.values()
            if o.working and o.transaction_type == "BUY"
        )
        return margin, blocked

    def required_margin(
        self, instrument: Instrument, side: str, quantity: int, price: float, now_ns: int
    ) -> float:
        """Extra SPAN + exposure, plus premium, a new order needs beyond what is used."""
        before, _ = self.current_margin(now_ns)
        signed = quantity if side == "BUY" else -quantity
        after, _ = self.current_margin(now_ns, [leg(instrument, signed, self.market.quotes)])
        extra = after.span + after.exposure - before.span - before.exposure
        return round(max(0.0, extra) + order_premium(side, quantity, price), 2)

    def check_margin(
        self, instrument: Instrument, side: str, quantity: int, price: float, now_ns: int
    ) -> None:
        """Refuse with Kite's message when the order needs more than the available margin."""
        required = self.required_margin(instrument, side, quantity, price, now_ns)
        available = self.funds(now_ns)["net"]
        if required > available:
            raise KiteError(
                "MarginException",
                f"Insufficient funds. Required margin is {required:.2f} but available margin is "
                f"{available:.2f}. Check the orders book for open orders.",
            )

    def funds(self, now_ns: int) -> dict[str, Any]:
        """The equity segment of ``GET /user/margins``."""
        margin, blocked = self.current_margin(now_ns)
        views = [self.position_view(p, day=False) for p in self.account.positions.values()]
        m2m = (sum(v["realised"] for v in views), sum(v["unrealised"] for v in views))
        return self.account.funds(margin, blocked, m2m)

    # ------------------------------------------------------------------ modify / cancel
    def order(self, order_id: str) -> Order:
        """An order by id.

        Raises
        ------
        KiteError
            ``InputException`` when there is no such order.
        """
        order = self.orders.get(order_id)
        if order is None:
            raise input_error("Couldn't find that `order_id`.")
        return order

    def modify(
        self, variety: str, order_id: str, form: Mapping[str, str], now_ns: int
    ) -> dict[str, Any]:
        """Handle ``PUT /orders/{variety}/{order_id}``: quantity, price, trigger, type."""
        order = self.order(order_id)
        if order.variety != variety:
            raise input_error(f"Invalid `variety`. The order was placed as {order.variety}.")
        rules.check_modifiable(order.status, order.modifications)
        instrument = self.market.universe.by_token[order.instrument_token]
        quantity = int(form["quantity"]) if form.get("quantity") else order.quantity
        price = float(form["price"]) if form.get("price") else order.price
        trigger = float(form["trigger_price"]) if form.get("trigger_price") else order.trigger_price
        order_type = form.get("order_type") or order.order_type
        if order_type not in rules.ORDER_TYPES:
            raise input_error("Invalid `order_type`.")
        rules.check_quantity(quantity, instrument)
        if quantity <= order.filled_quantity:
            raise input_error("Invalid `quantity`. It must exceed the quantity already filled.")
        rules.check_prices(order_type, price, trigger, instrument.tick_size)
        if form.get("market_protection"):
            order.market_protection = float(form["market_protection"])
        rules.check_market_protection(order_type, order.market_protection)
        quote = self.market.quotes[order.instrument_token]
        limits = rules.circuit_limits(quote, instrument.tick_size, now_ns // NS_PER_SECOND)
        breach = rules.limits_breach(price, limits)
        if order_type in ("LIMIT", "SL") and breach:
            raise input_error(breach)
        order.snapshot("MODIFY VALIDATION PENDING", now_ns)
        order.snapshot("MODIFY PENDING", now_ns)
        order.quantity, order.price, order.trigger_price = quantity, price, trigger
        order.order_type, order.limit = order_type, price
        order.pending_quantity = order.remaining
        order.modified = True
        order.modifications += 1
        order.snapshot("MODIFIED", now_ns)
        triggered = order.order_type in ("SL", "SL-M") and order.status != "OPEN"
        order.snapshot("TRIGGER PENDING" if triggered else "OPEN", now_ns)
        self._emit(order, "UPDATE")
        if not triggered:
            self._match(order, instrument, quote, now_ns, aggressive=True)
        return {"order_id": order.order_id}

    def cancel(self, variety: str, order_id: str, now_ns: int) -> dict[str, Any]:
        """Handle ``DELETE /orders/{variety}/{order_id}``."""
        order = self.order(order_id)
        if order.status in ("COMPLETE", "CANCELLED", "REJECTED"):
            raise input_error(f"Order cannot be cancelled as it is {order.status.lower()}.")
        order.snapshot("CANCEL PENDING", now_ns)
        self._cancel(order, now_ns, None)
        return {"order_id": order.order_id}

    def _cancel(self, order: Order, now_ns: int, message: str | None) -> None:
        order.cancelled_quantity = order.remaining
        order.pending_quantity = 0
        order.snapshot("CANCELLED", now_ns, message)
        self._emit(order)

    # ------------------------------------------------------------------------ matching
    def _match(
        self, order: Order, instrument: Instrument, quote: Quote, now_ns: int, aggressive: bool
    ) -> None:
        buy = order.transaction_type == "BUY"
        levels = quote.asks if buy else quote.bids
        if not levels or not order.working or order.status != "OPEN":
            return
        price, shown, orders = levels[0]
        if (buy and price > order.limit + 1e-9) or (not buy and price < order.limit - 1e-9):
            return
        if aggressive:  # a fill at the touch stays inside the band in force (see rules)
            low, high = rules.circuit_limits(quote, instrument.tick_size, now_ns // NS_PER_SECOND)
            if not low - 1e-9 <= price <= high + 1e-9:
                return
        quantity = min(order.remaining, shown) if self.partial_fills else order.remaining
        lot = instrument.lot_size
        if quantity > lot and self.faults.happens("partial_fill"):
            quantity = max(lot, int(quantity * self.faults.fraction()) // lot * lot)
        if quantity <= 0:
            return
        if shown > quantity:
            levels[0] = (price, shown - quantity, orders)
        else:
            levels.pop(0)
        fill_price = price if aggressive else order.limit
        order.fill(quantity, fill_price)
        stamp = kite_time(now_ns)
        self.trades.append(
            Trade(
                trade_id=f"{self._next('trade'):08d}",
                order_id=order.order_id,
                exchange_order_id=order.exchange_order_id,
                tradingsymbol=order.tradingsymbol,
                exchange=order.exchange,
                instrument_token=order.instrument_token,
                product=order.product,
                average_price=fill_price,
                quantity=quantity,
                transaction_type=order.transaction_type,
                fill_timestamp=stamp,
                exchange_timestamp=stamp,
                order_timestamp=order.order_timestamp[11:],
            )
        )
        self.account.book_fill(instrument, order, quantity, fill_price, now_ns)
        quote.trade(fill_price, quantity, now_ns // 1_000_000_000)
        if order.remaining == 0:
            order.snapshot("COMPLETE", now_ns)
            self._emit(order)
        else:
            order.snapshot("OPEN", now_ns)
            self._emit(order, "UPDATE")

    def step(self, now_ns: int, is_open: bool, changed: list[int]) -> None:
        """After a market step: roll the day, settle expiries, trigger, match, expire TTLs."""
        day = ist_date(now_ns).isoformat()
        if self.trading_day and day != self.trading_day:
            self.roll_day()
        self.trading_day = day
        self.settle(now_ns)
        if not is_open:
            return
        for order in list(self.orders.values()):
            instrument = self.market.universe.by_token.get(order.instrument_token)
            if instrument is None or order.status in ("COMPLETE", "CANCELLED", "REJECTED"):
                continue
            quote = self.market.quotes[order.instrument_token]
            if order.status == "AMO REQ RECEIVED":
                self._admit(order, instrument, quote, now_ns)
            elif order.status == "TRIGGER PENDING":
                last = quote.last_price
                if (order.transaction_type == "BUY" and last >= order.trigger_price) or (
                    order.transaction_type == "SELL" and last <= order.trigger_price
                ):
                    self._open(order, instrument, quote, now_ns)
            elif order.validity == "TTL" and now_ns >= order.expiry_ns:
                self._cancel(order, now_ns, "TTL order expired.")
            else:
                self._match(order, instrument, quote, now_ns, aggressive=False)
        self.flush_held()

    def settle(self, now_ns: int) -> list[dict[str, Any]]:
        """Cancel working orders in expired contracts and cash-settle their positions."""
        expired = [i for at_ns, i in self._expiries if now_ns >= at_ns]
        if not expired:
            return []
        tokens = {i.instrument_token for i in expired}
        for order in self.orders.values():
            if order.instrument_token in tokens and order.working:
                self._cancel(order, now_ns, "Order cancelled as the contract expired.")
        return self.account.settle(self.market.universe, self.spots(), now_ns)

    def roll_day(self) -> None:
        """A new trading day: the order book and trades start empty, positions carry over."""
        self.orders.clear()
        self.trades.clear()
        for key, position in list(self.account.positions.items()):
            position.roll_day()
            if not position.quantity:
                del self.account.positions[key]

    # --------------------------------------------------------------------------- views
    def position_view(self, position: Any, day: bool) -> dict[str, Any]:
        """One position in Kite's shape, valued at the current last price (the settlement
        price once the contract has expired and settled)."""
        quote = self.market.quotes.get(position.instrument_token)
        last, close = (quote.last_price, quote.close) if quote else (0.0, 0.0)
        if position.settlement_price is not None:
            last = position.settlement_price
        return position.day_view(last, close) if day else position.net_view(last, close)

    def positions(self) -> dict[str, list[dict[str, Any]]]:
        """``GET /portfolio/positions``: ``net`` and ``day``."""
        held = list(self.account.positions.values())
        return {
            "net": [self.position_view(p, day=False) for p in held],
            "day": [self.position_view(p, day=True) for p in held if p.active_today],
        }


def _expiry_ns(instrument: Instrument) -> int:
    assert instrument.expiry is not None
    return expiry_ns(instrument.expiry)
