"""Instruments dump, quotes (full, OHLC, LTP) and historical candles (KITE_API.md §3.7-3.9)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response

from nautilus_options.domain.time import IST, NS_PER_SECOND, ist_datetime, to_ns
from nautilus_options.simulator.errors import KiteError, input_error, success
from nautilus_options.simulator.exchange.orders import kite_time
from nautilus_options.simulator.exchange.rules import circuit_limits
from nautilus_options.simulator.instruments import Instrument, csv_dump
from nautilus_options.simulator.market.state import Level, Quote
from nautilus_options.simulator.routes.common import apply_faults, core_of, kite_guard

#: Kite's interval names and their minutes (``day`` is a whole session).
INTERVALS = {
    "minute": 1,
    "3minute": 3,
    "5minute": 5,
    "10minute": 10,
    "15minute": 15,
    "30minute": 30,
    "60minute": 60,
    "day": 375,
}
#: Batch limits per request (§3.8).
QUOTE_LIMIT, OHLC_LIMIT = 500, 1000

public = APIRouter(dependencies=[Depends(apply_faults)])
private = APIRouter(dependencies=[Depends(kite_guard)])


@public.get("/instruments")
async def instruments(request: Request) -> Response:
    """Every listed instrument, as Kite's CSV dump (no authentication, as on Kite)."""
    return _dump(request, None)


@public.get("/instruments/{exchange}")
async def instruments_of(request: Request, exchange: str) -> Response:
    """The instruments of one exchange."""
    return _dump(request, exchange)


def _dump(request: Request, exchange: str | None) -> Response:
    market = core_of(request).market
    prices = {t: q.last_price for t, q in market.quotes.items()}
    body = csv_dump(market.universe.instruments, prices, exchange)
    return Response(body, media_type="text/csv")


def _resolve(request: Request, keys: list[str], limit: int) -> list[tuple[str, Instrument, Quote]]:
    if len(keys) > limit:
        raise input_error(f"Too many instruments: at most {limit} per request.")
    market = core_of(request).market
    found = []
    for key in keys:
        instrument = market.universe.lookup(key)
        if instrument is not None and instrument.instrument_token in market.quotes:
            found.append((key, instrument, market.quotes[instrument.instrument_token]))
    return found


def _ohlc(quote: Quote) -> dict[str, float]:
    return {"open": quote.open, "high": quote.high, "low": quote.low, "close": quote.close}


def _depth(levels: list[Level]) -> list[dict[str, Any]]:
    rows = [{"price": p, "quantity": q, "orders": o} for p, q, o in levels[:5]]
    return rows + [{"price": 0.0, "quantity": 0, "orders": 0}] * (5 - len(rows))


def full_quote(instrument: Instrument, quote: Quote, now_s: int) -> dict[str, Any]:
    """One entry of ``GET /quote`` (Kite's field names).

    The circuit limits are :func:`~..exchange.rules.circuit_limits` at ``now_s``: the very
    band the order checks apply at that instant.
    """
    low, high = circuit_limits(quote, instrument.tick_size or 0.05, now_s)
    return {
        "instrument_token": instrument.instrument_token,
        "timestamp": kite_time(quote.timestamp * NS_PER_SECOND),
        "last_trade_time": kite_time(quote.last_trade_time * NS_PER_SECOND),
        "last_price": quote.last_price,
        "last_quantity": quote.last_quantity,
        "buy_quantity": quote.buy_quantity,
        "sell_quantity": quote.sell_quantity,
        "volume": quote.volume,
        "average_price": quote.average_price,
        "oi": quote.oi,
        "oi_day_high": quote.oi_day_high,
        "oi_day_low": quote.oi_day_low,
        "net_change": round(quote.last_price - quote.close, 2) if quote.close else 0.0,
        "lower_circuit_limit": low if instrument.tradable else 0.0,
        "upper_circuit_limit": high if instrument.tradable else 0.0,
        "ohlc": _ohlc(quote),
        "depth": {"buy": _depth(quote.bids), "sell": _depth(quote.asks)},
    }


@private.get("/quote")
async def quote(request: Request, i: list[str] = Query(default=[])) -> dict[str, Any]:  # noqa: B008
    """Full quotes; unknown keys are left out (§3.8)."""
    now_s = core_of(request).clock.now_ns() // NS_PER_SECOND
    found = _resolve(request, i, QUOTE_LIMIT)
    return success({key: full_quote(ins, q, now_s) for key, ins, q in found})


@private.get("/quote/ohlc")
async def quote_ohlc(request: Request, i: list[str] = Query(default=[])) -> dict[str, Any]:  # noqa: B008
    """Last price and OHLC."""
    return success(
        {
            key: {
                "instrument_token": ins.instrument_token,
                "last_price": q.last_price,
                "ohlc": _ohlc(q),
            }
            for key, ins, q in _resolve(request, i, OHLC_LIMIT)
        }
    )


@private.get("/quote/ltp")
async def quote_ltp(request: Request, i: list[str] = Query(default=[])) -> dict[str, Any]:  # noqa: B008
    """Last price only."""
    return success(
        {
            key: {"instrument_token": ins.instrument_token, "last_price": q.last_price}
            for key, ins, q in _resolve(request, i, OHLC_LIMIT)
        }
    )


def _parse_time(text: str, name: str) -> int:
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        raise input_error(f"Invalid `{name}` date.") from None
    return to_ns(moment if moment.tzinfo else moment.replace(tzinfo=IST))


@private.get("/instruments/historical/{token}/{interval}")
async def historical(
    request: Request, token: int, interval: str, oi: int = 0, continuous: int = 0
) -> dict[str, Any]:
    """Candles the simulator recorded for ``token`` (``from``/``to`` are IST wall-clock)."""
    params = request.query_params
    if interval not in INTERVALS:
        raise input_error("Invalid `interval`.")
    core = core_of(request)
    if token not in core.market.universe.by_token:
        raise KiteError("InputException", "Invalid `instrument_token`.")
    start = _parse_time(params.get("from", ""), "from") // NS_PER_SECOND
    end = _parse_time(params.get("to", ""), "to") // NS_PER_SECOND
    candles = []
    for minute, (o, h, low, c, v, open_interest) in core.candles.between(
        token, start, end, INTERVALS[interval]
    ):
        stamp = ist_datetime(minute * NS_PER_SECOND).strftime("%Y-%m-%dT%H:%M:%S+0530")
        row: list[Any] = [stamp, o, h, low, c, int(v)]
        if oi:
            row.append(int(open_interest))
        candles.append(row)
    return success({"candles": candles})
