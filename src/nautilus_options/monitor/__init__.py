"""Spread monitoring: the :class:`SpreadMonitor` actor and its :class:`SpreadSnapshot` data."""

from __future__ import annotations

from nautilus_options.monitor.actor import SpreadMonitor
from nautilus_options.monitor.config import SpreadMonitorConfig
from nautilus_options.monitor.snapshot import SpreadSnapshot, snapshots_frame

__all__ = ["SpreadMonitor", "SpreadMonitorConfig", "SpreadSnapshot", "snapshots_frame"]
