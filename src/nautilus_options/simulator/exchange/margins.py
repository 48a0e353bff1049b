"""Margin approximation: moved to :mod:`nautilus_options.domain.margins` (shared with backtests)."""

from nautilus_options.domain.margins import (
    DEFAULT_VOL,
    EXPOSURE_RATE,
    EXTREME_WEIGHT,
    PRICE_SCAN,
    RATE,
    VOL_SCAN,
    Leg,
    Margin,
    order_premium,
    portfolio_margin,
    scan_risk,
    scenarios,
)

__all__ = [
    "DEFAULT_VOL",
    "EXPOSURE_RATE",
    "EXTREME_WEIGHT",
    "PRICE_SCAN",
    "RATE",
    "VOL_SCAN",
    "Leg",
    "Margin",
    "order_premium",
    "portfolio_margin",
    "scan_risk",
    "scenarios",
]
