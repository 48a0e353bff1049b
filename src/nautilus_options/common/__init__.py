"""Nautilus glue shared by the strategy and the monitor."""

from nautilus_options.common.session import SessionTimer

__all__ = ["SessionTimer"]
