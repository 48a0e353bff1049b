"""Seeded fault injection: what goes wrong, how often, and the named profiles.

A :class:`FaultConfig` holds rates (probabilities per event, 0 to 1) and durations. The
simulator draws every decision from one ``random.Random(seed)``, so a given sequence of
requests meets the same faults on every run. Faults are set at start (``--faults PROFILE``
or :class:`~nautilus_options.simulator.SimulatorConfig`) or at run time through
``POST /admin/faults`` (guarded by the admin key).

Kinds, and where each one acts:

==========================  ==========================================================
``http_429``                any REST call answers Kite's 429 "Too many requests"
``http_5xx``                any REST call answers 503 ``NetworkException`` (OMS down)
``latency_ms``              every REST call waits ``uniform(0, latency_ms)`` first
``lost_response``           an order placement *is* executed, but its reply is held for
                            ``lost_response_hold_s`` (longer than a client timeout)
``drop_socket``             per ticker connection and second: the socket is closed
                            without a close handshake reason (code 1011)
``stall_socket``            per ticker connection and second: nothing (not even
                            heartbeats) is sent for ``stall_s`` seconds
``partial_fill``            a fill is cut to a random part of what the book offers
``exchange_reject``         an order that passed validation is REJECTED by the exchange
``duplicate_update``        an order update is sent twice on the ticker
``reorder_update``          an order update is held back and sent after the next one
==========================  ==========================================================

"Token expiry now" is an action, not a rate: ``POST /admin/expire_tokens``.

A profile spec is a name, optionally followed by ``key=value`` overrides:
``"flaky"``, ``"none,http_429=0.2,seed=3"``.
"""

from __future__ import annotations

import random
from dataclasses import asdict, dataclass, fields, replace
from typing import Any

from nautilus_options.errors import ConfigError


@dataclass(frozen=True)
class FaultConfig:
    """Fault rates (probabilities 0-1) and durations; all zero means a perfect broker."""

    seed: int = 0
    http_429: float = 0.0
    http_5xx: float = 0.0
    latency_ms: float = 0.0
    lost_response: float = 0.0
    lost_response_hold_s: float = 10.0
    drop_socket: float = 0.0
    stall_socket: float = 0.0
    stall_s: float = 5.0
    partial_fill: float = 0.0
    exchange_reject: float = 0.0
    duplicate_update: float = 0.0
    reorder_update: float = 0.0

    def __post_init__(self) -> None:
        for f in fields(self):
            value = getattr(self, f.name)
            if f.name == "seed":
                continue
            if not isinstance(value, int | float) or value < 0:
                raise ConfigError(f"faults.{f.name}", f"must be a number >= 0, got {value!r}")
            if f.name not in _DURATIONS and value > 1:
                raise ConfigError(f"faults.{f.name}", f"is a probability (0-1), got {value!r}")

    def to_dict(self) -> dict[str, Any]:
        """The fields as a JSON-ready dict."""
        return asdict(self)

    def updated(self, changes: dict[str, Any]) -> FaultConfig:
        """A copy with ``changes`` applied (unknown keys raise :class:`ConfigError`)."""
        known = {f.name: f.type for f in fields(self)}
        clean: dict[str, Any] = {}
        for key, value in changes.items():
            if key not in known:
                raise ConfigError(f"faults.{key}", f"unknown fault (known: {', '.join(known)})")
            try:
                clean[key] = int(value) if key == "seed" else float(value)
            except (TypeError, ValueError):
                raise ConfigError(f"faults.{key}", f"not a number: {value!r}") from None
        return replace(self, **clean)


_DURATIONS = frozenset({"latency_ms", "lost_response_hold_s", "stall_s"})

#: Named profiles for ``--faults``.
PROFILES: dict[str, FaultConfig] = {
    "none": FaultConfig(),
    "flaky": FaultConfig(
        http_429=0.02,
        http_5xx=0.01,
        latency_ms=150.0,
        lost_response=0.02,
        drop_socket=0.002,
        partial_fill=0.3,
        duplicate_update=0.05,
        reorder_update=0.05,
    ),
    "chaos": FaultConfig(
        http_429=0.1,
        http_5xx=0.05,
        latency_ms=500.0,
        lost_response=0.1,
        drop_socket=0.01,
        stall_socket=0.01,
        partial_fill=0.5,
        exchange_reject=0.05,
        duplicate_update=0.2,
        reorder_update=0.2,
    ),
}


def parse_profile(spec: str) -> FaultConfig:
    """A :class:`FaultConfig` from ``"name[,key=value...]"`` (see the module docstring)."""
    name, *overrides = [part.strip() for part in spec.split(",") if part.strip()] or ["none"]
    if "=" in name:
        overrides.insert(0, name)
        name = "none"
    if name not in PROFILES:
        raise ConfigError("faults", f"unknown profile {name!r} (known: {', '.join(PROFILES)})")
    changes: dict[str, Any] = {}
    for item in overrides:
        key, sep, value = item.partition("=")
        if not sep:
            raise ConfigError("faults", f"expected key=value, got {item!r}")
        changes[key.strip()] = value.strip()
    return PROFILES[name].updated(changes)


class FaultInjector:
    """Draws fault decisions from one seeded generator; the config can change at run time."""

    def __init__(self, config: FaultConfig) -> None:
        self.config = config
        self._rng = random.Random(config.seed)

    def configure(self, config: FaultConfig) -> None:
        """Replace the fault config and reseed the generator."""
        self.config = config
        self._rng = random.Random(config.seed)

    def happens(self, kind: str) -> bool:
        """Whether the fault ``kind`` (a rate field of :class:`FaultConfig`) fires this time."""
        rate = float(getattr(self.config, kind))
        return rate > 0 and self._rng.random() < rate

    def latency_s(self) -> float:
        """Seconds to delay this REST call."""
        ms = self.config.latency_ms
        return self._rng.uniform(0, ms) / 1000 if ms > 0 else 0.0

    def fraction(self) -> float:
        """A uniform draw in (0, 1) for sizing partial fills."""
        return self._rng.uniform(0.1, 0.9)
