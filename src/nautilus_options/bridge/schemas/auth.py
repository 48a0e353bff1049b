"""Login, tokens and the caller."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from nautilus_options.bridge.principal import Scope


class LoginRequest(BaseModel):
    """A user's name and password."""

    model_config = ConfigDict(extra="forbid")

    username: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=1024)


class RefreshRequest(BaseModel):
    """A refresh token to spend for a new pair."""

    model_config = ConfigDict(extra="forbid")

    refresh_token: str = Field(min_length=1, max_length=256)


class TokenPair(BaseModel):
    """An access token (send as ``Authorization: Bearer``) and its refresh token."""

    access_token: str
    refresh_token: str
    token_type: str = "bearer"
    expires_in: float = Field(description="Seconds the access token lives")
    scopes: list[Scope]


class Caller(BaseModel):
    """Who is calling and what it may do."""

    subject: str
    scopes: list[Scope]


class ApiTokenCreate(BaseModel):
    """A new API token's name and scopes."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(default="", max_length=64)
    scopes: list[Scope] = Field(min_length=1)
    expires_days: int | None = Field(
        default=90, ge=1, le=3650, description="Lifetime in days; null: never expires"
    )


class ApiTokenInfo(BaseModel):
    """An API token (never its secret)."""

    id: str
    name: str
    scopes: list[Scope]
    created: str
    revoked: str | None
    expires: str | None = Field(description="When it expires (ISO UTC); null: never")


class ApiTokenCreated(ApiTokenInfo):
    """A token just created: ``token`` is shown this once."""

    token: str
