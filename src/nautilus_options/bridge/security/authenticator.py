"""One bearer token to a principal: a login's access token or an API token."""

from __future__ import annotations

from dataclasses import dataclass

from nautilus_options.bridge.principal import Principal
from nautilus_options.bridge.security.lockout import LoginThrottle
from nautilus_options.bridge.security.sessions import SessionTokens
from nautilus_options.bridge.security.store import CredentialStore

__all__ = ["Authenticator"]


@dataclass
class Authenticator:
    """The bridge's credentials, sessions and login throttle.

    Calling it with a token (``authenticate(token)``) returns the principal of a live
    access token or a valid API token, else None; the WebSocket stream uses the same call.
    """

    store: CredentialStore
    sessions: SessionTokens
    throttle: LoginThrottle

    def __call__(self, token: str) -> Principal | None:
        """The principal of ``token`` (access or API token), or None."""
        if not token:
            return None
        return self.sessions.principal(token) or self.store.verify_token(token)
