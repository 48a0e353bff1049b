"""What a backtest loads from its catalog: the run's range and the part of the chain it needs.

:func:`run_period` resolves the run's bounds against the catalog's index data, clipping
them to the days it holds data for.
:func:`data_configs` picks the data: by default the **strike band**
(:func:`nautilus_options.data.selection.select_band`), i.e. only the expiries the strategy
could enter in the range, each with the strikes within the strategy's reach
(:func:`strategy_reach`) of the index's range while it could be held; optionally narrowed to
a fixed window at the start (``data.strikes_each_side``, ``data.expiries``); or everything
(``data.strike_band: false`` and no window).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from datetime import date, timedelta
from pathlib import Path
from statistics import NormalDist

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
from nautilus_trader.backtest.config import BacktestDataConfig
from nautilus_trader.model.data import QuoteTick, TradeTick
from nautilus_trader.persistence.catalog import ParquetDataCatalog

from nautilus_options.data.band import Reach
from nautilus_options.data.selection import (
    ChainWindow,
    chain_data_configs,
    select_band,
    select_chain,
)
from nautilus_options.domain.nse import CALENDAR_END, CALENDAR_START, is_trading_day
from nautilus_options.domain.time import NS_PER_DAY, ist_date, ist_ns
from nautilus_options.environments.backtest_settings import BacktestSettings, DataSettings
from nautilus_options.environments.streaming import series_files
from nautilus_options.environments.venues import INDEX_VENUE, OPTION_VENUE
from nautilus_options.errors import ConfigError, DataError
from nautilus_options.strategy.config import OptionsSpreadStrategyConfig

__all__ = [
    "PREMIUM_RULE_DELTA",
    "RunPeriod",
    "data_configs",
    "index_days",
    "run_period",
    "run_range",
    "strategy_reach",
]

#: A ``premium`` strike rule is assumed to pick a strike at or inside this delta.
PREMIUM_RULE_DELTA = 0.02
# More expiries/strikes than any catalog lists: "no limit" for ``select_chain``.
_EVERY = 1_000_000


def strategy_reach(strategy: OptionsSpreadStrategyConfig, data: DataSettings) -> Reach:
    """The farthest a leg of ``strategy`` can be from the index: ``(level, years) -> points``.

    The strike rule's distance from the forward, plus the wing width:

    * ``points``: ``strike_value``; ``percent``: ``strike_value`` percent of the level;
    * ``delta``: the distance at which a Black-76 option has that delta with implied vol
      ``data.band_vol`` over the time to expiry (``level * vol * sqrt(years) * |z|``);
      ``premium``: the same at :data:`PREMIUM_RULE_DELTA`;
    * ``data.band_points``, when set, replaces the rule's distance;

    and the forward's drift from the index at the strategy's ``risk_free_rate``.
    """
    spread = strategy.spread_type
    rule, value, vol = strategy.strike_rule, strategy.strike_value, data.band_vol
    delta = PREMIUM_RULE_DELTA if rule == "premium" else min(value, 1 - value)
    z = abs(NormalDist().inv_cdf(delta)) if rule in ("delta", "premium") else 0.0

    def reach(level: float, years: float) -> float:
        if data.band_points is not None:
            distance = data.band_points
        elif spread == "iron_butterfly":
            distance = 0.0
        elif rule == "points":
            distance = value
        elif rule == "percent":
            distance = level * value / 100
        else:
            distance = level * vol * math.sqrt(years) * z
        drift = level * (math.exp(strategy.risk_free_rate * years) - 1)
        return distance + drift + strategy.wing_width

    return reach


def data_configs(
    catalog: Path, settings: BacktestSettings, start: int, end: int
) -> list[BacktestDataConfig]:
    """The ``BacktestDataConfig`` entries of a run from ``start`` to ``end`` (UNIX ns)."""
    window, underlying = settings.data, settings.underlying
    fixed = window.strikes_each_side is not None or window.expiries is not None
    if not window.strike_band and not fixed:
        index_ids = [f"{underlying}.{INDEX_VENUE}", f"{underlying}.{OPTION_VENUE}"]
        return [
            BacktestDataConfig(
                catalog_path=str(catalog), data_cls=TradeTick, instrument_ids=index_ids
            ),
            BacktestDataConfig(catalog_path=str(catalog), data_cls=QuoteTick),
        ]
    if not window.strike_band:
        return chain_data_configs(catalog, _fixed(catalog, settings, start, end))
    strategy = settings.strategy
    try:
        chain = select_band(
            catalog,
            underlying,
            start,
            end,
            reach=strategy_reach(strategy, window),
            monthly_only=strategy.expiry_rule == "monthly",
            min_days_to_expiry=strategy.min_days_to_expiry,
        )
    except ConfigError as exc:
        if exc.field != "start":
            raise
        raise ConfigError(
            "strategy.min_days_to_expiry",
            f"no {strategy.expiry_rule} {underlying} expiry in the catalog is at least "
            f"{strategy.min_days_to_expiry:g} days away at any time in the run: the strategy "
            "could never enter (lower it, or move the run's dates)",
        ) from None
    if fixed:
        kept = set(_fixed(catalog, settings, start, end).option_ids)
        chain = replace(chain, option_ids=tuple(i for i in chain.option_ids if i in kept))
    return chain_data_configs(catalog, chain)


def _fixed(catalog: Path, settings: BacktestSettings, start: int, end: int) -> ChainWindow:
    """The fixed window at the start: ``data.strikes_each_side`` and ``data.expiries``."""
    return select_chain(
        catalog,
        settings.underlying,
        start,
        end,
        expiries=settings.data.expiries or _EVERY,
        strikes_each_side=settings.data.strikes_each_side or _EVERY,
    )


#: Days without data a note names before it just counts them.
MISSING_DAYS_NAMED = 3


@dataclass(frozen=True)
class RunPeriod:
    """The period a run simulates: the asked range clipped to the days with index data.

    Attributes
    ----------
    start, end : int
        Bounds (UNIX ns, inclusive).
    clipped : bool
        Whether an asked bound was moved to the first or last IST day with index data.
    missing_days : tuple[date, ...]
        NSE trading days within the period whose index data the catalog lacks.
    """

    start: int
    end: int
    clipped: bool
    missing_days: tuple[date, ...]

    def notes(self, asked: tuple[str | None, str | None]) -> list[str]:
        """One line per thing a user should know about the period (none when nothing).

        ``asked`` is the run's ``start`` and ``end`` as written in the settings.
        """
        lines = []
        if self.clipped:
            lines.append(
                f"the run covers {ist_date(self.start)} to {ist_date(self.end)}: the days "
                f"from {asked[0] or 'the start'} to {asked[1] or 'the end'} with index data "
                "in the catalog"
            )
        if missing := self.missing_days:
            named = ", ".join(str(day) for day in missing[:MISSING_DAYS_NAMED])
            rest = len(missing) - MISSING_DAYS_NAMED
            more = f" and {rest} more" if rest > 0 else ""
            lines.append(
                f"{len(missing)} trading day(s) in the period have no index data in the "
                f"catalog ({named}{more}): the strategy neither enters nor exits on them"
            )
        return lines


def run_range(settings: BacktestSettings, catalog: Path) -> tuple[int, int]:
    """Start and end (UNIX ns, inclusive) of a run over ``catalog`` (:func:`run_period`)."""
    period = run_period(settings, catalog)
    return period.start, period.end


def run_period(settings: BacktestSettings, catalog: Path) -> RunPeriod:
    """The period of a run over ``catalog``: its bounds, clipped to the days with data.

    Bounds follow :func:`nautilus_options.domain.time.parse_bound`: ``YYYY-MM-DD`` is a
    whole IST day, a timestamp without a zone is IST, one with a zone is that instant.
    Missing bounds default to the first and last index trade in the catalog. A bound
    outside the days with index trades is moved to the first (or last) IST day in the range
    that has some, so a run never simulates days without data at its ends; the trading days
    inside the period without index trades are listed.

    Raises
    ------
    ConfigError
        Naming ``start`` or ``end`` when unparsable, ``end`` when before ``start``, and
        ``start`` when the catalog holds no index data in the range.
    DataError
        If the catalog holds no index trades at all.
    """
    start, end = settings.bounds()
    index_id = f"{settings.underlying}.{INDEX_VENUE}"
    intervals = ParquetDataCatalog(str(catalog)).get_intervals(TradeTick, index_id)
    if not intervals:
        raise DataError(
            f"the catalog holds no data for the period: no {index_id} index trades",
            file=str(catalog),
        )
    first, last = intervals[0][0], intervals[-1][1]
    low, high = max(first, start or first), min(last, end or last)
    days = index_days(catalog, index_id, low, high) if low <= high else []
    if not days:
        covered = f"{_iso(first)} to {_iso(last)}"
        raise ConfigError(
            "start",
            f"the catalog holds no data for the period: no {index_id} data in the range; "
            f"{catalog} covers {covered}",
        )
    clipped_start = first if start is None else max(start, ist_ns(days[0]))
    clipped_end = last if end is None else min(end, ist_ns(days[-1]) + NS_PER_DAY - 1)
    held = set(days)
    return RunPeriod(
        start=clipped_start,
        end=clipped_end,
        clipped=(start is not None and clipped_start != start)
        or (end is not None and clipped_end != end),
        missing_days=tuple(d for d in _weekdays(days[0], days[-1]) if d not in held),
    )


def index_days(catalog: Path, index_id: str, start: int, end: int) -> list[date]:
    """The IST days from ``start`` to ``end`` (UNIX ns) with ``index_id`` trades, in order."""
    stamps = [
        pq.read_table(
            file, columns=["ts_init"], filters=[("ts_init", ">=", start), ("ts_init", "<=", end)]
        )
        .column("ts_init")
        .to_numpy()
        for _, _, file in series_files(catalog, TradeTick, [index_id])
    ]
    if not stamps:
        return []
    offset = ist_ns(_EPOCH_DAY)  # negative: IST midnight of 1970-01-01 in UNIX ns
    numbers = np.unique((np.concatenate(stamps).astype(np.int64) - offset) // NS_PER_DAY)
    return [_EPOCH_DAY + timedelta(days=int(n)) for n in numbers]


def _weekdays(first: date, last: date) -> list[date]:
    """The NSE trading days from ``first`` to ``last`` (weekdays outside the NSE calendar)."""
    days = (first + timedelta(days=n) for n in range((last - first).days + 1))
    return [
        d
        for d in days
        if (is_trading_day(d) if CALENDAR_START <= d <= CALENDAR_END else d.weekday() < 5)
    ]


_EPOCH_DAY = date(1970, 1, 1)


def _iso(ns: int) -> str:
    return pd.Timestamp(ns, unit="ns", tz="UTC").isoformat()
