"""Positions, holdings, funds, order and basket margins, and the virtual contract note."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request

from nautilus_options.domain.charges import Charges, order_charges
from nautilus_options.domain.time import ist_date
from nautilus_options.simulator.errors import KiteError, input_error, success
from nautilus_options.simulator.exchange.accounting import charges_dict, leg
from nautilus_options.simulator.exchange.broker import Broker
from nautilus_options.simulator.exchange.margins import Leg, order_premium
from nautilus_options.simulator.instruments import Instrument
from nautilus_options.simulator.routes.common import core_of, json_list, kite_guard

router = APIRouter(dependencies=[Depends(kite_guard)])

_EMPTY_SEGMENT: dict[str, Any] = {
    "enabled": False,
    "net": 0.0,
    "available": dict.fromkeys(
        ("adhoc_margin", "cash", "opening_balance", "live_balance", "collateral", "intraday_payin"),
        0.0,
    ),
    "utilised": dict.fromkeys(
        (
            "debits",
            "exposure",
            "m2m_realised",
            "m2m_unrealised",
            "option_premium",
            "payout",
            "span",
            "holding_sales",
            "turnover",
            "liquid_collateral",
            "stock_collateral",
            "delivery",
        ),
        0.0,
    ),
}


@router.get("/portfolio/positions")
async def positions(request: Request) -> dict[str, Any]:
    """Net and day positions."""
    return success(core_of(request).broker.positions())


@router.get("/portfolio/holdings")
async def holdings(request: Request) -> dict[str, Any]:
    """Holdings: always empty (options are not held in demat)."""
    return success([])


@router.get("/user/margins")
async def margins(request: Request) -> dict[str, Any]:
    """Funds of both segments (F&O lives in ``equity``)."""
    core = core_of(request)
    return success({"equity": core.broker.funds(core.clock.now_ns()), "commodity": _EMPTY_SEGMENT})


@router.get("/user/margins/{segment}")
async def segment_margins(request: Request, segment: str) -> dict[str, Any]:
    """Funds of one segment."""
    core = core_of(request)
    if segment == "equity":
        return success(core.broker.funds(core.clock.now_ns()))
    if segment == "commodity":
        return success(_EMPTY_SEGMENT)
    raise input_error("Invalid segment.")


def _order(broker: Broker, item: dict[str, Any]) -> tuple[Instrument, str, int, float]:
    instrument = broker.instrument(
        str(item.get("exchange", "")), str(item.get("tradingsymbol", ""))
    )
    if instrument is None or not instrument.tradable:
        raise input_error(f"Unknown instrument {item.get('exchange')}:{item.get('tradingsymbol')}.")
    side = str(item.get("transaction_type", ""))
    if side not in ("BUY", "SELL"):
        raise input_error("Invalid `transaction_type`.")
    try:
        quantity = int(item.get("quantity", 0))
        price = float(item.get("price") or item.get("average_price") or 0)
    except (TypeError, ValueError):
        raise input_error("Invalid `quantity` or `price`.") from None
    if not price:
        quote = broker.market.quotes[instrument.instrument_token]
        price = quote.last_price
    return instrument, side, quantity, price


def _margin_object(
    instrument: Instrument,
    side: str,
    quantity: int,
    price: float,
    span: float,
    exposure: float,
    day: Any,
) -> dict[str, Any]:
    premium = order_premium(side, quantity, price)
    charges = order_charges("BUY" if side == "BUY" else "SELL", quantity * price, day)
    return {
        "type": "equity",
        "tradingsymbol": instrument.tradingsymbol,
        "exchange": instrument.exchange,
        "span": round(span, 2),
        "exposure": round(exposure, 2),
        "option_premium": premium,
        "additional": 0.0,
        "bo": 0.0,
        "cash": 0.0,
        "var": 0.0,
        "pnl": {"realised": 0.0, "unrealised": 0.0},
        "leverage": 1,
        "charges": charges_dict(charges),
        "total": round(span + exposure + premium, 2),
    }


@router.post("/margins/orders")
async def order_margins(request: Request) -> dict[str, Any]:
    """Margin of each order on its own, beyond the current positions and open orders."""
    core = core_of(request)
    broker, now = core.broker, core.clock.now_ns()
    base, _ = broker.current_margin(now)
    out = []
    for item in await json_list(request):
        instrument, side, quantity, price = _order(broker, item)
        signed = quantity if side == "BUY" else -quantity
        after, _ = broker.current_margin(now, [leg(instrument, signed, broker.market.quotes)])
        span = max(0.0, after.span - base.span)
        exposure = max(0.0, after.exposure - base.exposure)
        out.append(_margin_object(instrument, side, quantity, price, span, exposure, ist_date(now)))
    return success(out)


def _totals(objects: list[dict[str, Any]], span: float, exposure: float) -> dict[str, Any]:
    premium = sum(o["option_premium"] for o in objects)
    return {
        "type": "equity",
        "tradingsymbol": "",
        "exchange": "",
        "span": round(span, 2),
        "exposure": round(exposure, 2),
        "option_premium": round(premium, 2),
        "additional": 0.0,
        "bo": 0.0,
        "cash": 0.0,
        "var": 0.0,
        "pnl": {"realised": 0.0, "unrealised": 0.0},
        "leverage": 1,
        "charges": charges_dict(Charges()),
        "total": round(span + exposure + premium, 2),
    }


@router.post("/margins/basket")
async def basket_margins(
    request: Request, consider_positions: str = "true", mode: str = ""
) -> dict[str, Any]:
    """``initial``: the orders' margins summed one by one; ``final``: with the hedge benefit."""
    core = core_of(request)
    broker, now = core.broker, core.clock.now_ns()
    items = [_order(broker, item) for item in await json_list(request)]
    legs: list[Leg] = [
        leg(ins, q if side == "BUY" else -q, broker.market.quotes) for ins, side, q, _ in items
    ]
    spots = broker.spots()
    objects = []
    for (ins, side, q, price), one in zip(items, legs, strict=True):
        alone = broker.account.margin([one], spots, now)
        objects.append(
            _margin_object(ins, side, q, price, alone.span, alone.exposure, ist_date(now))
        )
    initial = _totals(objects, sum(o["span"] for o in objects), sum(o["exposure"] for o in objects))
    held = (
        broker.account.legs(broker.market.universe, broker.market.quotes, [])
        if consider_positions.lower() == "true"
        else []
    )
    before = broker.account.margin(held, spots, now)
    after = broker.account.margin(held + legs, spots, now)
    final = _totals(
        objects, max(0.0, after.span - before.span), max(0.0, after.exposure - before.exposure)
    )
    total_charges = sum(
        (Charges(**{k: v for k, v in _flat(o["charges"]).items()}) for o in objects), Charges()
    )
    data: dict[str, Any] = {
        "initial": initial,
        "final": final,
        "charges": charges_dict(total_charges),
    }
    data["orders"] = [] if mode == "compact" else objects
    return success(data)


def _flat(charges: dict[str, Any]) -> dict[str, float]:
    return {
        "brokerage": charges["brokerage"],
        "stt": charges["transaction_tax"],
        "exchange_txn": charges["exchange_turnover_charge"],
        "sebi": charges["sebi_turnover_charge"],
        "stamp": charges["stamp_duty"],
        "gst": charges["gst"]["total"],
    }


@router.post("/charges/orders")
async def contract_note(request: Request) -> dict[str, Any]:
    """Charges per executed order (``order_id``, ``quantity``, ``average_price``, ...)."""
    core = core_of(request)
    day = ist_date(core.clock.now_ns())
    out = []
    for item in await json_list(request):
        instrument, side, quantity, price = _order(core.broker, item)
        if quantity <= 0:
            raise KiteError("InputException", "Invalid `quantity`.")
        charges = order_charges("BUY" if side == "BUY" else "SELL", quantity * price, day)
        out.append(
            {
                "transaction_type": side,
                "tradingsymbol": instrument.tradingsymbol,
                "exchange": instrument.exchange,
                "variety": item.get("variety", "regular"),
                "product": item.get("product", "NRML"),
                "order_type": item.get("order_type", "LIMIT"),
                "quantity": quantity,
                "price": price,
                "charges": charges_dict(charges),
            }
        )
    return success(out)
