"""Kite's error envelope mapped to exceptions the clients can act on (KITE_API.md §2.1-2.2).

Kite answers ``{"status": "error", "message": ..., "error_type": ...}`` with an HTTP status.
What the adapter needs to know is what it may do next, so the classes are by consequence:

* :class:`KiteTokenError` -- 403 ``TokenException``: the daily token expired or was revoked;
  renew it, then retry.
* :class:`KiteRateLimitError` -- 429 (``NetworkException``): the request was refused before
  it ran; wait and retry.
* :class:`KiteServerError` -- 5xx: the outcome is unknown (an order may have been placed).
* :class:`KiteRequestError` -- any other 4xx (``InputException``, ``OrderException``,
  ``MarginException``...): refused for a reason worth showing the user.
* :class:`KiteTransportError` -- no answer at all (timeout, connection refused): unknown.

Messages never include credentials: the request's URL and headers are not part of them.
"""

from __future__ import annotations

from nautilus_options.errors import OptionsNTError


class KiteError(OptionsNTError):
    """Any failure talking to Kite.

    Parameters
    ----------
    message : str
        Kite's message, or a description of the transport failure.
    error_type : str
        Kite's ``error_type`` (``"TransportError"`` when there was no answer).
    status : int
        HTTP status (0 when there was no answer).
    """

    def __init__(self, message: str, error_type: str = "GeneralException", status: int = 0):
        super().__init__(f"{error_type} ({status}): {message}" if status else message)
        self.message = message
        self.error_type = error_type
        self.status = status

    @property
    def outcome_unknown(self) -> bool:
        """Whether the request may have taken effect (no blind retry of a write)."""
        return False


class KiteTokenError(KiteError):
    """The access token is invalid or expired (403 ``TokenException``).

    ``generation`` is the token generation the failed request was sent with (set by the HTTP
    client; ``None`` otherwise), for :meth:`~.tokens.TokenHolder.renew`.
    """

    generation: int | None = None


class KiteRateLimitError(KiteError):
    """Kite refused the request for its rate (429)."""


class KiteServerError(KiteError):
    """Kite failed with a 5xx: the request's outcome is unknown."""

    @property
    def outcome_unknown(self) -> bool:
        """Always True."""
        return True


class KiteTransportError(KiteError):
    """No answer: timeout, refused or reset connection; the outcome is unknown."""

    def __init__(self, message: str) -> None:
        super().__init__(message, "TransportError", 0)

    @property
    def outcome_unknown(self) -> bool:
        """Always True."""
        return True


class KiteRequestError(KiteError):
    """Kite refused the request (4xx other than 403 token and 429): the reason is final."""


class TickerDecodeError(OptionsNTError):
    """A ticker binary frame whose framing is inconsistent (declared sizes overrun it)."""


def error_for(status: int, error_type: str | None, message: str) -> KiteError:
    """The exception for an error answer (``status``, Kite's ``error_type`` and message)."""
    kind = error_type or "GeneralException"
    if status == 403 and kind == "TokenException":
        return KiteTokenError(message, kind, status)
    if status == 429:
        return KiteRateLimitError(message, kind, status)
    if status >= 500:
        return KiteServerError(message, kind, status)
    if kind == "TokenException":
        return KiteTokenError(message, kind, status)
    return KiteRequestError(message, kind, status)
