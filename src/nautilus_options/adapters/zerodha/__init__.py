"""Zerodha Kite Connect adapter: instruments, market data and execution for NFO options.

Public names (DESIGN.md §3): :data:`ZERODHA`, :class:`ZerodhaDataClientConfig`,
:class:`ZerodhaExecClientConfig`, :class:`ZerodhaLiveDataClientFactory`,
:class:`ZerodhaLiveExecClientFactory`, :class:`ZerodhaInstrumentProvider`.

Shape (as Nautilus' own adapters): ``config``, ``factories``, ``providers``, ``data`` and
``execution`` are glue; ``parsing/`` is pure (ticker bytes, instruments CSV, order JSON ->
Nautilus objects); ``schemas/`` mirrors Kite's JSON; ``http/`` and ``websocket/`` are
transport; ``common/`` holds credentials, the shared token, symbology and errors. The same
code runs against Kite and against ``options-nt sim``: only the roots and the credentials
differ (:class:`~.config.KiteConnectionConfig`).
"""

from __future__ import annotations

from nautilus_options.adapters.zerodha.config import (
    KiteConnectionConfig,
    ZerodhaDataClientConfig,
    ZerodhaExecClientConfig,
)
from nautilus_options.adapters.zerodha.constants import ZERODHA
from nautilus_options.adapters.zerodha.factories import (
    ZerodhaLiveDataClientFactory,
    ZerodhaLiveExecClientFactory,
)
from nautilus_options.adapters.zerodha.providers import ZerodhaInstrumentProvider

__all__ = [
    "ZERODHA",
    "KiteConnectionConfig",
    "ZerodhaDataClientConfig",
    "ZerodhaExecClientConfig",
    "ZerodhaInstrumentProvider",
    "ZerodhaLiveDataClientFactory",
    "ZerodhaLiveExecClientFactory",
]
