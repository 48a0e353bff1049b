"""The venue's answer to margin questions (``capital.messages.MARGIN_ENDPOINT``).

The execution client registers the endpoint on connect and deregisters it on disconnect. A
:class:`~nautilus_options.capital.messages.MarginRequest` becomes one
``POST /margins/basket?consider_positions=true`` (KITE_API.md §3.6: ``initial`` before and
``final`` after the spread benefit, the open positions counted) and one ``GET /user/margins``
(``equity.net``: funds available), both through the client's rate limiters. The answer goes
to the request's callback on the node's event loop; a failure is an answer with ``error``
set, so a strategy waiting for it is never left hanging.
"""

from __future__ import annotations

from typing import Any

import msgspec
from nautilus_trader.live.execution_client import LiveExecutionClient
from nautilus_trader.model.identifiers import InstrumentId

from nautilus_options.adapters.zerodha.common.errors import KiteError
from nautilus_options.adapters.zerodha.config import ZerodhaExecClientConfig
from nautilus_options.adapters.zerodha.constants import NFO_VENUE
from nautilus_options.adapters.zerodha.http.client import KiteHttpClient
from nautilus_options.adapters.zerodha.schemas.orders import KiteBasketMargin, KiteMargins
from nautilus_options.capital.messages import (
    MARGIN_ENDPOINT,
    MarginLeg,
    MarginRequest,
    MarginResponse,
)


def basket_orders(legs: tuple[MarginLeg, ...], product: str) -> list[dict[str, Any]]:
    """Kite's margin order objects for ``legs`` (a leg priced 0 is a MARKET order).

    Raises
    ------
    ValueError
        If a leg is not an NFO instrument.
    """
    orders = []
    for leg in legs:
        instrument_id = InstrumentId.from_str(leg.instrument_id)
        if instrument_id.venue != NFO_VENUE:
            raise ValueError(f"{leg.instrument_id} is not an NFO instrument")
        orders.append(
            {
                "exchange": NFO_VENUE.value,
                "tradingsymbol": instrument_id.symbol.value,
                "transaction_type": leg.side,
                "variety": "regular",
                "product": product,
                "order_type": "LIMIT" if leg.price > 0 else "MARKET",
                "quantity": leg.quantity,
                "price": leg.price,
                "trigger_price": 0,
            }
        )
    return orders


class MarginEndpoint(LiveExecutionClient):
    """The margin half of the execution client (see the module docstring)."""

    _config: ZerodhaExecClientConfig
    _http: KiteHttpClient

    def _register_margin_endpoint(self) -> None:
        self._msgbus.register(endpoint=MARGIN_ENDPOINT, handler=self._on_margin_request)

    def _deregister_margin_endpoint(self) -> None:
        if MARGIN_ENDPOINT in self._msgbus.endpoints():
            self._msgbus.deregister(endpoint=MARGIN_ENDPOINT, handler=self._on_margin_request)

    def _on_margin_request(self, request: MarginRequest) -> None:
        self.create_task(self.answer_margin(request), log_msg="kite-basket-margin")

    async def answer_margin(self, request: MarginRequest) -> MarginResponse:
        """Ask Kite, call ``request.callback`` with the answer, and return it."""
        try:
            orders = basket_orders(request.legs, self._config.product)
            basket = msgspec.convert(
                await self._http.request(
                    "POST", "/margins/basket", params={"consider_positions": "true"}, json=orders
                ),
                KiteBasketMargin,
            )
            funds = msgspec.convert(await self._http.request("GET", "/user/margins"), KiteMargins)
            response = MarginResponse(
                request.request_id, basket.initial.total, basket.final.total, funds.equity.net, None
            )
        except (KiteError, ValueError, msgspec.ValidationError) as exc:
            response = MarginResponse(
                request.request_id, 0.0, 0.0, 0.0, f"{type(exc).__name__}: {exc}"
            )
        request.callback(response)
        return response
