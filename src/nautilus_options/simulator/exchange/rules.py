"""Order rules as Kite and NSE apply them (pure: no I/O, no clock).

Each rule cites its basis; the wording of each refusal is Kite's where it is known
(KITE_API.md), and marked *[U]* in the simulator guide where it is the simulator's own.

* **Parameters** (Kite v3 place-order form, §3.2): ``transaction_type`` BUY/SELL;
  ``order_type`` MARKET/LIMIT/SL/SL-M; ``product`` NRML/MIS for NFO; ``validity``
  DAY/IOC/TTL; ``tag`` at most 20 characters (longer tags are rejected, not truncated [F]).
* **Lot and tick** (NSE F&O contract specifications): quantity in units, a multiple of the
  lot size; prices on the 0.05 tick.
* **Freeze quantity** (NSE, per underlying): larger orders are refused with a 400 unless
  ``autoslice=true``, which splits them into at most 10 children (Kite autoslice, §3.2).
* **Market protection** (Kite, mandatory via the API for MARKET and SL-M since 1 Apr 2026,
  §3.2): 1-100 (%) or -1 (automatic); 0 or absent is refused. A protected market order
  becomes a LIMIT at the protected price.
* **Limit price protection bands** (NSE limit price protection for index options, as Kite
  enforces it): a premium above ₹50 must lie within ±40 % of the reference price, one of
  ₹50 or less within ±₹20; breaches are REJECTED with Kite's "circuit limit" wording. The
  reference follows the market (NSE's dynamic bands for index options move with it), see
  :func:`band_reference`; :func:`circuit_limits` is the one band both ``/quote``
  (``lower_circuit_limit``/``upper_circuit_limit``) and the order checks use.
* **Market hours**: regular orders outside the session are refused.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from nautilus_options.simulator.errors import KiteError, input_error
from nautilus_options.simulator.instruments import Instrument
from nautilus_options.simulator.market.state import Quote

Side = Literal["BUY", "SELL"]
ORDER_TYPES = ("MARKET", "LIMIT", "SL", "SL-M")
PRODUCTS = ("NRML", "MIS")
VALIDITIES = ("DAY", "IOC", "TTL")
VARIETIES = ("regular", "amo", "iceberg")
MAX_TAG = 20
MAX_SLICES = 10
MAX_MODIFICATIONS = 25
#: Premium above which the band is relative (±40 %), and the bands themselves (NSE LPP).
BAND_PIVOT = 50.0
BAND_RELATIVE = 0.40
BAND_ABSOLUTE = 20.0
#: A print at most this old (simulator seconds) is the band's reference; else the mid.
REFERENCE_TRADE_S = 10

MARKET_PROTECTION_REQUIRED = (
    "Market orders without market protection are not allowed via API. "
    "Please set market protection or use a Limit order."
)
INSTRUMENT_UNKNOWN = (
    "The instrument you are placing an order for has either expired or does not exist."
)
MARKETS_CLOSED = "Markets are closed right now. Use GTT for placing long standing orders instead."


@dataclass(frozen=True)
class OrderRequest:
    """A place-order form, parsed and typed."""

    variety: str
    exchange: str
    tradingsymbol: str
    transaction_type: Side
    order_type: str
    quantity: int
    product: str
    price: float = 0.0
    trigger_price: float = 0.0
    validity: str = "DAY"
    validity_ttl: int | None = None
    disclosed_quantity: int = 0
    market_protection: float = 0.0
    tag: str | None = None
    autoslice: bool = False


def _required(form: Mapping[str, str], name: str) -> str:
    value = (form.get(name) or "").strip()
    if not value:
        raise input_error(f"Missing or empty field `{name}`.")
    return value


def _number(form: Mapping[str, str], name: str, kind: type[int] | type[float]) -> float:
    text = (form.get(name) or "").strip()
    if not text:
        return 0
    try:
        value = float(text)
    except ValueError:
        raise input_error(f"Invalid `{name}`.") from None
    if not math.isfinite(value) or (kind is int and value != int(value)):
        raise input_error(f"Invalid `{name}`.")
    return value


def _choice(value: str, allowed: tuple[str, ...], name: str) -> str:
    if value not in allowed:
        raise input_error(f"Invalid `{name}`. Allowed: {', '.join(allowed)}.")
    return value


def parse_order(variety: str, form: Mapping[str, str]) -> OrderRequest:
    """Parse a place-order form (Kite field names, all values text).

    Raises
    ------
    KiteError
        ``InputException`` for a missing, unknown or malformed field.
    """
    side = _choice(_required(form, "transaction_type"), ("BUY", "SELL"), "transaction_type")
    tag = form.get("tag") or None
    if tag is not None and len(tag) > MAX_TAG:
        raise input_error(f"Invalid `tag`. It can be at most {MAX_TAG} characters.")
    ttl = form.get("validity_ttl")
    return OrderRequest(
        variety=_choice(variety, VARIETIES, "variety"),
        exchange=_required(form, "exchange"),
        tradingsymbol=_required(form, "tradingsymbol"),
        transaction_type="BUY" if side == "BUY" else "SELL",
        order_type=_choice(_required(form, "order_type"), ORDER_TYPES, "order_type"),
        quantity=int(_number(form, "quantity", int)),
        product=_choice(_required(form, "product"), PRODUCTS, "product"),
        price=float(_number(form, "price", float)),
        trigger_price=float(_number(form, "trigger_price", float)),
        validity=_choice(form.get("validity") or "DAY", VALIDITIES, "validity"),
        validity_ttl=int(ttl) if ttl and ttl.isdigit() else None,
        disclosed_quantity=int(_number(form, "disclosed_quantity", int)),
        market_protection=float(_number(form, "market_protection", float)),
        tag=tag,
        autoslice=(form.get("autoslice") or "").lower() == "true",
    )


def on_tick(value: float, tick: float) -> bool:
    """Whether ``value`` is a multiple of ``tick`` (to a thousandth of a tick)."""
    steps = value / tick
    return abs(steps - round(steps)) < 1e-3


def check_order(request: OrderRequest, instrument: Instrument | None, is_open: bool) -> None:
    """Refuse a request that breaks a static rule (everything but price bands and margin).

    Raises
    ------
    KiteError
        ``InputException`` with the rule's message.
    """
    if instrument is None or not instrument.tradable:
        raise input_error(INSTRUMENT_UNKNOWN)
    if request.variety != "amo" and not is_open:
        raise input_error(MARKETS_CLOSED)
    check_quantity(request.quantity, instrument, autoslice=request.autoslice)
    check_prices(request.order_type, request.price, request.trigger_price, instrument.tick_size)
    check_market_protection(request.order_type, request.market_protection)
    if request.validity == "TTL" and not request.validity_ttl:
        raise input_error("Invalid `validity_ttl`. TTL orders need a validity in minutes.")


def check_quantity(quantity: int, instrument: Instrument, autoslice: bool = False) -> None:
    """Positive, a multiple of the lot, and within the freeze quantity unless sliced."""
    if quantity <= 0:
        raise input_error("Invalid `quantity`. It must be greater than zero.")
    if quantity % instrument.lot_size:
        raise input_error(f"Quantity should be a multiple of lot size {instrument.lot_size}.")
    if not autoslice and instrument.freeze_qty and quantity > instrument.freeze_qty:
        raise input_error(
            f"Quantity exceeds the freeze limit of {instrument.freeze_qty} for "
            f"{instrument.tradingsymbol}. Use autoslice or iceberg to place larger orders."
        )


def check_prices(order_type: str, price: float, trigger: float, tick: float) -> None:
    """Price and trigger present where the order type needs them, and on the tick."""
    if order_type in ("LIMIT", "SL") and price <= 0:
        raise input_error("Invalid `price`. A LIMIT or SL order needs a price above zero.")
    if order_type in ("SL", "SL-M") and trigger <= 0:
        raise input_error("Invalid `trigger_price`. SL and SL-M orders need a trigger price.")
    for name, value in (("price", price), ("trigger price", trigger)):
        if value > 0 and not on_tick(value, tick):
            raise input_error(
                f"Tick size for this script is {tick:.2f}. Kindly enter {name} in the "
                "multiple of tick size for this script"
            )


def check_market_protection(order_type: str, protection: float) -> None:
    """MARKET and SL-M orders need 1-100 or -1 (Kite, from 1 Apr 2026); 0 is refused."""
    if order_type not in ("MARKET", "SL-M"):
        return
    if protection == 0:
        raise input_error(MARKET_PROTECTION_REQUIRED)
    if protection != -1 and not 0 < protection <= 100:
        raise input_error("Invalid `market_protection`. Use -1 (auto) or a value from 1 to 100.")


def auto_protection_pct(price: float) -> float:
    """Percentage applied for ``market_protection=-1`` (the simulator's table, by premium)."""
    if price < 10:
        return 5.0
    if price < 100:
        return 3.0
    if price < 500:
        return 2.0
    return 1.0


def _ticks(value: float, tick: float, up: bool) -> float:
    steps = value / tick
    return round((math.ceil(steps - 1e-9) if up else math.floor(steps + 1e-9)) * tick, 2)


def price_band(reference: float, tick: float) -> tuple[float, float]:
    """Lowest and highest limit price allowed around ``reference`` (NSE LPP bands)."""
    if reference > BAND_PIVOT:
        low, high = reference * (1 - BAND_RELATIVE), reference * (1 + BAND_RELATIVE)
    else:
        low, high = reference - BAND_ABSOLUTE, reference + BAND_ABSOLUTE
    return max(_ticks(low, tick, up=True), tick), _ticks(high, tick, up=False)


def band_reference(quote: Quote, now_s: int) -> float:
    """The reference price of the protection band, following the market.

    1. the last trade (``last_price``) when it printed at most :data:`REFERENCE_TRADE_S`
       simulator seconds ago;
    2. else the mid of the current best bid and ask, when both sides are quoted;
    3. else the last price, else the previous close.
    """
    if quote.last_price > 0 and 0 <= now_s - quote.last_trade_time <= REFERENCE_TRADE_S:
        return quote.last_price
    bid, ask = quote.best_bid, quote.best_ask
    if bid is not None and ask is not None and bid[0] > 0 and ask[0] > 0:
        return (bid[0] + ask[0]) / 2
    return quote.last_price or quote.close


def circuit_limits(quote: Quote, tick: float, now_s: int) -> tuple[float, float]:
    """The band in force now: what ``/quote`` shows and what orders are checked against."""
    return price_band(band_reference(quote, now_s), tick)


def band_breach(price: float, reference: float, tick: float) -> str | None:
    """Kite's rejection message when ``price`` is outside the band, else None."""
    return limits_breach(price, price_band(reference, tick))


def limits_breach(price: float, limits: tuple[float, float]) -> str | None:
    """Kite's rejection message when ``price`` is outside ``(low, high)``, else None."""
    low, high = limits
    if price > high + 1e-9:
        return (
            f"Your order price is higher than the current upper circuit limit of {high:.2f}. "
            "Place an order within the daily range."
        )
    if price < low - 1e-9:
        return (
            f"Your order price is lower than the current lower circuit limit of {low:.2f}. "
            "Place an order within the daily range."
        )
    return None


def protected_price(
    side: Side, touch: float, protection: float, limits: tuple[float, float], tick: float
) -> float:
    """The LIMIT price a protected market order becomes: the touch moved by the protection
    percentage against the order, rounded to the tick and kept inside the price band
    ``limits`` (:func:`circuit_limits`)."""
    pct = auto_protection_pct(touch) if protection == -1 else protection
    low, high = limits
    if side == "BUY":
        return max(min(_ticks(touch * (1 + pct / 100), tick, up=False), high), low)
    return min(max(_ticks(touch * (1 - pct / 100), tick, up=True), low), high)


def slice_quantities(quantity: int, instrument: Instrument) -> list[int]:
    """Child quantities of an autoslice order: full freeze-sized lots, then the rest.

    Each child is the largest lot multiple within the freeze quantity (1755 for NIFTY's
    1800 with lot 65). More than :data:`MAX_SLICES` children is refused.
    """
    lot, freeze = instrument.lot_size, instrument.freeze_qty or quantity
    size = max(lot, freeze - freeze % lot)
    slices = [size] * (quantity // size)
    if quantity % size:
        slices.append(quantity % size)
    if len(slices) > MAX_SLICES:
        raise input_error(
            f"Quantity {quantity} needs {len(slices)} slices of at most {size}; "
            f"autoslice allows at most {MAX_SLICES}."
        )
    return slices


def check_modifiable(status: str, modifications: int) -> None:
    """Only working orders may change, at most :data:`MAX_MODIFICATIONS` times (Kite [F])."""
    if status in ("COMPLETE", "CANCELLED", "REJECTED"):
        raise KiteError("InputException", f"Order cannot be modified as it is {status.lower()}.")
    if modifications >= MAX_MODIFICATIONS:
        raise input_error(
            f"Maximum allowed order modifications ({MAX_MODIFICATIONS}) exceeded. "
            "Cancel and place a new order."
        )
