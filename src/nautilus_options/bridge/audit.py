"""The append-only audit log of operator actions (JSON lines, readable by its owner only).

One line per action: ``ts`` (UTC), ``subject`` (user or ``token:<id>``; the name tried for a
failed login), ``client`` (address), ``action`` (method and route), ``detail`` (what was
asked, secrets removed), ``result`` (``ok``/``refused``/``failed``) and ``status`` (HTTP).
The file is only ever appended to; lines are written whole under a lock.
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

__all__ = ["AUDIT_FILE", "AuditLog", "redact"]

#: Name of the audit log in the state directory.
AUDIT_FILE = "bridge-audit.jsonl"
_SECRET_WORDS = ("password", "token", "secret", "authorization", "key")


def redact(detail: Mapping[str, Any]) -> dict[str, Any]:
    """``detail`` without the values of secret-looking keys (kept as ``"***"``).

    >>> redact({"username": "ops", "password": "hunter22", "lots": 1})
    {'username': 'ops', 'password': '***', 'lots': 1}
    """
    out: dict[str, Any] = {}
    for key, value in detail.items():
        if key != "idempotency_key" and any(word in key.lower() for word in _SECRET_WORDS):
            out[key] = "***"
        elif isinstance(value, Mapping):
            out[key] = redact(value)
        else:
            out[key] = value
    return out


class AuditLog:
    """Append audit records to ``path`` (created 0600).

    Parameters
    ----------
    path : Path
        The JSONL file.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()

    def record(
        self,
        *,
        subject: str,
        client: str,
        action: str,
        result: str,
        status: int,
        detail: Mapping[str, Any] | None = None,
    ) -> dict[str, Any]:
        """Append one record; return it."""
        entry = {
            "ts": datetime.now(UTC).isoformat(timespec="milliseconds"),
            "subject": subject,
            "client": client,
            "action": action,
            "detail": redact(detail or {}),
            "result": result,
            "status": status,
        }
        line = json.dumps(entry, default=str) + "\n"
        with self._lock:
            self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            descriptor = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
            with os.fdopen(descriptor, "a", encoding="utf-8") as handle:
                handle.write(line)
        return entry

    def tail(self, limit: int) -> list[dict[str, Any]]:
        """The last ``limit`` records, oldest first."""
        if not self.path.exists():
            return []
        lines = self.path.read_text(encoding="utf-8").splitlines()[-limit:]
        return [json.loads(line) for line in lines if line.strip()]
