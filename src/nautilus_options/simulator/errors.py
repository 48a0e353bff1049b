"""Kite's error envelope: exception names, HTTP codes and the JSON bodies the client expects.

Kite answers an error with ``{"status": "error", "message": ..., "error_type": ...}`` and an
HTTP status; the official client raises ``getattr(kiteconnect.exceptions, error_type)`` with
``code`` set to the HTTP status (KITE_API.md §2.1-2.2). ``error_type`` must always be a
string: a missing one crashes the client with a ``TypeError``.

Every rule of the simulator that refuses a request raises :class:`KiteError`; the app turns
it into the envelope. ``MarginException`` has no Python class, so the client raises
``GeneralException`` with the code kept (400).
"""

from __future__ import annotations

from typing import Any, Literal

ErrorType = Literal[
    "TokenException",
    "PermissionException",
    "InputException",
    "OrderException",
    "MarginException",
    "NetworkException",
    "DataException",
    "GeneralException",
]

#: HTTP status of each error type as Kite sends it (§2.2; 429 also uses NetworkException).
HTTP_STATUS: dict[str, int] = {
    "TokenException": 403,
    "PermissionException": 403,
    "InputException": 400,
    "OrderException": 400,
    "MarginException": 400,
    "NetworkException": 503,
    "DataException": 502,
    "GeneralException": 500,
}

#: The message real Kite sends for an invalid or expired token (§1.3).
TOKEN_MESSAGE = "Incorrect `api_key` or `access_token`."
#: Kite's answer past a rate limit (§2.3).
TOO_MANY_REQUESTS = "Too many requests"


class KiteError(Exception):
    """A refusal in Kite's words.

    Parameters
    ----------
    error_type : ErrorType
        Kite's exception name.
    message : str
        The human-readable message.
    status : int, optional
        HTTP status; the usual one for ``error_type`` when omitted.
    """

    def __init__(self, error_type: ErrorType, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.error_type: ErrorType = error_type
        self.message = message
        self.status = HTTP_STATUS[error_type] if status is None else status

    def body(self) -> dict[str, Any]:
        """The JSON error envelope."""
        return {
            "status": "error",
            "message": self.message,
            "data": None,
            "error_type": self.error_type,
        }


def input_error(message: str) -> KiteError:
    """A 400 ``InputException`` (bad or missing parameters, exchange order rules)."""
    return KiteError("InputException", message)


def token_error(message: str = TOKEN_MESSAGE) -> KiteError:
    """A 403 ``TokenException`` (bad, expired or revoked credentials)."""
    return KiteError("TokenException", message)


def rate_limited() -> KiteError:
    """Kite's 429: ``NetworkException`` with "Too many requests"."""
    return KiteError("NetworkException", TOO_MANY_REQUESTS, status=429)


def success(data: Any) -> dict[str, Any]:
    """The success envelope ``{"status": "success", "data": data}``."""
    return {"status": "success", "data": data}
