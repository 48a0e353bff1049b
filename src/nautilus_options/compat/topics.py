"""Message-bus topics of NautilusTrader 1.231's engines.

The execution engine publishes order, position and fill events on ``events.order.<strategy>``,
``events.position.<strategy>`` and ``events.fills.<instrument>``; the data engine publishes
quotes on ``data.quotes.<venue>.<symbol>``, trades on ``data.trades.<venue>.<symbol>`` and
custom data on ``data.<DataType.topic>``. Nautilus builds these strings inside its engines
and does not export them, so they are built here.
A wildcard (``*``) stands for every strategy or instrument.
"""

from __future__ import annotations

from nautilus_trader.model.data import DataType
from nautilus_trader.model.identifiers import InstrumentId


def order_events_topic(strategy_id: str = "*") -> str:
    """Topic of the order events of ``strategy_id`` (all strategies by default)."""
    return f"events.order.{strategy_id}"


def position_events_topic(strategy_id: str = "*") -> str:
    """Topic of the position events of ``strategy_id`` (all strategies by default)."""
    return f"events.position.{strategy_id}"


def fill_events_topic(instrument_id: str = "*") -> str:
    """Topic of the ``OrderFilled`` events of ``instrument_id`` (all instruments by default)."""
    return f"events.fills.{instrument_id}"


def quotes_topic(instrument_id: InstrumentId) -> str:
    """Topic the data engine publishes ``instrument_id``'s live quotes on."""
    return f"data.quotes.{instrument_id.venue}.{instrument_id.symbol}"


def trades_topic(instrument_id: InstrumentId) -> str:
    """Topic the data engine publishes ``instrument_id``'s live trades on."""
    return f"data.trades.{instrument_id.venue}.{instrument_id.symbol}"


def custom_data_topic(data_type: DataType) -> str:
    """Topic ``Actor.publish_data(data_type, ...)`` publishes on."""
    return f"data.{data_type.topic}"
