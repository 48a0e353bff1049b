"""The real Kite feed (``market="kite"``): a paper broker over a live market.

At start the source logs in to ``kite_root`` with ``kite_api_key`` and
``kite_access_token`` (the official ``kiteconnect`` client), reads the instruments dump,
and lists per underlying its index and the options of the nearest ``expiries`` expiries at
``strikes_each_side`` strikes around the index's last price, with Kite's own tokens and
tradingsymbols. :meth:`KiteFeedMarket.start` then connects a WebSocket client to
``kite_ws_root``, subscribes to those tokens in full mode and folds every tick into the
quotes, reconnecting with a growing delay when the feed drops. Each market step returns
the tokens that ticked since the previous one; fills stay simulated.

The official client comes with the ``kite`` extra (``pip install 'options-nt[kite]'``);
without it the source refuses to start with
:class:`~nautilus_options.errors.MissingExtraError`, which says so.

Ticks are decoded by the official client's parser (``KiteTicker._parse_binary``), so the
simulator's own encoder is not its own oracle. The roots are configuration: tests point
them at a second simulator standing in for Kite.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from typing import Any

from nautilus_options.domain.time import ist_date
from nautilus_options.errors import ConfigError, MissingExtraError
from nautilus_options.simulator.config import SimulatorConfig
from nautilus_options.simulator.instruments import INDEX_OF, Instrument, Universe
from nautilus_options.simulator.market.state import DEPTH_LEVELS, MarketSource, Quote

log = logging.getLogger(__name__)

#: Seconds between reconnection attempts: first, then doubling up to the last.
RECONNECT_S = (0.5, 30.0)


def _row(r: dict[str, Any]) -> Instrument:
    index = r["segment"] == "INDICES"
    name = next((u for u, (s, _) in INDEX_OF.items() if s == r["tradingsymbol"]), r["name"])
    return Instrument(
        instrument_token=int(r["instrument_token"]),
        exchange_token=int(r["exchange_token"]),
        tradingsymbol=r["tradingsymbol"],
        name=r["name"],
        expiry=r["expiry"] or None,
        strike=float(r["strike"]),
        tick_size=float(r["tick_size"]),
        lot_size=int(r["lot_size"]),
        instrument_type="EQ" if index else r["instrument_type"],
        segment=r["segment"],
        exchange=r["exchange"],
        underlying=name,
    )


class KiteFeedMarket(MarketSource):
    """Quotes from a Kite ticker (see the module docstring)."""

    def __init__(self, config: SimulatorConfig, now_ns: int) -> None:
        try:
            from kiteconnect import KiteConnect, KiteTicker  # type: ignore[import-untyped]
        except ImportError as exc:
            raise MissingExtraError(
                "the real Kite feed (market kite)", "kiteconnect", "kite"
            ) from exc

        self.config = config
        self.parser = KiteTicker(config.kite_api_key, config.kite_access_token)
        kite = KiteConnect(
            config.kite_api_key, access_token=config.kite_access_token, root=config.kite_root
        )
        try:
            indices = [r for r in kite.instruments("NSE") if r["segment"] == "INDICES"]
            options = kite.instruments("NFO")
            spots = kite.ltp(*[f"NSE:{INDEX_OF[u][0]}" for u in config.underlyings])
        except Exception as exc:  # any client or network error: refuse to start
            raise ConfigError(
                "kite_root", f"cannot read Kite at {config.kite_root}: {exc}"
            ) from exc
        rows: list[Instrument] = []
        for u in config.underlyings:
            symbol, _ = INDEX_OF[u]
            rows += [_row(r) for r in indices if r["tradingsymbol"] == symbol]
            spot = float(spots[f"NSE:{symbol}"]["last_price"])
            rows += self._chain(u, spot, [r for r in options if r["name"] == u], now_ns)
        if not any(r.tradable for r in rows):
            raise ConfigError("kite_root", "Kite lists no options of the chosen underlyings")
        self.universe = Universe(rows)
        self.quotes = {r.instrument_token: Quote(r.instrument_token) for r in rows}
        for value in spots.values():
            quote = self.quotes[int(value["instrument_token"])]
            quote.last_price = quote.close = float(value["last_price"])
        self.ticked: set[int] = set()
        self.connected = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    def _chain(
        self, underlying: str, spot: float, rows: list[dict[str, Any]], now_ns: int
    ) -> list[Instrument]:
        today = ist_date(now_ns)
        expiries = sorted({r["expiry"] for r in rows if r["expiry"] and r["expiry"] >= today})
        chosen: list[Instrument] = []
        for expiry in expiries[: self.config.expiries]:
            series = [r for r in rows if r["expiry"] == expiry]
            strikes = sorted({float(r["strike"]) for r in series})
            atm = min(range(len(strikes)), key=lambda k: abs(strikes[k] - spot))
            n = self.config.strikes_each_side
            near = set(strikes[max(0, atm - n) : atm + n + 1])
            chosen += [_row(r) for r in series if float(r["strike"]) in near]
        return chosen

    def step(self, now_ns: int, is_open: bool) -> list[int]:
        """The tokens that ticked since the previous step."""
        changed, self.ticked = sorted(self.ticked), set()
        return changed

    def apply(self, ticks: list[dict[str, Any]]) -> None:
        """Fold decoded ticks (the official parser's dicts) into the quotes."""
        for tick in ticks:
            quote = self.quotes.get(int(tick["instrument_token"]))
            if quote is None:
                continue
            quote.last_price = float(tick["last_price"])
            ohlc = tick.get("ohlc") or {}
            quote.open, quote.high = ohlc.get("open", quote.open), ohlc.get("high", quote.high)
            quote.low, quote.close = ohlc.get("low", quote.low), ohlc.get("close", quote.close)
            for field in ("last_quantity", "volume", "oi", "oi_day_high", "oi_day_low"):
                setattr(quote, field, int(tick.get(field, getattr(quote, field))))
            quote.average_price = float(tick.get("average_price", quote.average_price))
            quote.buy_quantity = int(tick.get("total_buy_quantity", quote.buy_quantity))
            quote.sell_quantity = int(tick.get("total_sell_quantity", quote.sell_quantity))
            for key, attr in (
                ("last_trade_time", "last_trade_time"),
                ("exchange_timestamp", "timestamp"),
            ):
                if tick.get(key):
                    setattr(quote, attr, int(tick[key].timestamp()))
            depth = tick.get("depth")
            if depth:
                quote.bids = _levels(depth["buy"])
                quote.asks = _levels(depth["sell"])
            self.ticked.add(quote.token)

    async def _feed(self) -> None:
        from websockets.asyncio.client import connect

        url = (
            f"{self.config.kite_ws_root}/?api_key={self.config.kite_api_key}"
            f"&access_token={self.config.kite_access_token}"
        )
        tokens = list(self.quotes)
        delay = RECONNECT_S[0]
        while True:
            try:
                async with connect(url, max_size=None, open_timeout=10) as ws:
                    await ws.send(json.dumps({"a": "subscribe", "v": tokens}))
                    await ws.send(json.dumps({"a": "mode", "v": ["full", tokens]}))
                    self.connected.set()
                    delay = RECONNECT_S[0]
                    async for message in ws:
                        if isinstance(message, bytes) and len(message) > 1:
                            self.apply(self.parser._parse_binary(message))
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # the feed dropped or refused: retry
                log.warning("Kite feed: %s; reconnecting in %.1f s", exc, delay)
            self.connected.clear()
            await asyncio.sleep(delay)
            delay = min(delay * 2, RECONNECT_S[1])

    def start(self) -> None:
        """Connect to the Kite ticker (on the running event loop)."""
        self._task = asyncio.get_running_loop().create_task(self._feed())

    def stop(self) -> None:
        """Disconnect."""
        if self._task is not None:
            self._task.cancel()

    async def stopped(self) -> None:
        """Wait for the feed task to end (its socket closed)."""
        if self._task is not None:
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None


def _levels(side: list[dict[str, Any]]) -> list[tuple[float, int, int]]:
    return [
        (float(d["price"]), int(d["quantity"]), int(d["orders"]))
        for d in side[:DEPTH_LEVELS]
        if d["price"] > 0
    ]
