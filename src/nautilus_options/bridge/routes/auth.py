"""Login, refresh, logout and the caller; API tokens (admin)."""

from __future__ import annotations

from datetime import timedelta

from fastapi import APIRouter, Depends, HTTPException, Request, status

from nautilus_options.bridge.client_address import client_address
from nautilus_options.bridge.deps import Caller, Context, Responses, require
from nautilus_options.bridge.principal import Scope
from nautilus_options.bridge.schemas.auth import (
    ApiTokenCreate,
    ApiTokenCreated,
    ApiTokenInfo,
    LoginRequest,
    RefreshRequest,
    TokenPair,
)
from nautilus_options.bridge.schemas.auth import Caller as CallerOut
from nautilus_options.bridge.security.sessions import SessionPair
from nautilus_options.bridge.security.store import ApiToken

public = APIRouter(prefix="/auth", tags=["auth"])
private = APIRouter(tags=["auth"])
admin = APIRouter(prefix="/tokens", tags=["tokens"], dependencies=[Depends(require(Scope.ADMIN))])

_UNAUTHORIZED: Responses = {
    401: {"description": "Wrong name or password, or an expired refresh token"}
}


@public.post("/login", responses={**_UNAUTHORIZED, 429: {"description": "Locked out"}})
def login(body: LoginRequest, request: Request, context: Context) -> TokenPair:
    """Log in with a name and password; get an access token and a refresh token."""
    address = client_address(request, context.settings.trusted_proxies)
    keys = (f"user:{body.username}", f"addr:{address}")
    request.state.audit_subject = body.username
    throttle = context.auth.throttle
    wait = throttle.begin(*keys)  # counts this attempt at once: parallel logins add up
    if wait > 0:
        raise HTTPException(
            status.HTTP_429_TOO_MANY_REQUESTS,
            f"too many failed logins; try again in {int(wait) + 1} s",
            headers={"Retry-After": str(int(wait) + 1)},
        )
    principal = None
    try:
        principal = context.auth.store.verify_password(body.username, body.password)
    finally:
        throttle.end(*keys, ok=principal is not None)
    if principal is None:
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "wrong user name or password")
    request.state.principal = principal
    return _pair(context.auth.sessions.issue(principal))


@public.post("/refresh", responses=_UNAUTHORIZED)
def refresh(body: RefreshRequest, request: Request, context: Context) -> TokenPair:
    """Spend a refresh token for a new pair (the old pair stops working)."""
    pair = context.auth.sessions.refresh(body.refresh_token)
    if pair is None:
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "invalid or expired refresh token")
    request.state.principal = pair.principal
    return _pair(pair)


@private.get("/auth/me")
def me(principal: Caller) -> CallerOut:
    """Who the token belongs to and its scopes."""
    return CallerOut(subject=principal.subject, scopes=sorted(principal.scopes))


@private.post("/auth/logout", status_code=status.HTTP_204_NO_CONTENT)
def logout(request: Request, context: Context) -> None:
    """Revoke the access token sent (and its refresh token)."""
    header = request.headers.get("authorization", "")
    context.auth.sessions.revoke(header.partition(" ")[2].strip())


@admin.get("")
def list_tokens(context: Context) -> list[ApiTokenInfo]:
    """The API tokens (never their secrets)."""
    return [_info(token) for token in context.auth.store.tokens()]


@admin.post("", status_code=status.HTTP_201_CREATED)
def create_token(body: ApiTokenCreate, request: Request, context: Context) -> ApiTokenCreated:
    """Create an API token (valid ``expires_days``, 90 by default); its value is in this
    answer only (the audit record holds its id, name, scopes and expiry)."""
    ttl = None if body.expires_days is None else timedelta(days=body.expires_days)
    token, value = context.auth.store.create_token(body.name, tuple(body.scopes), ttl)
    request.state.audit_detail = {
        "id": token.id,
        "name": token.name,
        "scopes": list(token.scopes),
        "expires": token.expires,
    }
    return ApiTokenCreated(**_info(token).model_dump(), token=value)


@admin.delete("/{token_id}", responses={404: {"description": "No such token"}})
def revoke_token(token_id: str, request: Request, context: Context) -> ApiTokenInfo:
    """Revoke an API token at once."""
    request.state.audit_detail = {"id": token_id}
    token = context.auth.store.revoke_token(token_id)
    if token is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"token_id: no token {token_id!r}")
    return _info(token)


def _pair(pair: SessionPair) -> TokenPair:
    return TokenPair(
        access_token=pair.access,
        refresh_token=pair.refresh,
        expires_in=pair.access_ttl_secs,
        scopes=sorted(pair.principal.scopes),
    )


def _info(token: ApiToken) -> ApiTokenInfo:
    return ApiTokenInfo(
        id=token.id,
        name=token.name,
        scopes=list(token.scopes),
        created=token.created,
        revoked=token.revoked,
        expires=token.expires,
    )
