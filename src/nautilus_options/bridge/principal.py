"""Who is calling: the authenticated subject of a request or a WebSocket."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

__all__ = ["Principal", "Scope"]


class Scope(StrEnum):
    """What a token may do: ``read`` data, ``trade`` (orders, spreads), ``admin`` (users, tokens,
    kill switch)."""

    READ = "read"
    TRADE = "trade"
    ADMIN = "admin"


@dataclass(frozen=True)
class Principal:
    """An authenticated caller.

    Attributes
    ----------
    subject : str
        The user name, or ``token:<id>`` for an API token.
    scopes : frozenset[Scope]
        What it may do.
    generation : str
        For a user, a digest of the password hash it logged in with: a login's tokens stop
        working once the password changes or the user is removed ("" for an API token).
    """

    subject: str
    scopes: frozenset[Scope]
    generation: str = field(default="", compare=False, repr=False)

    def allows(self, scope: Scope) -> bool:
        """Whether ``scope`` is granted (``admin`` implies ``trade``, which implies ``read``)."""
        order = [Scope.READ, Scope.TRADE, Scope.ADMIN]
        return any(order.index(s) >= order.index(scope) for s in self.scopes)
