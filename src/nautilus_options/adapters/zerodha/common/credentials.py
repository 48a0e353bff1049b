"""Kite credentials from the environment or a 0600 token file; secrets never shown.

Sources, first found wins (KITE_API.md §1):

* the API key: the config's ``api_key``, else ``$KITE_API_KEY``, else the token file;
* the API secret: ``$KITE_API_SECRET`` (only login and renewal need it);
* the access token: the token file when the config names one explicitly (a paper node's
  simulator token must not be replaced by a live token in the environment), else
  ``$KITE_ACCESS_TOKEN``, else the default token file.

The token file is JSON (``api_key``, ``access_token``, ``user_id``, ``login_time``), written
atomically with mode 0600 by ``options-nt kite login``; one readable by group or others is
refused. Secrets are held in :class:`Secret`, whose ``repr`` and ``str`` are masked, so they
cannot leak through a log line, an exception message or a config dump.
"""

from __future__ import annotations

import json
import os
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from nautilus_options.errors import ConfigError

ENV_API_KEY = "KITE_API_KEY"
ENV_API_SECRET = "KITE_API_SECRET"
ENV_ACCESS_TOKEN = "KITE_ACCESS_TOKEN"
ENV_TOKEN_FILE = "KITE_TOKEN_FILE"
#: Where ``options-nt kite login`` stores the token unless told otherwise.
DEFAULT_TOKEN_FILE = Path("~/.config/options-nt/kite_token.json")


class Secret:
    """A string that is masked in ``repr``/``str``; :meth:`reveal` gives the value."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        """The secret value (to put on the wire, nowhere else)."""
        return self._value

    def __repr__(self) -> str:
        return "Secret('***')"

    __str__ = __repr__

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(self._value)

    def __bool__(self) -> bool:
        return bool(self._value)


def mask(api_key: str) -> str:
    """An API key shortened for logs (``ab...yz``)."""
    return f"{api_key[:2]}...{api_key[-2:]}" if len(api_key) > 6 else "***"


@dataclass(frozen=True)
class KiteCredentials:
    """What a client signs requests with (masked in ``repr``)."""

    api_key: str
    access_token: Secret | None
    api_secret: Secret | None = None

    def __repr__(self) -> str:
        return (
            f"KiteCredentials(api_key={mask(self.api_key)!r}, "
            f"access_token={'***' if self.access_token else None}, "
            f"api_secret={'***' if self.api_secret else None})"
        )


def token_file_path(path: str | os.PathLike[str] | None = None) -> Path:
    """The token file: ``path``, else ``$KITE_TOKEN_FILE``, else the default."""
    chosen = path or os.environ.get(ENV_TOKEN_FILE) or DEFAULT_TOKEN_FILE
    return Path(chosen).expanduser()


def read_token_file(path: Path) -> dict[str, Any]:
    """The token file's JSON, or ``{}`` when it does not exist.

    Raises
    ------
    ConfigError
        If the file is readable by group or others, or is not a JSON object.
    """
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        return {}
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise ConfigError(
            "token_file", f"{path} is readable by others (mode {oct(mode & 0o777)}); chmod 600 it"
        )
    try:
        data = json.loads(path.read_text())
    except ValueError:
        raise ConfigError("token_file", f"{path} is not valid JSON") from None
    if not isinstance(data, dict):
        raise ConfigError("token_file", f"{path} must hold a JSON object")
    return data


def write_token_file(path: Path, data: dict[str, Any]) -> None:
    """Write ``data`` to ``path`` atomically with mode 0600 (parents created 0700)."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        with os.fdopen(descriptor, "w") as handle:
            json.dump(data, handle)
        os.chmod(temporary, 0o600)
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def load_credentials(
    api_key: str | None = None, token_file: str | os.PathLike[str] | None = None
) -> KiteCredentials:
    """Credentials from the sources in the module docstring.

    Raises
    ------
    ConfigError
        If no API key can be found, or the token file is unsafe.
    """
    stored = read_token_file(token_file_path(token_file))
    key = api_key or os.environ.get(ENV_API_KEY) or str(stored.get("api_key") or "")
    if not key:
        raise ConfigError(
            "api_key", f"no Kite API key: set {ENV_API_KEY} or run `options-nt kite login`"
        )
    from_file = str(stored.get("access_token") or "")
    if token_file is not None and from_file:
        token = from_file
    else:
        token = os.environ.get(ENV_ACCESS_TOKEN) or from_file
    secret = os.environ.get(ENV_API_SECRET, "")
    return KiteCredentials(
        key, Secret(token) if token else None, Secret(secret) if secret else None
    )
