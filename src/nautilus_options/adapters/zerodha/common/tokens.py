"""One access token shared by the data and execution clients, renewed once when it expires.

Kite's token dies at 06:00 IST the next day, or earlier on a logout elsewhere
(KITE_API.md §1.3); every call then answers 403 ``TokenException`` and the ticker refuses the
upgrade. Many requests fail together, so renewal is *single-flight*: the first failure
starts it, the others wait for it, and a failure reported for a token that was already
replaced returns at once. A failure is matched to the token generation its *request was
sent with* (``KiteTokenError.generation``), so an error that arrives after a renewal already
finished starts nothing. While renewing, :attr:`TokenHolder.expired` is set and the execution
client refuses new orders with a clear reason.

A renewal that fails (the provider raised or timed out) is not tried again for
``retry_interval`` seconds: callers in that window get the same failure at once, and
:attr:`TokenHolder.expired` stays set, so a burst of orders asks the provider once, not once
each. The failure names the provider's exception type and message (with the API secret and
tokens masked).

A token provider is ``provider(api_key: str, api_secret: Secret | None) -> str`` or an
``async`` function with that signature. ``api_secret`` is a
:class:`~.credentials.Secret` (``$KITE_API_SECRET``; ``None`` when unset): ``str()`` of it
is masked, call ``api_secret.reveal()`` for the value. The default,
:class:`StoredTokenProvider`, waits for a new token to appear in ``$KITE_ACCESS_TOKEN`` or
the token file (``options-nt kite login`` run by a person or a 06:30 job, see the adapter
guide).
"""

from __future__ import annotations

import asyncio
import inspect
import os
import time
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
    retry_interval : float
        Seconds after a failed renewal during which the failure is reported again at once
        instead of asking the provider again.
    """

    def __init__(
        self,
        credentials: KiteCredentials,
        provider: TokenProvider,
        renew_timeout: float = 300.0,
        retry_interval: float = 10.0,
    ) -> None:
        self.api_key = credentials.api_key
        self._secret = credentials.api_secret
        self._token = credentials.access_token.reveal() if credentials.access_token else ""
        self._provider = provider
        self._timeout = renew_timeout
        self._renewal: asyncio.Future[None] | None = None
        self._retry_interval = retry_interval
        self._failed: tuple[int, float, KiteTokenError] | None = None  # generation, when, why
        self.generation = 0
        self.renewals = 0
        self.provider_calls = 0
        self.last_failure: KiteTokenError | None = None

    def __repr__(self) -> str:
        return f"TokenHolder(generation={self.generation}, expired={self.expired})"

    @property
    def token(self) -> str:
        """The current access token (for the wire only)."""
        return self._token

    @property
    def expired(self) -> bool:
        """Whether a renewal is in progress, one just failed, or no token is held."""
        if not self._token or (self._renewal is not None and not self._renewal.done()):
            return True
        return self._recent_failure() is not None

    def _recent_failure(self) -> KiteTokenError | None:
        """The failure of the last renewal of this generation, within ``retry_interval``."""
        if self._failed is None:
            return None
        generation, when, error = self._failed
        if generation != self.generation or time.monotonic() - when > self._retry_interval:
            return None
        return error

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
            recent = self._recent_failure()
            if recent is not None:
                raise KiteTokenError(recent.message, recent.error_type, recent.status)
            self._renewal = asyncio.get_running_loop().create_future()
            asyncio.get_running_loop().create_task(self._run(self._renewal))
        await asyncio.shield(self._renewal)

    async def _run(self, done: asyncio.Future[None]) -> None:
        failed, self._token = self._token, ""
        if isinstance(self._provider, StoredTokenProvider):
            self._provider.rejected = failed
        self.provider_calls += 1
        try:
            result = self._provider(self.api_key, self._secret)
            token = (
                await asyncio.wait_for(result, self._timeout)
                if inspect.isawaitable(result)
                else result
            )
            if not isinstance(token, str) or not token:
                raise TypeError(f"the provider returned {type(token).__name__}, not a token")
        except Exception as exc:  # the provider's own errors end the renewal, not the loop
            self._token = failed
            message = "Kite access token renewal failed: "
            if isinstance(exc, TimeoutError):
                message += f"no new token within {self._timeout:.0f} s"
            else:
                message += self._masked(f"{type(exc).__name__}: {exc}", failed)
            error = KiteTokenError(message, "TokenException", 403)
            self._failed = (self.generation, time.monotonic(), error)
            self.last_failure = error
            done.set_exception(error)
            done.exception()  # mark retrieved: callers may all have gone
            return
        self._token = token
        self._failed = None
        self.generation += 1
        self.renewals += 1
        done.set_result(None)

    def _masked(self, text: str, token: str) -> str:
        """``text`` with the API secret and ``token`` replaced by ``***``."""
        for value in (self._secret.reveal() if self._secret else "", token):
            if value:
                text = text.replace(value, "***")
        return text[:500]


_HOLDERS: dict[tuple[str, ...], TokenHolder] = {}


def shared_holder(key: tuple[str, ...], factory: Callable[[], TokenHolder]) -> TokenHolder:
    """The process-wide holder for ``key`` (api key, token source), made once by ``factory``."""
    holder = _HOLDERS.get(key)
    if holder is None:
        holder = _HOLDERS[key] = factory()
    return holder
