"""The bridge's event stream: ``/api/v1/ws``, sequenced, resumable and bounded.

Contract:

* **Auth.** The first client message is ``{"type": "auth", "token": "<bearer>"}``, within
  10 s; the token needs the ``read`` scope. Tokens never travel in the URL (which proxies and
  access logs record) and are never logged.
* **Frames.** Every server frame is a JSON array of messages (``hello``, ``subscribed``,
  ``snapshot``, ``resumed``, ``event``, ``heartbeat``, ``error``); a client frame is one message
  (``auth``, ``subscribe``, ``unsubscribe``).
* **Sequence.** Every event carries ``epoch`` (the node instance) and ``seq`` (one more per
  event, across topics). The first ``subscribe`` may carry ``resume: {epoch, seq}``: the missed
  events come from a bounded ring after a ``resumed`` message, or, when that is impossible
  (another epoch, a sequence older than the ring), a ``snapshot`` says why.
* **Quotes** are coalesced (latest per instrument per flush interval) and never replayed.
* **Heartbeats** every ``heartbeat_s`` seconds carry the epoch and the last ``seq``.
* **Back-pressure.** Each socket has a bounded queue; a socket that lets it overflow, or whose
  frame takes too long to write, is closed with code 4429 and a reason. Publishing never waits;
  if the serving loop falls more than the ring behind, every socket is closed with 1013 and its
  client resumes.

:class:`EventHub` is what the node side publishes into; :func:`stream_router` serves it.
"""

from nautilus_options.bridge.stream.hub import EventHub, SnapshotProvider
from nautilus_options.bridge.stream.messages import TOPICS, CloseCode
from nautilus_options.bridge.stream.router import WS_PATH, stream_router
from nautilus_options.bridge.stream.schema import add_stream_schemas

__all__ = [
    "TOPICS",
    "WS_PATH",
    "CloseCode",
    "EventHub",
    "SnapshotProvider",
    "add_stream_schemas",
    "stream_router",
]
