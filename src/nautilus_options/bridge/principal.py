"""Who is calling: the authenticated subject of a request or a WebSocket."""

from __future__ import annotations

from dataclasses import dataclass
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
    """

    subject: str
    scopes: frozenset[Scope]

    def allows(self, scope: Scope) -> bool:
        """Whether ``scope`` is granted (``admin`` implies ``trade``, which implies ``read``)."""
        order = [Scope.READ, Scope.TRADE, Scope.ADMIN]
        return any(order.index(s) >= order.index(scope) for s in self.scopes)
