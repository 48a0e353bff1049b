"""Settings of the bridge server: where it listens, who may call it, where it keeps state."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["BridgeSettings", "is_loopback"]


@dataclass(frozen=True)
class BridgeSettings:
    """How the bridge serves.

    Attributes
    ----------
    environment : str
        ``paper``, ``live`` or ``backtest`` (results only); stamped on every response as
        the ``X-Options-NT-Environment`` header.
    state_dir : Path
        Credentials file, audit log.
    host, port : str, int
        Where uvicorn listens (loopback by default; port 0 picks a free one).
    cors_origins : tuple[str, ...]
        Browser origins allowed to call the API (none by default: same origin only).
    trusted_proxies : tuple[str, ...]
        Peers whose ``X-Forwarded-For`` names the client (the web server's address); none by
        default: the client is always the peer.
    tls : bool
        Whether uvicorn serves HTTPS (a certificate and key were given).
    results_dir : Path, optional
        Folder of backtest result folders served read-only.
    ui_dir : Path, optional
        The built trader interface (``web/ui/dist``) to serve at ``/``; none by default.
    access_ttl_secs, refresh_ttl_secs : float
        Lifetimes of login tokens.
    max_login_failures, lockout_secs : int, float
        Failed logins (within ``lockout_secs``) that lock a name or address, and for how
        long.
    request_timeout_secs : float
        Bound on a call into the node's loop.
    """

    environment: str = "paper"
    state_dir: Path = field(default_factory=lambda: Path.home() / ".options-nt")
    host: str = "127.0.0.1"
    port: int = 8765
    cors_origins: tuple[str, ...] = ()
    trusted_proxies: tuple[str, ...] = ()
    tls: bool = False
    results_dir: Path | None = None
    ui_dir: Path | None = None
    access_ttl_secs: float = 900.0
    refresh_ttl_secs: float = 43_200.0
    max_login_failures: int = 5
    lockout_secs: float = 300.0
    request_timeout_secs: float = 10.0

    def unsafe(self, has_users: bool) -> list[str]:
        """Warnings about settings that expose the bridge (printed at start)."""
        warnings = []
        if not has_users:
            warnings.append("no user is set: create one with `options-nt serve user add NAME`")
        if not is_loopback(self.host) and not self.tls:
            warnings.append(
                f"listening on {self.host} beyond loopback without TLS: tokens and passwords "
                "cross the network in clear (use --certfile/--keyfile, a TLS proxy or a tunnel)"
            )
        if "*" in self.cors_origins:
            warnings.append("CORS allows every origin ('*'): any web page can call the API")
        return warnings


def is_loopback(host: str) -> bool:
    """Whether ``host`` is a loopback address or ``localhost``."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
