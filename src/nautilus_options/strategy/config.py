"""Configuration of :class:`~nautilus_options.strategy.strategy.OptionsSpreadStrategy`."""

from __future__ import annotations

import re
from datetime import time
from typing import Annotated, Literal

import msgspec
from nautilus_trader.trading.config import StrategyConfig

from nautilus_options.common.config import (
    NonEmptyStr,
    NonNegativeFloat,
    NonNegativeInt,
    Percent,
    PositiveFloat,
    PositiveInt,
    Rate,
    Underlying,
    check_fields,
)
from nautilus_options.common.session import SessionKind
from nautilus_options.domain.nse import CONTRACT_SPECS, SESSION_CLOSE, SESSION_OPEN
from nautilus_options.domain.spreads import SpreadType
from nautilus_options.errors import ConfigError
from nautilus_options.portfolio.settlement import DEFAULT_SETTLEMENT_RECOGNIZERS
from nautilus_options.strategy.selection import ExpiryKind, StrikeRule

SpreadTypeName = Literal[
    "bull_put_credit",
    "bear_call_credit",
    "iron_condor",
    "iron_butterfly",
    "bull_call_debit",
    "bear_put_debit",
]
"""Accepted ``spread_type`` values: lower-case names of :class:`SpreadType` members."""

MarkSide = Literal["mid", "conservative"]
"""Accepted ``mark_side`` values."""

_HH_MM = r"([01]\d|2[0-3]):([0-5]\d)"
_CLOCK = re.compile(f"^{_HH_MM}$")
_WINDOW = re.compile(f"^{_HH_MM}-{_HH_MM}$")
_SESSION = f"{SESSION_OPEN:%H:%M}-{SESSION_CLOSE:%H:%M} IST"

#: An IST wall-clock time ``"HH:MM"`` (the hours and minutes are checked by
#: :func:`parse_ist_time`).
ClockTime = Annotated[str, msgspec.Meta(pattern=r"^\d\d:\d\d$")]
#: An IST window ``"HH:MM-HH:MM"``, start inclusive, end exclusive (checked by
#: :func:`parse_window`).
Window = Annotated[str, msgspec.Meta(pattern=r"^\d\d:\d\d-\d\d:\d\d$")]
#: A weekday, Monday = 0 to Sunday = 6.
Weekday = Annotated[int, msgspec.Meta(ge=0, le=6)]


def parse_ist_time(value: str, field: str = "exit_time") -> time:
    """Parse ``"HH:MM"`` (IST wall-clock) into a :class:`datetime.time`.

    Raises
    ------
    ConfigError
        If ``value`` is not a time of day ``HH:MM``; the error names ``field``.
    """
    match = _CLOCK.match(value)
    if match is None:
        raise ConfigError(field, f"expected a time of day 'HH:MM', got {value!r}")
    return time(int(match[1]), int(match[2]))


def parse_window(value: str, field: str = "entry_windows") -> tuple[time, time]:
    """Parse an IST window ``"HH:MM-HH:MM"`` into ``(start, end)`` with ``start < end``.

    Raises
    ------
    ConfigError
        If the window is malformed or empty; the error names ``field``.
    """
    match = _WINDOW.match(value)
    if match is None:
        raise ConfigError(field, f"expected a window 'HH:MM-HH:MM' of times of day, got {value!r}")
    start, end = time(int(match[1]), int(match[2])), time(int(match[3]), int(match[4]))
    if end <= start:
        raise ConfigError(field, f"window end must be after its start: {value!r}")
    return start, end


class OptionsSpreadStrategyConfig(StrategyConfig, kw_only=True, frozen=True):
    """Configuration for :class:`~nautilus_options.strategy.strategy.OptionsSpreadStrategy`.

    Times are IST wall-clock strings (``"HH:MM"``); prices and widths are index points.
    Limits are declared on the field types and checked on construction and decoding alike
    (:mod:`nautilus_options.common.config`); a bad value raises
    :class:`~nautilus_options.errors.ConfigError` naming the field. Numbers must be finite.

    Parameters
    ----------
    underlying : {"NIFTY", "BANKNIFTY"}, default "NIFTY"
        The index whose options are traded.
    venue : str, default "NFO"
        Venue of the option contracts (ids ``<tradingsymbol>.NFO``).
    index_venue : str, default "NSE"
        Venue of the index instrument used as spot (``NIFTY.NSE``).
    spread_type : SpreadTypeName, default "iron_condor"
        One of ``bull_put_credit``, ``bear_call_credit``, ``iron_condor``, ``iron_butterfly``,
        ``bull_call_debit``, ``bear_put_debit``.
    strike_rule : {"delta", "points", "percent", "premium"}, default "delta"
        How the short strike(s) are chosen (the long strike of a debit spread):
        ``delta`` (target absolute Black-76 delta), ``points`` (distance from the forward),
        ``percent`` (distance from the forward, in percent of it) or ``premium`` (target mid).
    strike_value : float, default 0.16
        The target for ``strike_rule``: a delta in (0, 1), points >= 0, percent >= 0, or a
        premium > 0. ``iron_butterfly`` always sells the at-the-money strike.
    wing_width : float, default 200.0
        Distance in points between the short and long strike of each vertical: a multiple
        of the underlying's strike step (50 for NIFTY, 100 for BANKNIFTY).
    expiry_rule : {"weekly", "monthly"}, default "weekly"
        ``weekly`` (nearest expiry) or ``monthly`` (nearest monthly expiry).
    min_days_to_expiry : int, default 2
        Skip expiries with fewer calendar days (fractional, to 15:30 IST) left than this: the
        default never opens a weekly on its expiry day or the day before.
    entry_windows : tuple[str, ...], default ("09:30-14:30",)
        IST windows ``"HH:MM-HH:MM"`` (start inclusive, end exclusive) in which entries may
        start. Each must overlap the NSE session (09:15-15:30); only the overlap matters.
    entry_weekdays : tuple[int, ...], default (0, 1, 2, 3, 4)
        Weekdays (Monday = 0 to Sunday = 6) on which entries may start; at least one of
        Monday to Friday.
    max_concurrent_spreads : int, default 1
        Maximum number of spreads open or being opened at once.
    max_entries_per_day : int, default 1
        Maximum number of entries started per IST trading day.
    reentry_cooldown_minutes : float, default 30.0
        Minimum time between the last spread exit and the next entry.
    profit_target_pct : float, optional, default 50.0
        Close when the open P&L reaches this percent (0, 100] of the maximum profit.
    stop_loss_credit_multiple : float, optional, default 2.0
        Credit spreads: close when the loss reaches this multiple of the credit received.
    stop_loss_max_loss_pct : float, optional
        Close when the loss reaches this percent (0, 100] of the maximum loss.
    exit_time : str, optional
        Close every open spread at or after this IST time each day (intraday mode).
    exit_minutes_before_expiry : float, optional, default 30.0
        Close when fewer than this many minutes are left to expiry (by default at 15:00 IST
        on expiry day, before the index's closing-price window).
    hold_to_expiry : bool, default False
        Keep spreads to expiry (settled at intrinsic value); requires ``exit_time`` and
        ``exit_minutes_before_expiry`` to be None. Profit target and stop still apply.
    mark_side : {"mid", "conservative"}, default "mid"
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
    max_quote_age_secs : float, default 120.0
        Age (> 0, seconds) of the index's last trade beyond which the feed counts as stopped
        (a day without data, a dropped connection): the strategy then neither enters
        (``stale_quotes``) nor exits by its profit target, stop or time rules. Settlement at
        expiry by the venue is unaffected.
    lots : int, default 1
        Lots per spread when ``capital_manager`` is off.
    max_lots : int, optional
        Cap on lots per spread (also sent to the capital manager).
    sizing_slippage_ticks : int, default 5
        Slippage buffer of the risk per lot sent to the capital manager: each leg may fill
        this many price ticks (0.05) worse than its mid. One lot reserves the max loss at
        those prices plus the round-trip charges of every leg
        (:func:`~nautilus_options.domain.sizing.spread_lot_risk`), so the risk-% cap holds at
        the fills. 0 sizes at the mids (charges are still included).
    margin_source : {"model", "venue", "off"}, default "model"
        How lots are capped by margin before sizing (:mod:`nautilus_options.strategy.margin`):
        ``model`` by the documented SPAN-plus-exposure approximation against the venue
        account's free balance (backtests), ``venue`` by the broker's basket margins over the
        message bus (paper and live), ``off`` not at all.
    capital_manager : bool, default True
        Size with the :class:`~nautilus_options.capital.CapitalManager` over the message bus.
    risk_free_rate : float, default 0.065
        Continuously compounded rate in [0, 1) used by Black-76.
    oms_type : {"HEDGING"}, default "HEDGING"
        Must be ``HEDGING``: every leg has its own position ``{spread_id}-L{i}``.
    settlement_recognizers : tuple of str, default the backtest venue's
        Import paths of the callables that recognise the venues' expiry settlement fills (see
        :mod:`nautilus_options.portfolio.settlement`).
    session : {"nse", "always"}, default "nse"
        Market hours of the check timer and the entry rules: the NSE calendar (backtest,
        live), or ``always`` open (against a simulator in its ``always`` session: the timer
        ticks at any hour and ``entry_windows`` / ``entry_weekdays`` do not apply).
    """

    underlying: Underlying = "NIFTY"
    venue: NonEmptyStr = "NFO"
    index_venue: NonEmptyStr = "NSE"
    spread_type: SpreadTypeName = "iron_condor"
    strike_rule: StrikeRule = "delta"
    strike_value: float = 0.16
    wing_width: PositiveFloat = 200.0
    expiry_rule: ExpiryKind = "weekly"
    min_days_to_expiry: NonNegativeInt = 2
    entry_windows: Annotated[tuple[Window, ...], msgspec.Meta(min_length=1)] = ("09:30-14:30",)
    entry_weekdays: Annotated[tuple[Weekday, ...], msgspec.Meta(min_length=1)] = (0, 1, 2, 3, 4)
    max_concurrent_spreads: PositiveInt = 1
    max_entries_per_day: PositiveInt = 1
    reentry_cooldown_minutes: NonNegativeFloat = 30.0
    profit_target_pct: Percent | None = 50.0
    stop_loss_credit_multiple: PositiveFloat | None = 2.0
    stop_loss_max_loss_pct: Percent | None = None
    exit_time: ClockTime | None = None
    exit_minutes_before_expiry: PositiveFloat | None = 30.0
    hold_to_expiry: bool = False
    mark_side: MarkSide = "mid"
    exit_check_interval_secs: PositiveInt = 60
    reprice_steps: NonNegativeInt = 3
    reprice_interval_secs: PositiveFloat = 5.0
    market_protection_pct: NonNegativeFloat = 2.0
    leg_timeout_secs: PositiveFloat = 60.0
    max_quote_age_secs: PositiveFloat = 120.0
    lots: PositiveInt = 1
    max_lots: PositiveInt | None = None
    sizing_slippage_ticks: NonNegativeInt = 5
    margin_source: Literal["model", "venue", "off"] = "model"
    capital_manager: bool = True
    risk_free_rate: Rate = 0.065
    oms_type: Literal["HEDGING"] = "HEDGING"
    settlement_recognizers: tuple[str, ...] = DEFAULT_SETTLEMENT_RECOGNIZERS
    session: SessionKind = "nse"

    def __post_init__(self) -> None:
        check_fields(self)
        _check_strike_value(self.strike_rule, self.strike_value)
        _check_wing_width(self.underlying, self.wing_width)
        for window in self.entry_windows:
            _check_window(window)
        if self.exit_time is not None:
            parse_ist_time(self.exit_time)
        if not set(self.entry_weekdays) & set(range(5)):
            raise ConfigError(
                "entry_weekdays",
                f"{self.entry_weekdays} has no trading day (Monday = 0 to Friday = 4)",
            )
        if self.hold_to_expiry and self.exit_time is not None:
            raise ConfigError("exit_time", "must be None when hold_to_expiry is set")
        if self.hold_to_expiry and self.exit_minutes_before_expiry is not None:
            raise ConfigError(
                "exit_minutes_before_expiry", "must be None (default 30) with hold_to_expiry"
            )

    @property
    def spread(self) -> SpreadType:
        """The configured :class:`SpreadType`."""
        return SpreadType[self.spread_type.upper()]

    @property
    def is_credit(self) -> bool:
        """Whether the configured spread collects a net credit."""
        return self.spread.is_credit

    @property
    def windows(self) -> tuple[tuple[time, time], ...]:
        """``entry_windows`` as IST ``(start, end)`` times."""
        return tuple(parse_window(window) for window in self.entry_windows)

    @property
    def exit_clock(self) -> time | None:
        """``exit_time`` as an IST time of day, or None."""
        return None if self.exit_time is None else parse_ist_time(self.exit_time)


def _check_strike_value(rule: StrikeRule, value: float) -> None:
    if rule == "delta" and not 0 < value < 1:
        raise ConfigError("strike_value", f"a target delta must be in (0, 1), got {value!r}")
    if rule in ("points", "percent") and not value >= 0:
        raise ConfigError("strike_value", f"must be >= 0 for rule {rule!r}, got {value!r}")
    if rule == "premium" and not value > 0:
        raise ConfigError("strike_value", f"a target premium must be > 0, got {value!r}")


def _check_wing_width(underlying: Underlying, wing_width: float) -> None:
    steps = sorted({spec.strike_step for spec in CONTRACT_SPECS[underlying]})
    if any(abs(wing_width / step - round(wing_width / step)) > 1e-9 for step in steps):
        raise ConfigError(
            "wing_width",
            f"{wing_width:g} is not a multiple of the {underlying} strike step "
            f"({', '.join(map(str, steps))} points): no wing strike would be listed",
        )


def _check_window(window: str) -> None:
    start, end = parse_window(window)
    if end <= SESSION_OPEN or start >= SESSION_CLOSE:
        raise ConfigError(
            "entry_windows",
            f"{window!r} lies outside the NSE session ({_SESSION}): no entry could start",
        )
