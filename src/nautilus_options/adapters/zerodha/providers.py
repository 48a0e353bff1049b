"""Instrument provider: Kite's daily instruments dump, cached on disk by IST date.

The dump is regenerated once a day (KITE_API.md §3.7: fetch it around 08:30 IST), so it is
fetched at most once per day and kept as ``<cache_dir>/kite-instruments-<EXCHANGE>-<date>.csv``.
Rows are filtered and built by :mod:`.parsing.instruments` into the backtest's instruments,
and the provider keeps the maps between Kite's ``instrument_token`` and Nautilus ids (an
index token maps to both ``NIFTY.NSE`` and ``NIFTY.NFO``). Tokens are reused by exchanges
after expiry, so the maps are rebuilt from each day's dump, never stored.
"""

from __future__ import annotations

from pathlib import Path

from nautilus_trader.common.component import LiveClock
from nautilus_trader.common.providers import InstrumentProvider
from nautilus_trader.config import InstrumentProviderConfig
from nautilus_trader.model.identifiers import InstrumentId

from nautilus_options.adapters.zerodha.http.client import KiteHttpClient
from nautilus_options.adapters.zerodha.parsing.instruments import (
    InstrumentSelection,
    build_instruments,
    parse_instruments_csv,
)
from nautilus_options.domain.time import ist_date


class ZerodhaInstrumentProvider(InstrumentProvider):
    """NFO index options and their indices from Kite's dump.

    Parameters
    ----------
    http : KiteHttpClient
        REST client.
    clock : LiveClock
        For the IST trading day.
    selection : InstrumentSelection
        Underlyings, expiries and strikes to keep.
    cache_dir : str, optional
        Folder of the daily dump cache.
    config : InstrumentProviderConfig, optional
        Nautilus provider config.
    """

    def __init__(
        self,
        http: KiteHttpClient,
        clock: LiveClock,
        selection: InstrumentSelection,
        cache_dir: str | None = None,
        config: InstrumentProviderConfig | None = None,
    ) -> None:
        super().__init__(config=config)
        self._http = http
        self._clock = clock
        self._selection = selection
        self._cache_dir = Path(cache_dir).expanduser() if cache_dir else None
        self._ids_by_token: dict[int, tuple[InstrumentId, ...]] = {}
        self._token_by_id: dict[InstrumentId, int] = {}
        self.skipped: list[str] = []

    async def _dump(self, exchange: str) -> str:
        day = ist_date(self._clock.timestamp_ns())
        path = (
            self._cache_dir / f"kite-instruments-{exchange}-{day}.csv" if self._cache_dir else None
        )
        if path is not None and path.exists():
            return path.read_text()
        body = await self._http.request(
            "GET", f"/instruments/{exchange}", raw=True, retry_for=self._http.connect_retry
        )
        text = body.decode() if isinstance(body, bytes) else str(body)
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
            temporary = path.with_suffix(".tmp")
            temporary.write_text(text)
            temporary.replace(path)
        return text

    async def load_all_async(self, filters: dict | None = None) -> None:
        """Fetch (or read today's cached) dumps and build the selected instruments."""
        rows = []
        for exchange in ("NSE", "NFO"):
            rows += parse_instruments_csv(await self._dump(exchange), self._selection.underlyings)
        now = self._clock.timestamp_ns()
        built = build_instruments(rows, self._selection, ist_date(now), ts_init=now)
        self.add_bulk(built.instruments)
        self._ids_by_token.update(built.ids_by_token)
        self._token_by_id.update(built.token_by_id)
        self.skipped = built.skipped
        if built.skipped:
            self._log.warning(f"{len(built.skipped)} dump rows not built, e.g. {built.skipped[0]}")

    def token_for(self, instrument_id: InstrumentId) -> int | None:
        """Kite's instrument token of ``instrument_id``."""
        return self._token_by_id.get(instrument_id)

    def ids_for(self, token: int) -> tuple[InstrumentId, ...]:
        """Nautilus ids of Kite's ``token`` (two for an index)."""
        return self._ids_by_token.get(token, ())
