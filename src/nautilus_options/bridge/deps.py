"""Request dependencies: the bridge context, the caller and its scope, the node.

Every router but the public one is included with ``Depends(require(Scope.READ))``, so no
route can be added without authentication; routes that act ask for ``trade`` or ``admin``
on top. The caller is kept on ``request.state.principal`` for the audit log.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Annotated, Any

from fastapi import Depends, HTTPException, Request, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from nautilus_options.bridge.context import BridgeContext
from nautilus_options.bridge.node import NodeLink
from nautilus_options.bridge.principal import Principal, Scope

__all__ = [
    "bridge_context",
    "caller",
    "found",
    "node_link",
    "read_only",
    "refuse_after_kill",
    "refuse_when_stopped",
    "require",
]

_bearer = HTTPBearer(auto_error=False, description="An access token or an API token")


def bridge_context(request: Request) -> BridgeContext:
    """The app's :class:`BridgeContext`."""
    context: BridgeContext = request.app.state.bridge
    return context


def require(scope: Scope) -> Callable[..., Coroutine[Any, Any, Principal]]:
    """A dependency that admits callers holding ``scope`` (401 without a valid token, 403
    without the scope)."""

    async def dependency(
        request: Request,
        credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
    ) -> Principal:
        context = bridge_context(request)
        principal = context.auth(credentials.credentials) if credentials else None
        if principal is None:
            raise HTTPException(
                status.HTTP_401_UNAUTHORIZED,
                "a valid access or API token is required",
                headers={"WWW-Authenticate": "Bearer"},
            )
        request.state.principal = principal
        if not principal.allows(scope):
            raise HTTPException(status.HTTP_403_FORBIDDEN, f"the {scope.value} scope is required")
        return principal

    return dependency


def read_only(request: Request) -> None:
    """Mark a route that changes nothing though it is a POST (it takes a body): it is not
    audited, so a read-scope caller cannot flood the audit log or the ``logs`` topic."""
    request.state.read_only = True


def caller(request: Request) -> Principal:
    """The principal the router's dependency authenticated."""
    principal: Principal = request.state.principal
    return principal


def found[T](value: T | None, detail: str) -> T:
    """``value``, or a 404 with ``detail`` (naming the parameter) when it is None."""
    if value is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail)
    return value


def refuse_when_stopped(node: NodeLink) -> None:
    """A 409 once the node has stopped (run on the node's loop)."""
    if not node.node.is_running():
        raise HTTPException(
            status.HTTP_409_CONFLICT, "the node has stopped: see its log; restart it to trade"
        )


def refuse_after_kill(node: NodeLink) -> None:
    """A 409 once the node has stopped or the kill switch fired: only a restart trades again
    (run on the node's loop)."""
    refuse_when_stopped(node)
    if node.controls.kill_state().triggered:
        raise HTTPException(
            status.HTTP_409_CONFLICT, "the kill switch fired: restart the node to trade again"
        )


def node_link(request: Request) -> NodeLink:
    """The attached node (503 when the bridge serves results only)."""
    link = bridge_context(request).node
    if link is None:
        raise HTTPException(status.HTTP_503_SERVICE_UNAVAILABLE, "no node is attached")
    return link


Context = Annotated[BridgeContext, Depends(bridge_context)]
Caller = Annotated[Principal, Depends(caller)]
Node = Annotated[NodeLink, Depends(node_link)]

#: Extra documented responses of a route (OpenAPI).
Responses = dict[int | str, dict[str, Any]]
