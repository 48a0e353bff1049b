"""Kite's session exchange (``POST /session/token``, KITE_API.md §1.1), used by ``kite login``.

The checksum is the hex SHA-256 of ``api_key + request_token + api_secret``; the request is
sent without an ``Authorization`` header. The returned mapping holds the access token and
the profile fields worth keeping (``user_id``, ``login_time``); nothing is logged.
"""

from __future__ import annotations

import hashlib
from typing import Any

import httpx

from nautilus_options.adapters.zerodha.common.errors import KiteTransportError, error_for
from nautilus_options.adapters.zerodha.constants import KITE_VERSION_HEADER


def checksum(api_key: str, request_token: str, api_secret: str) -> str:
    """Kite's session checksum."""
    return hashlib.sha256((api_key + request_token + api_secret).encode()).hexdigest()


async def exchange_request_token(
    rest_url: str, api_key: str, api_secret: str, request_token: str
) -> dict[str, Any]:
    """Trade ``request_token`` for a session: ``{access_token, user_id, login_time}``.

    Raises
    ------
    KiteError
        Kite's refusal (e.g. ``TokenException`` for an expired request token) or no answer.
    """
    form = {
        "api_key": api_key,
        "request_token": request_token,
        "checksum": checksum(api_key, request_token, api_secret),
    }
    try:
        async with httpx.AsyncClient(base_url=rest_url, headers=KITE_VERSION_HEADER) as client:
            answer = await client.post("/session/token", data=form)
    except httpx.HTTPError as exc:
        raise KiteTransportError(
            f"POST {rest_url.rstrip('/')}/session/token: cannot connect ({type(exc).__name__})"
        ) from None
    body = answer.json()
    if answer.status_code >= 400 or body.get("status") == "error":
        raise error_for(answer.status_code, body.get("error_type"), str(body.get("message", "")))
    data = body["data"]
    return {k: data.get(k) for k in ("access_token", "user_id", "login_time")}
