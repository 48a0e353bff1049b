"""Configuration of the :class:`~nautilus_options.capital.manager.CapitalManager`."""

from __future__ import annotations

from nautilus_trader.config import ActorConfig
from nautilus_trader.model.objects import Currency

from nautilus_options.common.config import Percent, PositiveFloat, PositiveInt, check_fields
from nautilus_options.errors import ConfigError
from nautilus_options.portfolio.settlement import DEFAULT_SETTLEMENT_RECOGNIZERS


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
    max_history : int, optional, default 10_000
        Latest ``CapitalUpdated`` events kept in :attr:`CapitalManager.history` (``>= 1``);
        all when None. The full history is what a
        :class:`~nautilus_options.environments.recorder.RunRecorder` records.
    """

    initial_capital: PositiveFloat
    risk_per_trade_pct: Percent = 2.0
    max_deployment_pct: Percent = 50.0
    compounding: bool = True
    max_drawdown_pct: Percent | None = None
    max_lots: PositiveInt | None = None
    currency: str = "INR"
    settlement_recognizers: tuple[str, ...] = DEFAULT_SETTLEMENT_RECOGNIZERS
    max_history: PositiveInt | None = 10_000

    def __post_init__(self) -> None:
        check_fields(self)
        if Currency.from_str(self.currency, strict=True) is None:
            raise ConfigError("currency", f"unknown currency code {self.currency!r}")
