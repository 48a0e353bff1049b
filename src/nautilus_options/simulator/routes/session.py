"""Login redirect, session token exchange, logout and the user profile (KITE_API.md §1)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Request
from fastapi.responses import PlainTextResponse, RedirectResponse

from nautilus_options.simulator.errors import input_error, success, token_error
from nautilus_options.simulator.exchange.orders import kite_time
from nautilus_options.simulator.routes.common import apply_faults, core_of, form, kite_guard

public = APIRouter(dependencies=[Depends(apply_faults)])
private = APIRouter(dependencies=[Depends(kite_guard)])


def profile(request: Request) -> dict[str, Any]:
    """The user profile (``GET /user/profile``)."""
    config = core_of(request).config
    return {
        "user_id": config.user_id,
        "user_type": "individual",
        "email": f"{config.user_id.lower()}@example.invalid",
        "user_name": config.user_name,
        "user_shortname": config.user_name.split()[0],
        "broker": "ZERODHA",
        "exchanges": ["NSE", "NFO"],
        "products": ["CNC", "NRML", "MIS"],
        "order_types": ["MARKET", "LIMIT", "SL", "SL-M"],
        "avatar_url": None,
        "meta": {"demat_consent": "consent"},
    }


@public.get("/connect/login")
async def login(request: Request, api_key: str = "", redirect_params: str = "") -> RedirectResponse:
    """The login page: redirects at once with a fresh ``request_token`` (no 2FA here)."""
    core = core_of(request)
    if api_key != core.config.api_key:
        raise input_error("Invalid `api_key`.")
    token = core.auth.new_request_token(core.clock.now_ns())
    query = {"request_token": token, "action": "login", "type": "login", "status": "success"}
    target = f"{request.base_url}connect/redirect?{urlencode(query)}"
    if redirect_params:
        target += "&" + redirect_params
    return RedirectResponse(target, status_code=302)


@public.get("/connect/redirect")
async def redirected(request_token: str = "") -> PlainTextResponse:
    """Stand-in for the app's redirect URL: shows the request token."""
    return PlainTextResponse(f"request_token={request_token}\n")


@public.post("/session/token")
async def session_token(request: Request) -> dict[str, Any]:
    """Exchange ``request_token`` + ``checksum`` for an access token."""
    core = core_of(request)
    body = await form(request)
    now = core.clock.now_ns()
    session = core.auth.exchange(
        body.get("api_key", ""), body.get("request_token", ""), body.get("checksum", ""), now
    )
    core.dirty = True
    data = profile(request) | {
        "api_key": core.config.api_key,
        "access_token": session.access_token,
        "public_token": session.public_token,
        "enctoken": session.public_token,
        "refresh_token": "",
        "silo": "sim",
        "login_time": kite_time(session.login_ns),
    }
    return success(data)


@public.delete("/session/token")
async def logout(request: Request, api_key: str = "", access_token: str = "") -> dict[str, Any]:
    """Revoke an access token."""
    core = core_of(request)
    if api_key != core.config.api_key or not core.auth.logout(access_token):
        raise token_error()
    core.dirty = True
    return success(True)


@private.get("/user/profile")
async def user_profile(request: Request) -> dict[str, Any]:
    """The profile, without tokens."""
    return success(profile(request))
