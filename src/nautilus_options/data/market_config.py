"""Parameters of the synthetic market: :class:`SyntheticMarketConfig`.

The configuration is validated on construction and knows its trading days;
:mod:`nautilus_options.data.market_model` simulates it and
:mod:`nautilus_options.data.synthetic` writes it out. :meth:`SyntheticMarketConfig.key`
digests it with :data:`GENERATOR_VERSION`, so a cached market is regenerated whenever
either changes.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field, fields
from datetime import date

from nautilus_options.domain.nse import is_trading_day, next_trading_day, validate_underlying
from nautilus_options.errors import ConfigError

#: Bumped whenever the generated data changes for the same configuration.
GENERATOR_VERSION = 2

#: Index level at the first open when the configuration gives none.
DEFAULT_SPOT = {"NIFTY": 26_000.0, "BANKNIFTY": 59_000.0}
#: Configuration fields that must be positive, and those that must not be negative.
_POSITIVE = ("days", "strikes_each_side", "expiries", "bar_minutes", "atm_vol", "max_quote_lots")
_NON_NEGATIVE = (
    "vol_of_vol",
    "vol_mean_reversion",
    "realized_vol_ratio",
    "intraday_u_shape",
    "overnight_gap_vol",
    "jumps_per_day",
    "jump_vol",
    "spread_base",
    "spread_fraction",
    "wing_widening",
    "expiry_widening",
)


@dataclass(frozen=True)
class SyntheticMarketConfig:
    """Parameters of the synthetic market (defaults: a NIFTY-like January 2026).

    Parameters
    ----------
    underlying : str
        ``"NIFTY"`` or ``"BANKNIFTY"``.
    start : date
        First trading day (must be a trading day).
    days : int
        Number of trading days.
    seed : int
        Seed of the random generator.
    strikes_each_side : int
        Strikes listed on each side of the day's opening ATM strike.
    expiries : int
        Nearest expiries quoted each day.
    bar_minutes : int
        Spacing of the quote grid in minutes (1 to 375).
    spot : float, optional
        Index level at the first open (default: ``DEFAULT_SPOT`` of the underlying).
    rate : float
        Continuously compounded rate for forwards and discounting.
    atm_vol : float
        Long-run ATM implied volatility.
    vol_of_vol : float
        Annualised volatility of log ATM implied vol.
    vol_mean_reversion : float
        Mean-reversion speed of log ATM implied vol, per year.
    spot_vol_correlation : float
        Correlation of index returns with ATM implied-vol changes.
    realized_vol_ratio : float
        Realised index vol as a fraction of ATM implied vol (variance risk premium).
    intraday_u_shape : float
        Extra variance at the open and close relative to midday (0 = flat).
    overnight_gap_vol : float
        Standard deviation of the overnight log gap.
    jumps_per_day : float
        Expected number of intraday jumps per day.
    jump_mean, jump_vol : float
        Mean and standard deviation of a jump's log size.
    jump_vol_beta : float
        Change of log ATM vol per unit log jump (negative: down jumps raise vol).
    skew, smile : float
        Linear and quadratic coefficients of the smile in standardised moneyness.
    term_slope : float
        ATM vol changes by ``term_slope * ln(T / 7 days)`` (relative).
    spread_base, spread_fraction : float
        Full bid/ask width before widening: ``spread_base + spread_fraction * premium``.
    wing_widening, expiry_widening : float
        Width multipliers ``1 + wing_widening * |z|`` and ``1 + expiry_widening * exp(-days)``.
    max_quote_lots : int
        Quote sizes are uniform in ``1..max_quote_lots`` lots.
    """

    underlying: str = "NIFTY"
    start: date = date(2026, 1, 5)
    days: int = 20
    seed: int = 7
    strikes_each_side: int = 20
    expiries: int = 2
    bar_minutes: int = 1
    spot: float | None = None
    rate: float = 0.065
    atm_vol: float = 0.12
    vol_of_vol: float = 0.8
    vol_mean_reversion: float = 4.0
    spot_vol_correlation: float = -0.7
    realized_vol_ratio: float = 0.9
    intraday_u_shape: float = 2.0
    overnight_gap_vol: float = 0.004
    jumps_per_day: float = 0.2
    jump_mean: float = -0.001
    jump_vol: float = 0.006
    jump_vol_beta: float = -4.0
    skew: float = -0.10
    smile: float = 0.03
    term_slope: float = -0.02
    spread_base: float = 0.10
    spread_fraction: float = 0.004
    wing_widening: float = 0.15
    expiry_widening: float = 0.5
    max_quote_lots: int = 20
    trading_days: tuple[date, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        validate_underlying(self.underlying)
        for names, holds, rule in (
            (_POSITIVE, lambda value: value > 0, "must be positive"),
            (_NON_NEGATIVE, lambda value: value >= 0, "must not be negative"),
        ):
            for name in names:
                if not holds(getattr(self, name)):
                    raise ConfigError(name, f"{rule}, got {getattr(self, name)}")
        if not 0 <= self.seed < 2**128:
            raise ConfigError("seed", f"must lie in 0 to 2**128 - 1, got {self.seed}")
        if self.spot is not None and not self.spot > 0:
            raise ConfigError("spot", f"must be positive, got {self.spot}")
        if not -1.0 <= self.spot_vol_correlation <= 1.0:
            raise ConfigError("spot_vol_correlation", "must lie in [-1, 1]")
        if self.bar_minutes > 375:
            raise ConfigError("bar_minutes", "must not exceed the 375-minute session")
        if not is_trading_day(self.start):
            following = next_trading_day(self.start)
            raise ConfigError(
                "start", f"{self.start} is not an NSE trading day (next one: {following})"
            )
        days = [self.start]
        try:
            while len(days) < self.days:
                days.append(next_trading_day(days[-1]))
        except ConfigError as exc:
            raise ConfigError("days", f"{self.days} trading days from {self.start}: {exc}") from exc
        object.__setattr__(self, "trading_days", tuple(days))

    @property
    def initial_spot(self) -> float:
        """The index level at the first open."""
        return self.spot if self.spot is not None else DEFAULT_SPOT[self.underlying]

    def key(self) -> str:
        """A short digest of the configuration and :data:`GENERATOR_VERSION`."""
        values = {f.name: getattr(self, f.name) for f in fields(self) if f.init}
        text = json.dumps([GENERATOR_VERSION, values], sort_keys=True, default=str)
        return hashlib.sha256(text.encode()).hexdigest()[:16]
