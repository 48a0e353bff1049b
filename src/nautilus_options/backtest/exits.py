"""Why each spread was closed, read from the tags of its orders.

The strategy tags every order of a leg with its spread and intent
(:mod:`nautilus_options.portfolio.ids`) and a closing order with the exit rule that fired
(``reason=stop_loss``, ``reason=profit_target``, ...). A spread closed without a closing
order was settled at expiry.
"""

from __future__ import annotations

import ast

import pandas as pd

from nautilus_options.portfolio.ids import tag_value

__all__ = ["CLOSED", "EXPIRY", "OPEN", "exit_reasons"]

#: Exit reason of a spread closed by expiry settlement, without a closing order.
EXPIRY = "expiry"
#: Exit reason of a spread still open at the end.
OPEN = "open"
#: Exit reason of a spread closed by orders that name no reason.
CLOSED = "closed"


def _tags(value: object) -> list[str]:
    """An order's tags from the orders report: a list, or its ``str`` as read from CSV."""
    if isinstance(value, list | tuple):
        return [str(tag) for tag in value]
    if isinstance(value, str) and value.startswith("["):
        return [str(tag) for tag in ast.literal_eval(value)]
    return []


def exit_reasons(spreads: pd.DataFrame, orders: pd.DataFrame) -> pd.Series:
    """Why each spread was closed, indexed by ``spread_id``.

    The ``reason=`` tag of the spread's closing orders (``intent=close``), as the strategy
    writes it (``profit_target``, ``stop_loss``, ...); :data:`EXPIRY` for a closed spread
    without closing orders (settled at expiry); :data:`OPEN` for a spread still open;
    :data:`CLOSED` for closing orders without a reason tag.

    Parameters
    ----------
    spreads : pd.DataFrame
        One row per spread (:data:`SPREAD_COLUMNS`).
    orders : pd.DataFrame
        Nautilus' orders report with its ``tags`` column (lists, or their text from CSV).
    """
    closing: dict[str, str] = {}
    for value in orders.get("tags", ()):  # an empty report has no columns
        tags = _tags(value)
        spread_id = tag_value(tags, "spread")
        if spread_id is not None and tag_value(tags, "intent") == "close":
            reason = tag_value(tags, "reason")
            if reason is not None or spread_id not in closing:
                closing[spread_id] = reason or CLOSED
    reasons = [
        OPEN if is_open else closing.get(spread_id, EXPIRY)
        for spread_id, is_open in zip(
            spreads["spread_id"], spreads["is_open"].astype(bool), strict=True
        )
    ]
    return pd.Series(reasons, index=pd.Index(spreads["spread_id"], name="spread_id"), dtype=object)
