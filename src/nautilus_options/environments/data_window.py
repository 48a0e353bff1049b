"""What a backtest loads from its catalog: the run's range and the part of the chain it needs.

:func:`run_range` resolves the run's bounds against the catalog's index data.
:func:`data_configs` picks the data: by default the **strike band**
(:func:`nautilus_options.data.selection.select_band`), i.e. only the expiries the strategy
could enter in the range, each with the strikes within the strategy's reach
(:func:`strategy_reach`) of the index's range while it could be held; optionally narrowed to
a fixed window at the start (``data.strikes_each_side``, ``data.expiries``); or everything
(``data.strike_band: false`` and no window).
"""

from __future__ import annotations

import math
from dataclasses import replace
from pathlib import Path
from statistics import NormalDist

import pandas as pd
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
from nautilus_options.environments.backtest_settings import BacktestSettings, DataSettings
from nautilus_options.environments.venues import INDEX_VENUE, OPTION_VENUE
from nautilus_options.errors import ConfigError, DataError
from nautilus_options.strategy.config import OptionsSpreadStrategyConfig

__all__ = ["PREMIUM_RULE_DELTA", "data_configs", "run_range", "strategy_reach"]

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


def run_range(settings: BacktestSettings, catalog: Path) -> tuple[int, int]:
    """Start and end (UNIX ns, inclusive) of a run over ``catalog``.

    Bounds follow :func:`nautilus_options.domain.time.parse_bound`: ``YYYY-MM-DD`` is a
    whole IST day, a timestamp without a zone is IST, one with a zone is that instant.
    Missing bounds default to the first and last index trade in the catalog.

    Raises
    ------
    ConfigError
        Naming ``start`` or ``end`` when unparsable, ``end`` when before ``start``, and
        ``start`` when the catalog's index data lies outside the range.
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
    if (start is not None and start > last) or (end is not None and end < first):
        covered = f"{_iso(first)} to {_iso(last)}"
        raise ConfigError(
            "start",
            f"the catalog holds no data for the period: no {index_id} data in the range; "
            f"{catalog} covers {covered}",
        )
    return (first if start is None else start), (last if end is None else end)


def _iso(ns: int) -> str:
    return pd.Timestamp(ns, unit="ns", tz="UTC").isoformat()
