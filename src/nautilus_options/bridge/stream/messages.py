"""The WebSocket protocol's messages, close codes and topics (pydantic, so they are documented
and exported into the OpenAPI components the TypeScript client is generated from).

Every text frame the server sends is a JSON **array** of one or more server messages, in order.
Each frame the client sends is one client message (a JSON object).
"""

from __future__ import annotations

from enum import IntEnum
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr

__all__ = [
    "QUOTES",
    "TOPICS",
    "AuthMessage",
    "ClientMessage",
    "CloseCode",
    "ErrorMessage",
    "EventMessage",
    "HeartbeatMessage",
    "HelloMessage",
    "ResumePoint",
    "ResumedMessage",
    "ServerMessage",
    "SnapshotMessage",
    "SnapshotReason",
    "SubscribeMessage",
    "SubscribedMessage",
    "Topic",
    "UnsubscribeMessage",
]

Topic = Literal["orders", "fills", "positions", "spreads", "capital", "status", "logs", "quotes"]
#: Every topic, in the order the docs list them.
TOPICS: tuple[Topic, ...] = (
    "orders",
    "fills",
    "positions",
    "spreads",
    "capital",
    "status",
    "logs",
    "quotes",
)
#: The coalesced topic: the latest quote per instrument per flush interval, never replayed.
QUOTES: Topic = "quotes"
#: The audit records' topic: sent to admin principals only.
LOGS: Topic = "logs"

SnapshotReason = Literal["new", "epoch_changed", "too_old", "unknown_seq", "subscribed"]


class CloseCode(IntEnum):
    """Close codes the server uses; the close reason says why in words."""

    NORMAL = 1000
    GOING_AWAY = 1001
    INTERNAL_ERROR = 1011
    TRY_AGAIN_LATER = 1013
    BAD_REQUEST = 4400
    UNAUTHORIZED = 4401
    FORBIDDEN = 4403
    AUTH_TIMEOUT = 4408
    SLOW_CONSUMER = 4429


class _Message(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_serialization_defaults_required=True)


# ------------------------------------------------------------------------ client -> server
class AuthMessage(_Message):
    """First message of every connection: a bearer token with the ``read`` scope."""

    type: Literal["auth"]
    token: SecretStr


class ResumePoint(_Message):
    """Where a client left off: the epoch and the last sequence number it processed."""

    epoch: str
    seq: Annotated[int, Field(ge=0)]


class SubscribeMessage(_Message):
    """Add topics and quote instruments.

    The first ``subscribe`` of a connection starts the stream: with ``resume`` the missed
    events are replayed (``resumed``), or a ``snapshot`` says why they cannot be; without it a
    ``snapshot`` (reason ``new``) comes first. A later ``subscribe`` sends a snapshot of the
    topics it adds (reason ``subscribed``); its ``resume`` is ignored.
    """

    type: Literal["subscribe"]
    topics: list[Topic] = Field(default_factory=list)
    instruments: list[str] = Field(default_factory=list)
    resume: ResumePoint | None = None


class UnsubscribeMessage(_Message):
    """Drop topics and quote instruments."""

    type: Literal["unsubscribe"]
    topics: list[Topic] = Field(default_factory=list)
    instruments: list[str] = Field(default_factory=list)


ClientMessage = Annotated[
    AuthMessage | SubscribeMessage | UnsubscribeMessage, Field(discriminator="type")
]


# ------------------------------------------------------------------------ server -> client
class HelloMessage(_Message):
    """Sent once the token is accepted."""

    type: Literal["hello"] = "hello"
    epoch: str = Field(description="The node instance; a new epoch means the sequence restarted.")
    seq: int = Field(description="The last sequence number published so far.")
    heartbeat_s: float
    ring_size: int = Field(description="How many events the server keeps for resuming.")
    max_queue: int = Field(description="Messages queued for this socket before it is closed.")
    topics: list[Topic]
    subject: str


class EventMessage(_Message):
    """One event. ``seq`` increases by one per event across all topics of an epoch.

    Quotes (topic ``quotes``) are coalesced and never replayed: their ``seq`` is the stream
    position they were sent at (every event up to it was sent before them).
    """

    type: Literal["event"] = "event"
    topic: Topic
    seq: int
    epoch: str
    ts: float = Field(description="Publication time, milliseconds since the Unix epoch.")
    data: dict[str, Any]


class SnapshotMessage(_Message):
    """State of ``topics`` as of ``seq``; events after ``seq`` follow (applying an event the
    snapshot already reflects must be harmless: events carry full records)."""

    type: Literal["snapshot"] = "snapshot"
    reason: SnapshotReason
    epoch: str
    seq: int
    topics: list[Topic]
    data: dict[str, Any]


class ResumedMessage(_Message):
    """The resume succeeded: the events after ``from_seq`` up to ``seq`` follow."""

    type: Literal["resumed"] = "resumed"
    epoch: str
    from_seq: int
    seq: int
    replayed: int = Field(description="How many events follow (those of the socket's topics).")


class SubscribedMessage(_Message):
    """The connection's topics and quote instruments after a (un)subscribe."""

    type: Literal["subscribed"] = "subscribed"
    topics: list[Topic]
    instruments: list[str]


class HeartbeatMessage(_Message):
    """Sent every ``heartbeat_s`` seconds, busy or idle."""

    type: Literal["heartbeat"] = "heartbeat"
    epoch: str
    seq: int
    ts: float


class ErrorMessage(_Message):
    """A client message was refused; the connection stays open."""

    type: Literal["error"] = "error"
    message: str


ServerMessage = Annotated[
    HelloMessage
    | EventMessage
    | SnapshotMessage
    | ResumedMessage
    | SubscribedMessage
    | HeartbeatMessage
    | ErrorMessage,
    Field(discriminator="type"),
]
