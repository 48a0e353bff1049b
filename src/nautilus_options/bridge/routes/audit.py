"""The audit log (admin)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query

from nautilus_options.bridge.deps import Context, require
from nautilus_options.bridge.principal import Scope

router = APIRouter(prefix="/audit", tags=["audit"], dependencies=[Depends(require(Scope.ADMIN))])


@router.get("")
def audit_log(
    context: Context, limit: Annotated[int, Query(ge=1, le=10_000)] = 200
) -> list[dict[str, Any]]:
    """The last ``limit`` audit records, oldest first: who, when, from where, what, result."""
    return context.audit.tail(limit)
