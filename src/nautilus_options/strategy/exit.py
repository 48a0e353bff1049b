"""Exit decisions for an open spread: stop, profit target, time and expiry exits.

:func:`exit_decision` is a pure function of plain values (per-unit prices, times in UNIX ns);
:class:`ExitManager` binds it to a strategy's configured rules.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import time
from enum import Enum

from nautilus_options.domain.time import NS_PER_MINUTE, ist_datetime
from nautilus_options.strategy.config import OptionsSpreadStrategyConfig


class ExitReason(Enum):
    """Why a spread is closed."""

    STOP_LOSS = "stop_loss"
    PROFIT_TARGET = "profit_target"
    TIME_EXIT = "time_exit"
    EXPIRY_EXIT = "expiry_exit"

    @property
    def urgent(self) -> bool:
        """Whether the close should cross the spread at once instead of working at mid."""
        return self in (ExitReason.STOP_LOSS, ExitReason.EXPIRY_EXIT)


@dataclass(frozen=True)
class ExitRules:
    """The exit rules as plain values (None disables a rule).

    Attributes
    ----------
    profit_target_pct : float | None
        Take profit at this percent of the maximum profit.
    stop_loss_credit_multiple : float | None
        Stop when the loss reaches this multiple of the credit (credit spreads only).
    stop_loss_max_loss_pct : float | None
        Stop when the loss reaches this percent of the maximum loss.
    exit_time : time | None
        Close at or after this IST time of day.
    exit_minutes_before_expiry : float | None
        Close when fewer minutes than this are left to expiry.
    """

    profit_target_pct: float | None = None
    stop_loss_credit_multiple: float | None = None
    stop_loss_max_loss_pct: float | None = None
    exit_time: time | None = None
    exit_minutes_before_expiry: float | None = None

    @classmethod
    def from_config(cls, config: OptionsSpreadStrategyConfig) -> ExitRules:
        """Build the rules from a strategy config."""
        return cls(
            profit_target_pct=config.profit_target_pct,
            stop_loss_credit_multiple=config.stop_loss_credit_multiple,
            stop_loss_max_loss_pct=config.stop_loss_max_loss_pct,
            exit_time=config.exit_clock,
            exit_minutes_before_expiry=config.exit_minutes_before_expiry,
        )


def open_pnl_per_unit(net_premium: float, close_value: float) -> float:
    """Open P&L per unit: ``close_value + net_premium``.

    Parameters
    ----------
    net_premium : float
        Entry premium per unit (credit > 0, debit < 0).
    close_value : float
        ``sum(ratio * leg_price)``: what the legs are worth now per unit (negative when
        closing costs money, as for a credit spread).
    """
    return close_value + net_premium


def exit_decision(
    rules: ExitRules,
    now_ns: int,
    expiry_ns: int,
    net_premium: float,
    close_value: float | None,
    max_profit: float,
    max_loss: float,
) -> ExitReason | None:
    """Decide whether an open spread must be closed now.

    Price rules (stop, then target) need ``close_value``; time rules do not. Thresholds are
    inclusive: a loss equal to the stop level stops, a profit equal to the target takes it.

    Parameters
    ----------
    rules : ExitRules
        The configured rules.
    now_ns, expiry_ns : int
        Current time and the legs' expiry, UNIX ns.
    net_premium : float
        Entry premium per unit (credit > 0).
    close_value : float | None
        ``sum(ratio * leg_mark)`` per unit, or None when the legs cannot be marked.
    max_profit, max_loss : float
        Per-unit maximum profit and loss (positive numbers) of the spread.

    Returns
    -------
    ExitReason | None
        The first rule that holds, or None to keep the spread.
    """
    if close_value is not None:
        pnl = open_pnl_per_unit(net_premium, close_value)
        if _stop_hit(rules, pnl, net_premium, max_loss):
            return ExitReason.STOP_LOSS
        target = rules.profit_target_pct
        if target is not None and math.isfinite(max_profit) and pnl >= target / 100 * max_profit:
            return ExitReason.PROFIT_TARGET
    minutes = rules.exit_minutes_before_expiry
    if minutes is not None and expiry_ns - now_ns <= minutes * NS_PER_MINUTE:
        return ExitReason.EXPIRY_EXIT
    if rules.exit_time is not None and ist_datetime(now_ns).time() >= rules.exit_time:
        return ExitReason.TIME_EXIT
    return None


def _stop_hit(rules: ExitRules, pnl: float, net_premium: float, max_loss: float) -> bool:
    loss = -pnl
    multiple = rules.stop_loss_credit_multiple
    if multiple is not None and net_premium > 0 and loss >= multiple * net_premium:
        return True
    pct = rules.stop_loss_max_loss_pct
    return pct is not None and math.isfinite(max_loss) and loss >= pct / 100 * max_loss


class ExitManager:
    """Exit rules of one strategy bound to :func:`exit_decision`.

    Parameters
    ----------
    rules : ExitRules
        The exit rules.
    """

    def __init__(self, rules: ExitRules) -> None:
        self.rules = rules

    @classmethod
    def from_config(cls, config: OptionsSpreadStrategyConfig) -> ExitManager:
        """Build a manager from a strategy config."""
        return cls(ExitRules.from_config(config))

    def check(
        self,
        now_ns: int,
        expiry_ns: int,
        net_premium: float,
        close_value: float | None,
        max_profit: float,
        max_loss: float,
    ) -> ExitReason | None:
        """Decide whether to close (see :func:`exit_decision`)."""
        return exit_decision(
            self.rules, now_ns, expiry_ns, net_premium, close_value, max_profit, max_loss
        )
