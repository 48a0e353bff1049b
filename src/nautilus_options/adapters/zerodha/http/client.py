"""Kite's REST API over ``httpx``: signing, the envelope, error mapping, rate classes, tokens.

Every call names its rate class and waits on that class's limiter first
(:mod:`~nautilus_options.adapters.zerodha.http.ratelimit`). Answers are unwrapped from
Kite's envelope (KITE_API.md §2.1) and failures raised as :mod:`..common.errors` classes.
Two recoveries happen here because they are safe for every request:

* 403 ``TokenException``: the shared :class:`~..common.tokens.TokenHolder` renews the token
  (once for all callers), then the request is sent again once with the new token;
* 429: the request never ran, so it is sent again after a backoff (``retries_429`` times).

Anything with an unknown outcome (timeout, 5xx) is raised to the caller, who knows whether
a retry is safe (reads) or needs a look-up first (order placement). A read may ask for
retries (``retry_for``, used at connect and for reconciliation): a ``GET`` failing with a
5xx, a 429 or no answer is sent again with jittered exponential backoff until that many
seconds have passed, then the last failure is raised naming the call, the attempts and the
cause (a broker that is really down fails the connect clearly, before Nautilus' timeout).
URLs, headers and bodies never appear in exception messages, so the token cannot leak through them.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Mapping
from typing import Any

import httpx
import msgspec

from nautilus_options.adapters.zerodha.common.errors import (
    KiteError,
    KiteRateLimitError,
    KiteTokenError,
    KiteTransportError,
    error_for,
)
from nautilus_options.adapters.zerodha.common.tokens import TokenHolder
from nautilus_options.adapters.zerodha.constants import KITE_VERSION_HEADER
from nautilus_options.adapters.zerodha.http.ratelimit import RateLimiter, limiters
from nautilus_options.adapters.zerodha.schemas.orders import KiteEnvelope

_ENVELOPE = msgspec.json.Decoder(KiteEnvelope)
Params = Mapping[str, str | int | float] | tuple[tuple[str, str], ...] | None


class KiteHttpClient:
    """Async client of one Kite REST root for one API key.

    Parameters
    ----------
    base_url : str
        REST root, e.g. ``https://api.kite.trade`` or the simulator's URL.
    holder : TokenHolder
        The shared access token.
    timeout : float
        Seconds before a request counts as lost.
    rate_limit_scale : float
        Multiplies Kite's allowances (1.0 in production).
    retries_429 : int
        How many times a 429 answer is retried after a backoff.
    connect_retry : float
        Seconds connect-time reads are retried for (``retry_for``).
    """

    def __init__(
        self,
        base_url: str,
        holder: TokenHolder,
        timeout: float = 7.0,
        rate_limit_scale: float = 1.0,
        retries_429: int = 5,
        connect_retry: float = 20.0,
    ) -> None:
        self.holder = holder
        #: Seconds connect-time reads are retried for (see the module docstring).
        self.connect_retry = connect_retry
        self._random = random.Random()
        self.limiters: dict[str, RateLimiter] = limiters(rate_limit_scale)
        self._retries_429 = retries_429
        self._client = httpx.AsyncClient(
            base_url=base_url.rstrip("/"),
            timeout=timeout,
            headers={**KITE_VERSION_HEADER, "User-Agent": "options-nt"},
        )
        self.counts: dict[str, int] = {
            "requests": 0,
            "429": 0,
            "token_renewals": 0,
            "read_retries": 0,
        }

    def __repr__(self) -> str:
        return f"KiteHttpClient(base_url={str(self._client.base_url)!r})"

    @property
    def closed(self) -> bool:
        """Whether :meth:`close` was called."""
        return self._client.is_closed

    async def close(self) -> None:
        """Close the connection pool (idempotent)."""
        await self._client.aclose()

    async def request(
        self,
        method: str,
        path: str,
        rate_class: str = "other",
        *,
        params: Params = None,
        data: Mapping[str, Any] | None = None,
        json: Any = None,
        authenticated: bool = True,
        raw: bool = False,
        renew_on_token: bool = True,
        retry_for: float = 0.0,
    ) -> Any:
        """Send one request and return Kite's ``data`` (or the body when ``raw``).

        With ``renew_on_token=False`` a ``TokenException`` is raised at once (order
        placement: an order must not go out minutes later, after a renewal). With
        ``retry_for`` > 0 a ``GET`` is retried on 5xx, 429 and timeouts for that many
        seconds (module docstring).

        Raises
        ------
        KiteError
            A subclass naming what went wrong (module docstring).
        """
        if retry_for <= 0 or method != "GET":
            return await self._request(
                method, path, rate_class, params, data, json, authenticated, raw, renew_on_token
            )
        start = time.monotonic()
        attempt = 0
        while True:
            attempt += 1
            try:
                return await self._request(
                    method, path, rate_class, params, data, json, authenticated, raw, renew_on_token
                )
            except KiteError as exc:
                if not (exc.outcome_unknown or isinstance(exc, KiteRateLimitError)):
                    raise
                elapsed = time.monotonic() - start
                delay = min(4.0, 0.25 * 2 ** (attempt - 1)) * self._random.uniform(0.5, 1.0)
                if elapsed + delay > retry_for:
                    message = (
                        f"{method} {path.split('?')[0]} failed {attempt} times in {elapsed:.1f} s "
                        f"(retried for up to {retry_for:.0f} s); last: {exc}"
                    )
                    if isinstance(exc, KiteTransportError):
                        raise KiteTransportError(message) from None
                    raise type(exc)(message, exc.error_type, exc.status) from None
                self.counts["read_retries"] += 1
                await asyncio.sleep(delay)

    async def _request(
        self,
        method: str,
        path: str,
        rate_class: str,
        params: Params,
        data: Mapping[str, Any] | None,
        json: Any,
        authenticated: bool,
        raw: bool,
        renew_on_token: bool,
    ) -> Any:
        attempts_429 = 0
        renewed = False
        while True:
            await self.limiters[rate_class].acquire()
            if authenticated:
                await self.holder.ready()
            generation = self.holder.generation
            try:
                return await self._send(method, path, params, data, json, authenticated, raw)
            except KiteTokenError as exc:
                exc.generation = generation  # the token it was sent with, not the current one
                if not authenticated or renewed or not renew_on_token:
                    raise
                renewed = True
                self.counts["token_renewals"] += 1
                await self.holder.renew(generation)
            except KiteRateLimitError:
                self.counts["429"] += 1
                if attempts_429 >= self._retries_429:
                    raise
                attempts_429 += 1
                await asyncio.sleep(min(2.0, 0.1 * 2**attempts_429))

    async def _send(
        self,
        method: str,
        path: str,
        params: Params,
        data: Mapping[str, Any] | None,
        json: Any,
        authenticated: bool,
        raw: bool,
    ) -> Any:
        headers = {"Authorization": self.holder.authorization()} if authenticated else {}
        self.counts["requests"] += 1
        try:
            response = await self._client.request(
                method, path, params=params, data=data, json=json, headers=headers
            )
        except httpx.TimeoutException:
            raise KiteTransportError(f"{method} {path.split('?')[0]}: no answer in time") from None
        except httpx.HTTPError as exc:
            raise KiteTransportError(
                f"{method} {path.split('?')[0]}: {type(exc).__name__}"
            ) from None
        content_type = response.headers.get("content-type", "")
        if raw and response.status_code == 200 and "json" not in content_type:
            return response.content
        try:
            envelope = _ENVELOPE.decode(response.content)
        except msgspec.DecodeError:
            if response.status_code >= 400:
                raise error_for(response.status_code, None, "non-JSON error body") from None
            raise KiteError(f"{method} {path}: unparseable answer", "DataException", 502) from None
        if envelope.status == "error" or envelope.error_type or response.status_code >= 400:
            raise error_for(response.status_code, envelope.error_type, envelope.message)
        return envelope.data
