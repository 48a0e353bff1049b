"""Run-time control for tests and demos, guarded by the admin key (``X-Sim-Admin-Key``).

* ``GET /admin/state``: faults, clock offset, counts, settlements.
* ``POST /admin/faults``: JSON object of :class:`~nautilus_options.simulator.faults.FaultConfig`
  fields to change (or ``{"profile": "flaky"}``); the generator is reseeded.
* ``POST /admin/expire_tokens``: every access token stops working now.
* ``POST /admin/drop_sockets``: close every ticker connection now.
* ``POST /admin/clock``: ``{"advance_s": seconds}`` moves the simulator's clock forward
  (to reach an expiry or a token rollover), then runs one market step.
"""

from __future__ import annotations

import hmac
import json
from typing import Any

from fastapi import APIRouter, Depends, Request

from nautilus_options.errors import ConfigError
from nautilus_options.simulator.errors import KiteError, input_error, success
from nautilus_options.simulator.faults import parse_profile
from nautilus_options.simulator.routes.common import core_of


async def admin_guard(request: Request) -> None:
    """Refuse without the admin key (403 ``PermissionException``)."""
    given = request.headers.get("x-sim-admin-key", "")
    if not hmac.compare_digest(given, core_of(request).config.admin_key):
        raise KiteError("PermissionException", "Admin key required.")


router = APIRouter(prefix="/admin", dependencies=[Depends(admin_guard)])


async def _body(request: Request) -> dict[str, Any]:
    try:
        data = json.loads(await request.body() or b"{}")
    except ValueError:
        raise input_error("Invalid JSON body.") from None
    if not isinstance(data, dict):
        raise input_error("Expected a JSON object.")
    return data


@router.get("/state")
async def state(request: Request) -> dict[str, Any]:
    """What the simulator is doing."""
    core = core_of(request)
    return success(
        {
            "faults": core.faults.config.to_dict(),
            "clock_offset_s": core.clock.offset_ns / 1e9,
            "now": core.clock.now_ns(),
            "market_open": core.clock.is_open(core.clock.now_ns()),
            "steps": core.steps,
            "orders": len(core.broker.orders),
            "trades": len(core.broker.trades),
            "sessions": len(core.auth.sessions),
            "ticker_connections": len(core.hub.connections),
            "settlements": core.broker.account.settlements,
        }
    )


@router.post("/faults")
async def faults(request: Request) -> dict[str, Any]:
    """Change the fault config."""
    core = core_of(request)
    body = await _body(request)
    try:
        base = parse_profile(str(body.pop("profile"))) if "profile" in body else core.faults.config
        core.faults.configure(base.updated(body))
    except ConfigError as exc:
        raise input_error(str(exc)) from None
    return success(core.faults.config.to_dict())


@router.post("/expire_tokens")
async def expire_tokens(request: Request) -> dict[str, Any]:
    """Revoke every access token."""
    core = core_of(request)
    count = core.auth.expire_all()
    core.dirty = True
    return success({"expired": count})


@router.post("/drop_sockets")
async def drop_sockets(request: Request) -> dict[str, Any]:
    """Close every ticker connection."""
    return success({"dropped": core_of(request).hub.drop_all()})


@router.post("/clock")
async def clock(request: Request) -> dict[str, Any]:
    """Move the clock forward and run one market step."""
    core = core_of(request)
    body = await _body(request)
    try:
        seconds = float(body.get("advance_s", 0))
    except (TypeError, ValueError):
        raise input_error("Invalid `advance_s`.") from None
    core.clock.advance(seconds)
    core.step()
    core.dirty = True
    return success({"now": core.clock.now_ns(), "offset_s": core.clock.offset_ns / 1e9})
