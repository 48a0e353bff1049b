"""The address a request comes from, seen through the proxies the bridge is told to trust.

uvicorn's own ``proxy_headers`` stays off: it would take ``X-Forwarded-For`` from anyone.
Here the header counts only when the peer is a configured proxy (``--trusted-proxy``, e.g.
the web server on ``127.0.0.1``): the client is then the nearest address in the header that
is not itself a trusted proxy. The audit log and the per-address login lockout use it.
"""

from __future__ import annotations

import ipaddress

from starlette.requests import HTTPConnection

from nautilus_options.errors import ConfigError

__all__ = ["client_address", "trusted_proxies"]


def trusted_proxies(addresses: tuple[str, ...] | list[str]) -> tuple[str, ...]:
    """The proxies' addresses, checked and normalised.

    Raises
    ------
    ConfigError
        On ``--trusted-proxy`` for one that is not an IP address.
    """
    checked = []
    for address in addresses:
        try:
            checked.append(str(ipaddress.ip_address(address.strip())))
        except ValueError:
            raise ConfigError(
                "--trusted-proxy", f"{address!r} is not an IP address (e.g. 127.0.0.1)"
            ) from None
    return tuple(checked)


def client_address(request: HTTPConnection, trusted: tuple[str, ...]) -> str:
    """The client's address: the peer's, or for a trusted proxy what it forwarded."""
    peer = request.client.host if request.client else "unknown"
    forwarded = request.headers.get("x-forwarded-for", "")
    if peer not in trusted or not forwarded.strip():
        return peer
    hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
    for hop in reversed(hops):
        if hop not in trusted:
            return hop
    return hops[0]
