"""Factories building the Zerodha clients for a ``TradingNode`` (usable by path).

The data and execution clients of one API key share one :class:`TokenHolder` (renewal happens
once for both), one HTTP client (so one set of rate limiters, Nautilus' reconciliation
queries included) and, when their selections match, one instrument provider.
"""

from __future__ import annotations

import asyncio
from typing import Any

from nautilus_trader.cache.cache import Cache
from nautilus_trader.common.component import LiveClock, MessageBus
from nautilus_trader.common.config import resolve_path
from nautilus_trader.live.factories import LiveDataClientFactory, LiveExecClientFactory

from nautilus_options.adapters.zerodha.common.credentials import load_credentials, token_file_path
from nautilus_options.adapters.zerodha.common.tokens import (
    StoredTokenProvider,
    TokenHolder,
    TokenProvider,
    shared_holder,
)
from nautilus_options.adapters.zerodha.config import (
    KiteConnectionConfig,
    ZerodhaDataClientConfig,
    ZerodhaExecClientConfig,
)
from nautilus_options.adapters.zerodha.data import ZerodhaDataClient
from nautilus_options.adapters.zerodha.execution import ZerodhaExecutionClient
from nautilus_options.adapters.zerodha.http.client import KiteHttpClient
from nautilus_options.adapters.zerodha.parsing.instruments import InstrumentSelection
from nautilus_options.adapters.zerodha.providers import ZerodhaInstrumentProvider

_SHARED: dict[tuple[Any, ...], Any] = {}


def get_token_holder(kite: KiteConnectionConfig) -> TokenHolder:
    """The process-wide token holder of ``kite``'s API key and token source."""
    credentials = load_credentials(kite.api_key, kite.token_file)
    path = token_file_path(kite.token_file)

    def make() -> TokenHolder:
        provider: TokenProvider
        if kite.token_provider:
            provider = resolve_path(kite.token_provider)
        else:
            provider = StoredTokenProvider(path)
        return TokenHolder(credentials, provider, kite.renew_timeout_secs, kite.renew_retry_secs)

    return shared_holder((credentials.api_key, str(path), kite.rest_url), make)


def get_http_client(kite: KiteConnectionConfig, loop: asyncio.AbstractEventLoop) -> KiteHttpClient:
    """The shared HTTP client of ``kite`` on ``loop``."""
    holder = get_token_holder(kite)
    key = ("http", id(holder), kite.rest_url, id(loop))
    if key not in _SHARED or _SHARED[key].closed:
        _SHARED[key] = KiteHttpClient(
            kite.rest_url,
            holder,
            kite.http_timeout_secs,
            kite.rate_limit_scale,
            connect_retry=kite.connect_retry_secs,
        )
    client: KiteHttpClient = _SHARED[key]
    return client


def get_instrument_provider(
    config: ZerodhaDataClientConfig | ZerodhaExecClientConfig,
    loop: asyncio.AbstractEventLoop,
    clock: LiveClock,
) -> ZerodhaInstrumentProvider:
    """The shared provider for ``config``'s selection."""
    selection = InstrumentSelection(
        underlyings=tuple(config.underlyings),
        expiries=config.expiries,
        expiry_kind=getattr(config, "expiry_kind", "any"),
        strikes_each_side=config.strikes_each_side,
    )
    http = get_http_client(config.kite, loop)
    key = ("provider", id(http), selection, config.cache_dir)  # a new http client: a new one
    if key not in _SHARED:
        _SHARED[key] = ZerodhaInstrumentProvider(
            http, clock, selection, config.cache_dir, config.instrument_provider
        )
    provider: ZerodhaInstrumentProvider = _SHARED[key]
    return provider


def clear_shared() -> None:
    """Forget shared clients (between nodes in one process, e.g. tests)."""
    _SHARED.clear()


class ZerodhaLiveDataClientFactory(LiveDataClientFactory):
    """Builds :class:`ZerodhaDataClient`."""

    # ImportableFactoryConfig hands the node builder an *instance*, whose ``__name__`` the
    # 1.231 builder reads (NAUTILUS_NOTES.md §0 finding 6): give instances one.
    __name__ = "ZerodhaLiveDataClientFactory"

    @staticmethod
    def create(  # type: ignore[override]
        loop: asyncio.AbstractEventLoop,
        name: str,
        config: ZerodhaDataClientConfig,
        msgbus: MessageBus,
        cache: Cache,
        clock: LiveClock,
    ) -> ZerodhaDataClient:
        """Create the data client ``name``."""
        return ZerodhaDataClient(
            loop,
            get_http_client(config.kite, loop),
            get_token_holder(config.kite),
            get_instrument_provider(config, loop, clock),
            msgbus,
            cache,
            clock,
            config,
            name,
        )


class ZerodhaLiveExecClientFactory(LiveExecClientFactory):
    """Builds :class:`ZerodhaExecutionClient`."""

    __name__ = "ZerodhaLiveExecClientFactory"  # see ZerodhaLiveDataClientFactory

    @staticmethod
    def create(  # type: ignore[override]
        loop: asyncio.AbstractEventLoop,
        name: str,
        config: ZerodhaExecClientConfig,
        msgbus: MessageBus,
        cache: Cache,
        clock: LiveClock,
    ) -> ZerodhaExecutionClient:
        """Create the execution client ``name``."""
        return ZerodhaExecutionClient(
            loop,
            get_http_client(config.kite, loop),
            get_token_holder(config.kite),
            get_instrument_provider(config, loop, clock),
            msgbus,
            cache,
            clock,
            config,
            name,
        )
