"""What every REST route shares: the core, the Kite guard (faults, auth, rate limits), bodies.

:func:`kite_guard` is attached at router level to every authenticated router, so a new
route cannot forget it. In order it applies: injected latency, injected 5xx and 429,
``Authorization: token api_key:access_token`` (403 ``TokenException``), then the rate
class of the request (429 "Too many requests").
"""

from __future__ import annotations

import asyncio
import json
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl

from fastapi import Request

from nautilus_options.simulator.errors import KiteError, input_error, rate_limited
from nautilus_options.simulator.ratelimit import rate_class

if TYPE_CHECKING:
    from nautilus_options.simulator.runtime import SimulatorCore


def core_of(request: Request) -> SimulatorCore:
    """The simulator core serving ``request``."""
    core: SimulatorCore = request.app.state.core
    return core


async def apply_faults(request: Request) -> None:
    """Injected latency, then injected 5xx/429 (shared by every API route)."""
    faults = core_of(request).faults
    delay = faults.latency_s()
    if delay:
        await asyncio.sleep(delay)
    if faults.happens("http_5xx"):
        raise KiteError("NetworkException", "Request failed (kitetrade-oms): injected fault", 503)
    if faults.happens("http_429"):
        raise rate_limited()


async def kite_guard(request: Request) -> None:
    """Faults, the session check and the rate limit of an authenticated call."""
    await apply_faults(request)
    core = core_of(request)
    now = core.clock.now_ns()
    core.auth.check_header(request.headers.get("authorization"), now)
    if core.config.rate_limits and not core.limiter.allow(
        core.config.api_key, rate_class(request.method, request.url.path), now
    ):
        raise rate_limited()


async def form(request: Request) -> dict[str, str]:
    """A form-encoded body (last value wins for repeated keys)."""
    return dict(parse_qsl((await request.body()).decode(), keep_blank_values=True))


async def json_list(request: Request) -> list[dict[str, Any]]:
    """A JSON array body of objects (margins and charges endpoints)."""
    try:
        data = json.loads(await request.body() or b"[]")
    except ValueError:
        raise input_error("Invalid JSON body.") from None
    if not isinstance(data, list) or not all(isinstance(d, dict) for d in data):
        raise input_error("Expected a JSON array of orders.")
    return data
