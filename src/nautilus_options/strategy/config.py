"""Configuration of :class:`~nautilus_options.strategy.strategy.OptionsSpreadStrategy`."""

from __future__ import annotations

import re
from datetime import time

from nautilus_trader.trading.config import StrategyConfig

from nautilus_options.domain.spreads import SpreadType
from nautilus_options.errors import ConfigError
from nautilus_options.portfolio.settlement import DEFAULT_SETTLEMENT_RECOGNIZERS

SPREAD_TYPES: tuple[str, ...] = tuple(member.name.lower() for member in SpreadType)
"""Accepted ``spread_type`` values: lower-case names of :class:`SpreadType` members."""

STRIKE_RULES: tuple[str, ...] = ("delta", "points", "percent", "premium")
"""Accepted ``strike_rule`` values."""

EXPIRY_RULES: tuple[str, ...] = ("weekly", "monthly")
"""Accepted ``expiry_rule`` values."""

MARK_SIDES: tuple[str, ...] = ("mid", "conservative")
"""Accepted ``mark_side`` values."""

_WINDOW = re.compile(r"^(\d{2}):(\d{2})-(\d{2}):(\d{2})$")
_CLOCK = re.compile(r"^(\d{2}):(\d{2})$")


def parse_ist_time(value: str, field: str) -> time:
    """Parse ``"HH:MM"`` (IST wall-clock) into a :class:`datetime.time`.

    Raises
    ------
    ConfigError
        If ``value`` is not a valid ``HH:MM`` time; the error names ``field``.
    """
    match = _CLOCK.match(value)
    if match is None:
        raise ConfigError(field, f"expected 'HH:MM', got {value!r}")
    hour, minute = int(match.group(1)), int(match.group(2))
    if hour > 23 or minute > 59:
        raise ConfigError(field, f"not a valid time of day: {value!r}")
    return time(hour, minute)


def parse_window(value: str, field: str = "entry_windows") -> tuple[time, time]:
    """Parse an IST window ``"HH:MM-HH:MM"`` into ``(start, end)`` with ``start < end``.

    Raises
    ------
    ConfigError
        If the window is malformed or empty; the error names ``field``.
    """
    match = _WINDOW.match(value)
    if match is None:
        raise ConfigError(field, f"expected 'HH:MM-HH:MM', got {value!r}")
    start = parse_ist_time(f"{match.group(1)}:{match.group(2)}", field)
    end = parse_ist_time(f"{match.group(3)}:{match.group(4)}", field)
    if end <= start:
        raise ConfigError(field, f"window end must be after its start: {value!r}")
    return start, end


class OptionsSpreadStrategyConfig(StrategyConfig, kw_only=True, frozen=True):
    """Configuration for :class:`~nautilus_options.strategy.strategy.OptionsSpreadStrategy`.

    Times are IST wall-clock strings (``"HH:MM"``); prices and widths are index points.

    Parameters
    ----------
    underlying : str, default "NIFTY"
        The index whose options are traded (``NIFTY``, ``BANKNIFTY``).
    venue : str, default "NFO"
        Venue of the option contracts (ids ``<tradingsymbol>.NFO``).
    index_venue : str, default "NSE"
        Venue of the index instrument used as spot (``NIFTY.NSE``).
    spread_type : str, default "iron_condor"
        One of ``bull_put_credit``, ``bear_call_credit``, ``iron_condor``, ``iron_butterfly``,
        ``bull_call_debit``, ``bear_put_debit``.
    strike_rule : str, default "delta"
        How the short strike(s) are chosen (the long strike of a debit spread):
        ``delta`` (target absolute Black-76 delta), ``points`` (distance from the forward),
        ``percent`` (distance from the forward, in percent of it) or ``premium`` (target mid).
    strike_value : float, default 0.16
        The target for ``strike_rule``: a delta in (0, 1), points >= 0, percent >= 0, or a
        premium > 0. ``iron_butterfly`` always sells the at-the-money strike.
    wing_width : float, default 200.0
        Distance in points between the short and long strike of each vertical.
    expiry_rule : str, default "weekly"
        ``weekly`` (nearest expiry) or ``monthly`` (nearest monthly expiry).
    min_days_to_expiry : int, default 2
        Skip expiries with fewer calendar days (fractional, to 15:30 IST) left than this: the
        default never opens a weekly on its expiry day or the day before.
    entry_windows : tuple[str, ...], default ("09:30-14:30",)
        IST windows ``"HH:MM-HH:MM"`` (start inclusive, end exclusive) in which entries may
        start.
    entry_weekdays : tuple[int, ...], default (0, 1, 2, 3, 4)
        Weekdays (Monday = 0) on which entries may start.
    max_concurrent_spreads : int, default 1
        Maximum number of spreads open or being opened at once.
    max_entries_per_day : int, default 1
        Maximum number of entries started per IST trading day.
    reentry_cooldown_minutes : float, default 30.0
        Minimum time between the last spread exit and the next entry.
    profit_target_pct : float, optional, default 50.0
        Close when the open P&L reaches this percent of the maximum profit.
    stop_loss_credit_multiple : float, optional, default 2.0
        Credit spreads: close when the loss reaches this multiple of the credit received.
    stop_loss_max_loss_pct : float, optional
        Close when the loss reaches this percent of the maximum loss.
    exit_time : str, optional
        Close every open spread at or after this IST time each day (intraday mode).
    exit_minutes_before_expiry : float, optional, default 30.0
        Close when fewer than this many minutes are left to expiry (by default at 15:00 IST
        on expiry day, before the index's closing-price window).
    hold_to_expiry : bool, default False
        Keep spreads to expiry (settled at intrinsic value); requires ``exit_time`` and
        ``exit_minutes_before_expiry`` to be None. Profit target and stop still apply.
    mark_side : str, default "mid"
        How exits mark legs: ``mid`` or ``conservative`` (price at which legs can be closed).
    exit_check_interval_secs : int, default 60
        Interval of the timer that looks for entries and re-evaluates exits (exits are also
        checked after every quote of a held leg); it ticks only in NSE sessions.
    reprice_steps : int, default 3
        Limit orders start at mid and move towards the far touch this many times.
    reprice_interval_secs : float, default 5.0
        Time between re-pricing steps.
    market_protection_pct : float, default 2.0
        After the last step the order becomes a marketable limit this percent through the far
        touch (Kite's ``market_protection``); recorded in the order tags.
    leg_timeout_secs : float, default 60.0
        A leg still unfilled after this long is cancelled and the spread entry unwound.
    lots : int, default 1
        Lots per spread when ``capital_manager`` is off.
    max_lots : int, optional
        Cap on lots per spread (also sent to the capital manager).
    capital_manager : bool, default True
        Size with the :class:`~nautilus_options.capital.CapitalManager` over the message bus.
    risk_free_rate : float, default 0.065
        Continuously compounded rate used by Black-76.
    oms_type : str, default "HEDGING"
        Must be ``HEDGING``: every leg has its own position ``{spread_id}-L{i}``.
    settlement_recognizers : tuple of str, default the backtest venue's
        Import paths of the callables that recognise the venues' expiry settlement fills (see
        :mod:`nautilus_options.portfolio.settlement`).
    """

    underlying: str = "NIFTY"
    venue: str = "NFO"
    index_venue: str = "NSE"
    spread_type: str = "iron_condor"
    strike_rule: str = "delta"
    strike_value: float = 0.16
    wing_width: float = 200.0
    expiry_rule: str = "weekly"
    min_days_to_expiry: int = 2
    entry_windows: tuple[str, ...] = ("09:30-14:30",)
    entry_weekdays: tuple[int, ...] = (0, 1, 2, 3, 4)
    max_concurrent_spreads: int = 1
    max_entries_per_day: int = 1
    reentry_cooldown_minutes: float = 30.0
    profit_target_pct: float | None = 50.0
    stop_loss_credit_multiple: float | None = 2.0
    stop_loss_max_loss_pct: float | None = None
    exit_time: str | None = None
    exit_minutes_before_expiry: float | None = 30.0
    hold_to_expiry: bool = False
    mark_side: str = "mid"
    exit_check_interval_secs: int = 60
    reprice_steps: int = 3
    reprice_interval_secs: float = 5.0
    market_protection_pct: float = 2.0
    leg_timeout_secs: float = 60.0
    lots: int = 1
    max_lots: int | None = None
    capital_manager: bool = True
    risk_free_rate: float = 0.065
    oms_type: str | None = "HEDGING"
    settlement_recognizers: tuple[str, ...] = DEFAULT_SETTLEMENT_RECOGNIZERS

    def __post_init__(self) -> None:
        if not self.underlying:
            raise ConfigError("underlying", "must not be empty")
        if not self.venue:
            raise ConfigError("venue", "must not be empty")
        if not self.index_venue:
            raise ConfigError("index_venue", "must not be empty")
        _check_choice("spread_type", self.spread_type, SPREAD_TYPES)
        _check_choice("strike_rule", self.strike_rule, STRIKE_RULES)
        _check_strike_value(self.strike_rule, self.strike_value)
        _check_positive("wing_width", self.wing_width)
        _check_choice("expiry_rule", self.expiry_rule, EXPIRY_RULES)
        _check_non_negative("min_days_to_expiry", self.min_days_to_expiry)
        if not self.entry_windows:
            raise ConfigError("entry_windows", "at least one window is required")
        for window in self.entry_windows:
            parse_window(window)
        if not self.entry_weekdays or any(d not in range(7) for d in self.entry_weekdays):
            raise ConfigError("entry_weekdays", "expected weekdays 0 (Monday) to 6 (Sunday)")
        _check_positive("max_concurrent_spreads", self.max_concurrent_spreads)
        _check_positive("max_entries_per_day", self.max_entries_per_day)
        _check_non_negative("reentry_cooldown_minutes", self.reentry_cooldown_minutes)
        _check_optional_positive("profit_target_pct", self.profit_target_pct)
        if self.profit_target_pct is not None and self.profit_target_pct > 100:
            raise ConfigError("profit_target_pct", "cannot exceed 100 (% of max profit)")
        _check_optional_positive("stop_loss_credit_multiple", self.stop_loss_credit_multiple)
        _check_optional_positive("stop_loss_max_loss_pct", self.stop_loss_max_loss_pct)
        if self.stop_loss_max_loss_pct is not None and self.stop_loss_max_loss_pct > 100:
            raise ConfigError("stop_loss_max_loss_pct", "cannot exceed 100 (% of max loss)")
        if self.exit_time is not None:
            parse_ist_time(self.exit_time, "exit_time")
        _check_optional_positive("exit_minutes_before_expiry", self.exit_minutes_before_expiry)
        if self.hold_to_expiry and self.exit_time is not None:
            raise ConfigError("exit_time", "must be None when hold_to_expiry is set")
        if self.hold_to_expiry and self.exit_minutes_before_expiry is not None:
            raise ConfigError(
                "exit_minutes_before_expiry", "must be None (default 30) with hold_to_expiry"
            )
        _check_choice("mark_side", self.mark_side, MARK_SIDES)
        _check_positive("exit_check_interval_secs", self.exit_check_interval_secs)
        _check_non_negative("reprice_steps", self.reprice_steps)
        _check_positive("reprice_interval_secs", self.reprice_interval_secs)
        _check_non_negative("market_protection_pct", self.market_protection_pct)
        _check_positive("leg_timeout_secs", self.leg_timeout_secs)
        _check_positive("lots", self.lots)
        _check_optional_positive("max_lots", self.max_lots)
        if not 0 <= self.risk_free_rate < 1:
            raise ConfigError("risk_free_rate", "expected a rate in [0, 1)")
        if self.oms_type != "HEDGING":
            raise ConfigError("oms_type", "must be 'HEDGING' (one position per spread leg)")

    @property
    def spread(self) -> SpreadType:
        """The configured :class:`SpreadType`."""
        return SpreadType[self.spread_type.upper()]

    @property
    def is_credit(self) -> bool:
        """Whether the configured spread collects a net credit."""
        return self.spread.is_credit


def _check_choice(field: str, value: str, choices: tuple[str, ...]) -> None:
    if value not in choices:
        raise ConfigError(field, f"expected one of {', '.join(choices)}; got {value!r}")


def _check_positive(field: str, value: float) -> None:
    if not value > 0:
        raise ConfigError(field, f"must be > 0, got {value!r}")


def _check_non_negative(field: str, value: float) -> None:
    if not value >= 0:
        raise ConfigError(field, f"must be >= 0, got {value!r}")


def _check_optional_positive(field: str, value: float | None) -> None:
    if value is not None:
        _check_positive(field, value)


def _check_strike_value(rule: str, value: float) -> None:
    if rule == "delta" and not 0 < value < 1:
        raise ConfigError("strike_value", f"a target delta must be in (0, 1), got {value!r}")
    if rule in ("points", "percent"):
        _check_non_negative("strike_value", value)
    if rule == "premium":
        _check_positive("strike_value", value)
