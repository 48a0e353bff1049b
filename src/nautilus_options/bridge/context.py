"""Everything a request handler needs, kept on ``app.state.bridge``."""

from __future__ import annotations

from dataclasses import dataclass, field

from nautilus_options.bridge.audit import AuditLog
from nautilus_options.bridge.idempotency import IdempotencyStore
from nautilus_options.bridge.node import NodeLink
from nautilus_options.bridge.security.authenticator import Authenticator
from nautilus_options.bridge.settings import BridgeSettings
from nautilus_options.bridge.stream import EventHub

__all__ = ["BridgeContext"]


@dataclass
class BridgeContext:
    """The bridge's settings, security, audit log and (when attached) the node and the
    stream's hub."""

    settings: BridgeSettings
    auth: Authenticator
    audit: AuditLog
    node: NodeLink | None = None
    hub: EventHub | None = None
    submissions: IdempotencyStore = field(default_factory=IdempotencyStore)
    """Manual submissions by idempotency key."""
