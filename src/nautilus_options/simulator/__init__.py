"""Offline Kite Connect: a local paper broker that speaks Kite's HTTP API and binary ticker.

Kite has no sandbox. This package serves, on loopback, the Kite Connect v3 REST API (Kite's
paths, envelope, exception names, rate classes and order rules) and the WebSocket ticker
(Kite's binary packets and JSON order updates), over a market that is live synthetic (the
default), a replayed ParquetDataCatalog, or the real Kite feed. The official
``kiteconnect`` client works against it unchanged: only the root URL differs.

Public names:

* :class:`SimulatorConfig` -- what to serve and how;
* :class:`KiteSimulator` -- the server in a background thread (a context manager);
* :class:`FaultConfig`, :func:`parse_profile` -- injected faults.

Layout: ``errors``, ``auth``, ``ratelimit``, ``faults`` (pure policies); ``instruments``,
``market/`` (sources and quote state); ``exchange/`` (rules, margins, order book, account:
pure, take ``now_ns``); ``ticker/`` (encoder: pure; server: WebSocket); ``routes/`` and
``app`` (HTTP); ``runtime`` (the market loop); ``state`` (the ``--state`` file);
``server`` (uvicorn). The simulator never imports the Zerodha adapter: its encoder and the
adapter's decoder are written apart and each is checked against the official client.
"""

from __future__ import annotations

from nautilus_options.simulator.config import SimulatorConfig
from nautilus_options.simulator.faults import FaultConfig, parse_profile
from nautilus_options.simulator.server import KiteSimulator

__all__ = ["FaultConfig", "KiteSimulator", "SimulatorConfig", "parse_profile"]
