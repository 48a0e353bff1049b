"""Short-lived access tokens and rotating refresh tokens handed out by a login.

Both are opaque random strings held in memory (a restart logs everyone out). An access
token (``access_ttl_secs``, 15 minutes by default) authenticates requests; a refresh
token (``refresh_ttl_secs``, 12 hours) buys one new pair and is spent by doing so, so a
stolen refresh token works once at most. A refresh token is never accepted as an access
token, nor the reverse. Logout revokes both of a pair. Each use of either token checks the
principal again (``current``): a login of a user since removed, or whose password changed,
stops working at once, and its scopes are the user's current ones.
"""

from __future__ import annotations

import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from nautilus_options.bridge.principal import Principal

__all__ = ["SessionPair", "SessionTokens"]


@dataclass(frozen=True)
class SessionPair:
    """The tokens of one login: ``access`` expires in ``access_ttl_secs`` seconds."""

    access: str
    refresh: str
    access_ttl_secs: float
    principal: Principal


@dataclass(frozen=True)
class _Entry:
    principal: Principal
    expires: float
    pair: str


class SessionTokens:
    """Issue, check, refresh and revoke login tokens (thread-safe).

    Parameters
    ----------
    access_ttl_secs, refresh_ttl_secs : float
        Lifetimes of the two kinds of token.
    clock : Callable[[], float]
        Monotonic seconds (a test can pass its own).
    current : Callable[[Principal], Principal | None]
        The principal as it is now (None: no longer valid); by default unchanged.
    """

    def __init__(
        self,
        access_ttl_secs: float = 900.0,
        refresh_ttl_secs: float = 43_200.0,
        clock: Callable[[], float] = time.monotonic,
        current: Callable[[Principal], Principal | None] = lambda principal: principal,
    ) -> None:
        self.access_ttl_secs = access_ttl_secs
        self.refresh_ttl_secs = refresh_ttl_secs
        self._clock = clock
        self._current = current
        self._lock = threading.Lock()
        self._access: dict[str, _Entry] = {}
        self._refresh: dict[str, _Entry] = {}

    def issue(self, principal: Principal) -> SessionPair:
        """A new pair of tokens for ``principal``."""
        now = self._clock()
        access, refresh = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
        with self._lock:
            self._purge(now)
            self._access[access] = _Entry(principal, now + self.access_ttl_secs, refresh)
            self._refresh[refresh] = _Entry(principal, now + self.refresh_ttl_secs, access)
        return SessionPair(access, refresh, self.access_ttl_secs, principal)

    def principal(self, access: str) -> Principal | None:
        """The principal of a live access token, else None."""
        entry = self._access.get(access)
        if entry is None or entry.expires <= self._clock():
            return None
        return self._current(entry.principal)

    def refresh(self, refresh: str) -> SessionPair | None:
        """Spend a live refresh token for a new pair (the old pair is revoked); else None."""
        with self._lock:
            entry = self._refresh.pop(refresh, None)
            if entry is None or entry.expires <= self._clock():
                return None
            self._access.pop(entry.pair, None)
        principal = self._current(entry.principal)
        return None if principal is None else self.issue(principal)

    def revoke(self, access: str) -> bool:
        """Revoke an access token and its refresh token; False if unknown."""
        with self._lock:
            entry = self._access.pop(access, None)
            if entry is None:
                return False
            self._refresh.pop(entry.pair, None)
        return True

    def _purge(self, now: float) -> None:
        for table in (self._access, self._refresh):
            for token in [t for t, e in table.items() if e.expires <= now]:
                del table[token]
