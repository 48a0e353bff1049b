"""One access token shared by the data and execution clients, renewed once when it expires.

Kite's token dies at 06:00 IST the next day, or earlier on a logout elsewhere
(KITE_API.md §1.3); every call then answers 403 ``TokenException`` and the ticker refuses the
upgrade. Many requests fail together, so renewal is *single-flight*: the first failure
starts it, the others wait for it, and a failure reported for a token that was already
replaced returns at once. While renewing, :attr:`TokenHolder.expired` is set and the
execution client refuses new orders with a clear reason.

A token provider is ``async (api_key, api_secret) -> access_token`` (a plain function may
also return the token directly). The default, :class:`StoredTokenProvider`, waits for a new
token to appear in ``$KITE_ACCESS_TOKEN`` or the token file (``options-nt kite login`` run by
a person or a 06:30 job, see the adapter guide).
"""

from __future__ import annotations

import asyncio
import inspect
import os
from collections.abc import Awaitable, Callable
from pathlib import Path

from nautilus_options.adapters.zerodha.common.credentials import (
    ENV_ACCESS_TOKEN,
    KiteCredentials,
    Secret,
    read_token_file,
)
from nautilus_options.adapters.zerodha.common.errors import KiteTokenError

TokenProvider = Callable[[str, Secret | None], Awaitable[str] | str]


class StoredTokenProvider:
    """Waits for a token other than the failed one in the environment or the token file.

    Parameters
    ----------
    token_file : Path
        The token file ``options-nt kite login`` writes.
    poll_interval : float
        Seconds between looks.
    """

    def __init__(self, token_file: Path, poll_interval: float = 1.0) -> None:
        self._path = token_file
        self._poll = poll_interval
        self.rejected: str | None = None

    def _current(self) -> str:
        stored = read_token_file(self._path)
        return os.environ.get(ENV_ACCESS_TOKEN) or str(stored.get("access_token") or "")

    async def __call__(self, api_key: str, api_secret: Secret | None) -> str:
        """The first stored token that differs from :attr:`rejected` (polls until then)."""
        while True:
            token = self._current()
            if token and token != self.rejected:
                return token
            await asyncio.sleep(self._poll)


class TokenHolder:
    """The current access token of one API key, with single-flight renewal.

    Parameters
    ----------
    credentials : KiteCredentials
        API key, initial token and (optionally) the API secret.
    provider : TokenProvider
        Source of a new token.
    renew_timeout : float
        Seconds a renewal may take before callers get :class:`KiteTokenError`.
    """

    def __init__(
        self, credentials: KiteCredentials, provider: TokenProvider, renew_timeout: float = 300.0
    ) -> None:
        self.api_key = credentials.api_key
        self._secret = credentials.api_secret
        self._token = credentials.access_token.reveal() if credentials.access_token else ""
        self._provider = provider
        self._timeout = renew_timeout
        self._renewal: asyncio.Future[None] | None = None
        self.generation = 0
        self.renewals = 0

    def __repr__(self) -> str:
        return f"TokenHolder(generation={self.generation}, expired={self.expired})"

    @property
    def token(self) -> str:
        """The current access token (for the wire only)."""
        return self._token

    @property
    def expired(self) -> bool:
        """Whether a renewal is in progress (or no token is held)."""
        return not self._token or (self._renewal is not None and not self._renewal.done())

    def authorization(self) -> str:
        """The ``Authorization`` header value (``token api_key:access_token``)."""
        return f"token {self.api_key}:{self._token}"

    async def ready(self) -> None:
        """Wait for a renewal in progress, if any (its failure raises :class:`KiteTokenError`)."""
        if self._renewal is not None and not self._renewal.done():
            await asyncio.shield(self._renewal)

    async def renew(self, failed_generation: int) -> None:
        """Get a new token, once however many callers saw generation ``failed_generation`` fail.

        Raises
        ------
        KiteTokenError
            If the provider fails or takes longer than ``renew_timeout``.
        """
        if failed_generation != self.generation:
            return
        if self._renewal is None or self._renewal.done():
            self._renewal = asyncio.get_running_loop().create_future()
            asyncio.get_running_loop().create_task(self._run(self._renewal))
        await asyncio.shield(self._renewal)

    async def _run(self, done: asyncio.Future[None]) -> None:
        failed, self._token = self._token, ""
        if isinstance(self._provider, StoredTokenProvider):
            self._provider.rejected = failed
        try:
            result = self._provider(self.api_key, self._secret)
            token = (
                await asyncio.wait_for(result, self._timeout)
                if inspect.isawaitable(result)
                else result
            )
        except Exception as exc:  # the provider's own errors end the renewal, not the loop
            self._token = failed
            message = "Kite access token renewal failed"
            if isinstance(exc, TimeoutError):
                message += f": no new token within {self._timeout:.0f} s"
            done.set_exception(KiteTokenError(message, "TokenException", 403))
            done.exception()  # mark retrieved: callers may all have gone
            return
        self._token = str(token)
        self.generation += 1
        self.renewals += 1
        done.set_result(None)


_HOLDERS: dict[tuple[str, ...], TokenHolder] = {}


def shared_holder(key: tuple[str, ...], factory: Callable[[], TokenHolder]) -> TokenHolder:
    """The process-wide holder for ``key`` (api key, token source), made once by ``factory``."""
    holder = _HOLDERS.get(key)
    if holder is None:
        holder = _HOLDERS[key] = factory()
    return holder
