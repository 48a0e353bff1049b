"""Users and API tokens of the bridge, kept in one JSON file readable by its owner only.

The file (``<state dir>/bridge-credentials.json``, mode 0600) holds

* users: name, argon2id password hash, scopes;
* API tokens: id, name, scopes, SHA-256 of the secret, created, expiry and revoked times.

A token is shown once, when created: ``ont_<id>_<secret>``. It expires after
:data:`DEFAULT_TOKEN_TTL` unless created with another lifetime or none (``never``); an
expired token is refused like a revoked one. Its secret has 256 random
bits, so a plain SHA-256 suffices to store it (argon2 is for low-entropy passwords).
Every change rewrites the file atomically (a temporary file, then a rename). A store sees
changes another process made (``options-nt serve user add`` / ``token create`` while the
server runs): it reads the file again whenever it was replaced.
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
import threading
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from nautilus_options.bridge.principal import Principal, Scope
from nautilus_options.errors import ConfigError

__all__ = [
    "CREDENTIALS_FILE",
    "DEFAULT_TOKEN_TTL",
    "TOKEN_PREFIX",
    "ApiToken",
    "CredentialStore",
    "User",
]

#: Name of the credentials file in the state directory.
CREDENTIALS_FILE = "bridge-credentials.json"
#: Prefix of every API token.
TOKEN_PREFIX = "ont_"
#: Lifetime of an API token unless another (or none) is asked for.
DEFAULT_TOKEN_TTL = timedelta(days=90)
_MIN_PASSWORD = 8
_HASHER = PasswordHasher()
# A hash of a throw-away password: failed look-ups of unknown users cost as much as real ones.
_DUMMY_HASH = _HASHER.hash(secrets.token_urlsafe(16))


@dataclass(frozen=True)
class User:
    """A user who logs in with a password."""

    name: str
    password_hash: str
    scopes: tuple[Scope, ...]
    created: str


@dataclass(frozen=True)
class ApiToken:
    """A long-lived API token (its secret is stored only as a digest).

    ``expires`` is an ISO UTC time, or None for a token that never expires.
    """

    id: str
    name: str
    scopes: tuple[Scope, ...]
    digest: str
    created: str
    revoked: str | None = None
    expires: str | None = None

    def expired(self, now: datetime) -> bool:
        """Whether the token has expired at ``now`` (aware UTC)."""
        return self.expires is not None and datetime.fromisoformat(self.expires) <= now


@dataclass
class _Content:
    users: dict[str, User] = field(default_factory=dict)
    tokens: dict[str, ApiToken] = field(default_factory=dict)


class CredentialStore:
    """Users and API tokens in ``path`` (see the module docstring); thread-safe.

    Parameters
    ----------
    path : Path
        The JSON file; created (0600, parent 0700) on the first change.
    max_verifying : int
        Most password checks at once (each argon2id check takes 64 MiB); others wait.

    Raises
    ------
    ConfigError
        If the file exists but cannot be read, naming it.
    """

    def __init__(self, path: Path, max_verifying: int = 2) -> None:
        self.path = path
        self._verifying = threading.BoundedSemaphore(max_verifying)
        self._lock = threading.Lock()
        self._stamp = _stamp(path)
        self._content = _read(path)

    # -- users -------------------------------------------------------------------------------

    @property
    def has_users(self) -> bool:
        """Whether any user exists (no user: nobody can log in)."""
        return bool(self._fresh().users)

    def users(self) -> list[User]:
        """The users, by name."""
        return sorted(self._fresh().users.values(), key=lambda user: user.name)

    def add_user(
        self, name: str, password: str, scopes: tuple[Scope, ...] = (Scope.ADMIN,)
    ) -> User:
        """Add a user, or set an existing user's password and scopes.

        Raises
        ------
        ConfigError
            If ``name`` is empty or ``password`` shorter than 8 characters.
        """
        if not name or not name.strip() or len(name) > 64:
            raise ConfigError("name", "a user name of 1 to 64 characters is required")
        if len(password) < _MIN_PASSWORD:
            raise ConfigError("password", f"must have at least {_MIN_PASSWORD} characters")
        user = User(name, _HASHER.hash(password), tuple(scopes), _now())
        self._fresh()
        with self._lock:
            self._content.users[name] = user
            self._save()
        return user

    def remove_user(self, name: str) -> bool:
        """Remove a user; False if there was none."""
        self._fresh()
        with self._lock:
            if self._content.users.pop(name, None) is None:
                return False
            self._save()
        return True

    def verify_password(self, name: str, password: str) -> Principal | None:
        """The user's principal if ``password`` is right, else None (constant work)."""
        user = self._fresh().users.get(name)
        try:
            with self._verifying:
                _HASHER.verify(user.password_hash if user else _DUMMY_HASH, password)
        except (VerificationError, InvalidHashError):
            return None
        if user is None:
            return None
        return _principal(user)

    def current(self, principal: Principal) -> Principal | None:
        """``principal`` of a login with the user's current scopes; None once the user is
        removed or its password changed since (so its tokens stop working at once)."""
        user = self._fresh().users.get(principal.subject)
        if user is None or _generation(user) != principal.generation:
            return None
        return _principal(user)

    # -- API tokens --------------------------------------------------------------------------

    def tokens(self) -> list[ApiToken]:
        """The API tokens (revoked ones too), oldest first."""
        return sorted(self._fresh().tokens.values(), key=lambda token: token.created)

    def create_token(
        self,
        name: str,
        scopes: tuple[Scope, ...],
        ttl: timedelta | None = DEFAULT_TOKEN_TTL,
    ) -> tuple[ApiToken, str]:
        """Create an API token valid for ``ttl`` (None: never expires); return it and its
        secret value (shown only now).

        Raises
        ------
        ConfigError
            If no scope is given, or ``ttl`` is not positive.
        """
        if not scopes:
            raise ConfigError("scope", "an API token needs at least one scope")
        if ttl is not None and ttl <= timedelta(0):
            raise ConfigError("expires", "an API token's lifetime must be positive")
        token_id = secrets.token_hex(6)
        secret = secrets.token_urlsafe(32)
        created = datetime.now(UTC)
        token = ApiToken(
            token_id,
            name or token_id,
            tuple(scopes),
            _digest(secret),
            _iso(created),
            expires=None if ttl is None else _iso(created + ttl),
        )
        self._fresh()
        with self._lock:
            self._content.tokens[token_id] = token
            self._save()
        return token, f"{TOKEN_PREFIX}{token_id}_{secret}"

    def revoke_token(self, token_id: str) -> ApiToken | None:
        """Revoke a token (kept in the file as revoked); None if unknown."""
        self._fresh()
        with self._lock:
            token = self._content.tokens.get(token_id)
            if token is None:
                return None
            if token.revoked is None:
                token = ApiToken(**{**asdict(token), "revoked": _now()})
                self._content.tokens[token_id] = token
                self._save()
        return token

    def verify_token(self, value: str) -> Principal | None:
        """The principal of a valid, unrevoked, unexpired API token ``value``, else None."""
        if not value.startswith(TOKEN_PREFIX):
            return None
        token_id, _, secret = value[len(TOKEN_PREFIX) :].partition("_")
        token = self._fresh().tokens.get(token_id)
        if token is None or not secret:
            return None
        if not secrets.compare_digest(token.digest, _digest(secret)) or token.revoked:
            return None
        if token.expired(datetime.now(UTC)):
            return None
        return Principal(subject=f"token:{token.id}", scopes=frozenset(token.scopes))

    # -- file --------------------------------------------------------------------------------

    def _save(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        data = {
            "users": [asdict(user) for user in self._content.users.values()],
            "tokens": [asdict(token) for token in self._content.tokens.values()],
        }
        temporary = self.path.with_name(f".{self.path.name}.tmp")
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            json.dump(data, handle, indent=2)
        os.chmod(temporary, 0o600)
        os.replace(temporary, self.path)
        self._stamp = _stamp(self.path)

    def _fresh(self) -> _Content:
        """The content, read again if another process replaced the file."""
        stamp = _stamp(self.path)
        if stamp != self._stamp:
            with self._lock:
                self._content = _read(self.path)
                self._stamp = stamp
        return self._content


def _read(path: Path) -> _Content:
    if not path.exists():
        return _Content()
    try:
        data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
        users = {
            item["name"]: User(**{**item, "scopes": tuple(Scope(s) for s in item["scopes"])})
            for item in data.get("users", [])
        }
        tokens = {
            item["id"]: ApiToken(**{**item, "scopes": tuple(Scope(s) for s in item["scopes"])})
            for item in data.get("tokens", [])
        }
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise ConfigError(str(path), f"unreadable credentials file ({type(exc).__name__})") from exc
    return _Content(users, tokens)


def _stamp(path: Path) -> tuple[int, int] | None:
    try:
        info = path.stat()
    except FileNotFoundError:
        return None
    return (info.st_ino, info.st_mtime_ns)


def _principal(user: User) -> Principal:
    return Principal(user.name, frozenset(user.scopes), _generation(user))


def _generation(user: User) -> str:
    return _digest(user.password_hash)


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _now() -> str:
    return _iso(datetime.now(UTC))


def _iso(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds")
