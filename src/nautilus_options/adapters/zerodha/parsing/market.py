"""Decoded ticker rows and REST candles turned into Nautilus market data.

Rules (DESIGN.md §7, KITE_API.md §8):

* a tradable packet with depth (full mode) gives a :class:`QuoteTick` from the best bid and
  ask of the depth, when both sides are present;
* a tradable packet whose day volume rose since the last one seen gives a
  :class:`TradeTick` (last price, last traded quantity; Kite sends no trade id or aggressor,
  so the id is ``<token>-<volume>`` and the aggressor is ``NO_AGGRESSOR``);
* an index packet gives a :class:`TradeTick` of size 1 on each of the index's instrument
  ids (``NIFTY.NSE`` and its ``NIFTY.NFO`` settlement mirror), as the backtest's index
  prints are;
* ``ts_event`` is the packet's exchange timestamp (last trade time for trades) when it
  carries one, else ``ts_init``.

Prices are converted from the wire integers exactly (no float on the way) for divisor-100
segments (NSE, NFO, BSE, BFO, MCX); other segments are skipped.
"""

from __future__ import annotations

from collections.abc import Mapping, MutableMapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import numpy as np
from nautilus_trader.model.data import Bar, BarType, QuoteTick, TradeTick
from nautilus_trader.model.enums import AggressorSide
from nautilus_trader.model.identifiers import InstrumentId, TradeId
from nautilus_trader.model.objects import FIXED_PRECISION, Price, Quantity

from nautilus_options.domain.time import NS_PER_SECOND, to_ns

#: Price precision of NSE and NFO instruments (data.instruments.PRICE_PRECISION).
PRICE_PRECISION = 2
_RAW_PER_PAISA = 10 ** (FIXED_PRECISION - PRICE_PRECISION)
_RAW_PER_UNIT = 10**FIXED_PRECISION
_NO_AGGRESSOR = AggressorSide.NO_AGGRESSOR


@dataclass(frozen=True)
class TokenRoute:
    """Where one instrument token's ticks go: ids wanting quotes, ids wanting trades."""

    quotes: tuple[InstrumentId, ...] = ()
    trades: tuple[InstrumentId, ...] = ()


@dataclass
class TradeState:
    """Per-token memory needed to spot new trades: the last day volume seen."""

    volumes: MutableMapping[int, int] = field(default_factory=dict)


def _ts(seconds: int, ts_init: int) -> int:
    return seconds * NS_PER_SECOND if seconds else ts_init


def market_data(
    rows: np.ndarray, routes: Mapping[int, TokenRoute], state: TradeState, ts_init: int
) -> list[QuoteTick | TradeTick]:
    """Quotes and trades of decoded ticker ``rows`` for the subscribed ``routes``.

    Parameters
    ----------
    rows : numpy.ndarray
        :data:`~nautilus_options.adapters.zerodha.parsing.ticker.TICK_DTYPE` rows.
    routes : mapping
        Instrument token -> :class:`TokenRoute`; other tokens are ignored.
    state : TradeState
        Last day volume per token; updated in place.
    ts_init : int
        UNIX ns at which the frame was received.
    """
    out: list[QuoteTick | TradeTick] = []
    if not len(rows):
        return out
    columns = zip(
        rows["token"].tolist(),
        rows["mode"].tolist(),
        rows["tradable"].tolist(),
        rows["divisor"].tolist(),
        rows["last_price_raw"].tolist(),
        rows["last_quantity"].tolist(),
        rows["volume"].tolist(),
        rows["last_trade_time"].tolist(),
        rows["exchange_timestamp"].tolist(),
        rows["bid_price_raw"][:, 0].tolist(),
        rows["bid_quantity"][:, 0].tolist(),
        rows["ask_price_raw"][:, 0].tolist(),
        rows["ask_quantity"][:, 0].tolist(),
        strict=True,
    )
    volumes = state.volumes
    for (
        token,
        mode,
        tradable,
        divisor,
        last,
        last_qty,
        volume,
        ltt,
        exch,
        bp,
        bq,
        ap,
        aq,
    ) in columns:
        route = routes.get(token)
        if route is None or divisor != 100.0:
            continue
        ts_event = _ts(exch, ts_init)
        if not tradable:
            if last:
                price = last * _RAW_PER_PAISA
                trade_id = TradeId(f"{token}-{ts_event // NS_PER_SECOND}-{last}")
                for instrument_id in route.trades:
                    out.append(
                        TradeTick.from_raw(
                            instrument_id,
                            price,
                            PRICE_PRECISION,
                            _RAW_PER_UNIT,
                            0,
                            _NO_AGGRESSOR,
                            trade_id,
                            ts_event,
                            ts_init,
                        )
                    )
            continue
        if mode == 3 and route.quotes and bp and ap:
            for instrument_id in route.quotes:
                out.append(
                    QuoteTick.from_raw(
                        instrument_id,
                        bp * _RAW_PER_PAISA,
                        ap * _RAW_PER_PAISA,
                        PRICE_PRECISION,
                        PRICE_PRECISION,
                        bq * _RAW_PER_UNIT,
                        aq * _RAW_PER_UNIT,
                        0,
                        0,
                        ts_event,
                        ts_init,
                    )
                )
        if mode >= 2:
            previous = volumes.get(token)
            volumes[token] = volume
            if route.trades and previous is not None and volume > previous and last and last_qty:
                trade_id = TradeId(f"{token}-{volume}")
                for instrument_id in route.trades:
                    out.append(
                        TradeTick.from_raw(
                            instrument_id,
                            last * _RAW_PER_PAISA,
                            PRICE_PRECISION,
                            last_qty * _RAW_PER_UNIT,
                            0,
                            _NO_AGGRESSOR,
                            trade_id,
                            _ts(ltt, ts_init),
                            ts_init,
                        )
                    )
    return out


def parse_candles(bar_type: BarType, candles: list[list[Any]], ts_init: int) -> list[Bar]:
    """Kite candles ``[ts, o, h, l, c, v(, oi)]`` as bars of ``bar_type``.

    Kite stamps a candle with its *open* time (``2017-12-15T09:15:00+0530``); Nautilus bars
    are stamped at their close, so ``ts_event`` is the open time plus the bar's interval.
    """
    step = bar_type.spec.timedelta.value
    bars = []
    for row in candles:
        opened = to_ns(datetime.strptime(str(row[0]), "%Y-%m-%dT%H:%M:%S%z"))
        bars.append(
            Bar(
                bar_type,
                Price(float(row[1]), PRICE_PRECISION),
                Price(float(row[2]), PRICE_PRECISION),
                Price(float(row[3]), PRICE_PRECISION),
                Price(float(row[4]), PRICE_PRECISION),
                Quantity(float(row[5]), 0),
                opened + step,
                max(ts_init, opened + step),
            )
        )
    return bars
