"""Configuration of the :class:`~nautilus_options.capital.manager.CapitalManager`."""

from __future__ import annotations

import math

from nautilus_trader.config import ActorConfig
from nautilus_trader.model.objects import Currency

from nautilus_options.errors import ConfigError
from nautilus_options.portfolio.settlement import DEFAULT_SETTLEMENT_RECOGNIZERS


def _require_number(field: str, value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ConfigError(field, f"must be a number, was {value!r}")
    number = float(value)
    if not math.isfinite(number):
        raise ConfigError(field, f"must be finite, was {value!r}")
    return number


def _require_pct(field: str, value: object) -> None:
    if not 0.0 < _require_number(field, value) <= 100.0:
        raise ConfigError(field, f"must be in (0, 100], was {value!r}")


class CapitalManagerConfig(ActorConfig, kw_only=True, frozen=True):
    """Configuration of the capital manager.

    Parameters
    ----------
    initial_capital : float
        Trading capital at the start, in ``currency``; must be positive.
    risk_per_trade_pct : float, default 2.0
        Largest share of the sizing capital one trade may lose, in percent (0, 100].
    max_deployment_pct : float, default 50.0
        Largest share of the sizing capital all open trades together may block, in percent
        (0, 100].
    compounding : bool, default True
        Size on the current capital (``True``) or always on ``initial_capital`` (``False``).
        Reported capital follows realized P&L either way.
    max_drawdown_pct : float, optional
        Halt new trades once capital falls more than this percentage (0, 100] below its peak.
        ``None`` (default) never halts.
    max_lots : int, optional
        Fixed cap on lots granted to one request (``>= 1``); ``None`` (default) for no cap.
    currency : str, default "INR"
        ISO code of the capital currency. Only P&L and commissions in this currency count.
    settlement_recognizers : tuple of str, default the backtest venue's
        Import paths of the callables that recognise the venues' expiry settlement fills (see
        :mod:`nautilus_options.portfolio.settlement`).
    """

    initial_capital: float
    risk_per_trade_pct: float = 2.0
    max_deployment_pct: float = 50.0
    compounding: bool = True
    max_drawdown_pct: float | None = None
    max_lots: int | None = None
    currency: str = "INR"
    settlement_recognizers: tuple[str, ...] = DEFAULT_SETTLEMENT_RECOGNIZERS

    def __post_init__(self) -> None:
        if _require_number("initial_capital", self.initial_capital) <= 0.0:
            raise ConfigError("initial_capital", f"must be positive, was {self.initial_capital!r}")
        _require_pct("risk_per_trade_pct", self.risk_per_trade_pct)
        _require_pct("max_deployment_pct", self.max_deployment_pct)
        if not isinstance(self.compounding, bool):
            raise ConfigError("compounding", f"must be true or false, was {self.compounding!r}")
        if self.max_drawdown_pct is not None:
            _require_pct("max_drawdown_pct", self.max_drawdown_pct)
        if self.max_lots is not None and (
            isinstance(self.max_lots, bool)
            or not isinstance(self.max_lots, int)
            or self.max_lots < 1
        ):
            raise ConfigError(
                "max_lots", f"must be a whole number >= 1 or null, was {self.max_lots!r}"
            )
        if (
            not isinstance(self.currency, str)
            or Currency.from_str(self.currency, strict=True) is None
        ):
            raise ConfigError("currency", f"unknown currency code {self.currency!r}")
