"""Sessions: request tokens, the SHA-256 checksum exchange, access tokens and their expiry.

Kite's flow (KITE_API.md §1): the login page redirects to the app with a short-lived
``request_token``; the app posts ``api_key``, ``request_token`` and
``checksum = sha256(api_key + request_token + api_secret)`` (hex) to
``POST /session/token`` and receives an ``access_token``. Every call then sends
``Authorization: token api_key:access_token``. A token is valid until the next daily
expiry time (Kite: 06:00 IST), after which each call answers 403 ``TokenException``.
Logout (``DELETE /session/token``) and ``expire_all`` revoke tokens at once.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import time, timedelta

from nautilus_options.domain.time import ist_date, ist_ns
from nautilus_options.simulator.errors import input_error, token_error

#: Seconds a request token stays exchangeable.
REQUEST_TOKEN_TTL_S = 600


def checksum(api_key: str, token: str, api_secret: str) -> str:
    """Kite's session checksum: hex SHA-256 of ``api_key + token + api_secret``."""
    return hashlib.sha256((api_key + token + api_secret).encode()).hexdigest()


def next_expiry_ns(now_ns: int, at: time) -> int:
    """The first daily expiry time ``at`` (IST) strictly after ``now_ns``."""
    day = ist_date(now_ns)
    candidate = ist_ns(day, at)
    return candidate if candidate > now_ns else ist_ns(day + timedelta(days=1), at)


@dataclass
class Session:
    """An access token and when it stops working."""

    access_token: str
    public_token: str
    expires_ns: int
    login_ns: int


class Auth:
    """Issues and checks tokens for one app (``api_key``/``api_secret``)."""

    def __init__(self, api_key: str, api_secret: str, expiry: time) -> None:
        self.api_key, self.api_secret, self.expiry = api_key, api_secret, expiry
        self.request_tokens: dict[str, int] = {}
        self.sessions: dict[str, Session] = {}

    def new_request_token(self, now_ns: int) -> str:
        """A request token, as the login redirect would carry."""
        token = secrets.token_hex(16)
        self.request_tokens[token] = now_ns + REQUEST_TOKEN_TTL_S * 1_000_000_000
        return token

    def exchange(self, api_key: str, request_token: str, digest: str, now_ns: int) -> Session:
        """Trade a request token and its checksum for a session.

        Any request token is accepted when its checksum is right (so a test can use a
        fixed one, as with ``generate_session("any", secret)``); issued tokens expire.

        Raises
        ------
        KiteError
            ``InputException`` for a wrong api_key, ``TokenException`` for a bad checksum
            or an expired request token.
        """
        if api_key != self.api_key:
            raise input_error("Invalid `api_key`.")
        if digest != checksum(api_key, request_token, self.api_secret):
            raise token_error("Invalid `checksum`.")
        expires = self.request_tokens.pop(request_token, None)
        if expires is not None and now_ns > expires:
            raise token_error("Token is invalid or has expired.")
        session = Session(
            access_token=secrets.token_hex(16),
            public_token=secrets.token_hex(16),
            expires_ns=next_expiry_ns(now_ns, self.expiry),
            login_ns=now_ns,
        )
        self.sessions[session.access_token] = session
        return session

    def check(self, api_key: str, access_token: str, now_ns: int) -> Session:
        """The live session of ``access_token``; raise ``TokenException`` otherwise."""
        session = self.sessions.get(access_token)
        if api_key != self.api_key or session is None:
            raise token_error()
        if now_ns >= session.expires_ns:
            del self.sessions[access_token]
            raise token_error()
        return session

    def check_header(self, header: str | None, now_ns: int) -> Session:
        """Check an ``Authorization: token api_key:access_token`` header."""
        scheme, _, credentials = (header or "").partition(" ")
        api_key, _, access_token = credentials.partition(":")
        if scheme != "token" or not access_token:
            raise token_error()
        return self.check(api_key, access_token, now_ns)

    def logout(self, access_token: str) -> bool:
        """Revoke one token."""
        return self.sessions.pop(access_token, None) is not None

    def expire_all(self) -> int:
        """Revoke every token (the "token expiry now" fault); return how many."""
        count = len(self.sessions)
        self.sessions.clear()
        return count
